import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { Glob } from '../../model/glob';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { RuleLevel, Widening } from '../../model/rules';
import { CiProfile, RequiredWidening, Trust, TrustFinding } from '../../model/trust';
import { globsCondition, lit, pat } from '../globs';
import { BUILDKITE_ISSUER, BUILDKITE_SPEC, BuildkiteDetails } from './provider-spec';
import { buildkiteIdentity, buildkiteSubject } from './subject';
import { guardMethods, PRODUCTION_REF, requireAudienceArgs, requireEnum, requireEnums, requireName, requireNetworkProps, requireProps, requireRefName, requireRefPattern, requireStrings, requireText, requireWidenings, uniqSorted, UUID } from '../values';

/** What Buildkite puts in `sub` (`buildkite-agent oidc request-token --subject-claim`, docs/claims.md#buildkite). */
export enum BuildkiteSubject {
  /** `organization:ORG:pipeline:PIPE:ref:REF:commit:SHA:step:KEY` (the default). */
  COMPOSITE = 'COMPOSITE',
  /** The pipeline UUID (`--subject-claim pipeline_id`): immutable, the only form Azure can match per pipeline. */
  PIPELINE_ID = 'PIPELINE_ID',
}

/** How a Buildkite build started (`build_source`). */
export enum BuildkiteBuildSource {
  UI = 'ui',
  API = 'api',
  WEBHOOK = 'webhook',
  TRIGGER_JOB = 'trigger_job',
  SCHEDULE = 'schedule',
}

/** The pipeline whose jobs are trusted. */
export interface BuildkitePipelineProps {
  /** Organization slug, e.g. `acme-inc`. */
  readonly organization: string;
  /** Pipeline slug, e.g. `deploy`. */
  readonly pipeline: string;
  /** Organization UUID (`organization_id`, requested with `--claim organization_id`). @default - none */
  readonly organizationId?: string;
  /**
   * Pipeline UUID (`pipeline_id`). Slugs are names that can be recycled; the id cannot.
   * @default - none: requires Widening.NAME_ONLY_IDENTITY
   */
  readonly pipelineId?: string;
  /** What the token's `sub` carries. @default COMPOSITE */
  readonly subject?: BuildkiteSubject;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;

/** Buildkite: typed trusts for jobs of one pipeline. */
export class Buildkite {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = BUILDKITE_SPEC.id;
  /** Buildkite's issuer, shared by every organization. */
  public static readonly ISSUER = BUILDKITE_ISSUER;

  /** Start a trust for jobs of one pipeline. */
  public static pipeline(props: BuildkitePipelineProps): BuildkiteTrustBuilder {
    return BuildkiteTrustBuilder._create(props);
  }

  private constructor() {}
}

/** Builds a Buildkite trust. */
export class BuildkiteTrustBuilder {
  /** @internal */
  public static _create(props: BuildkitePipelineProps): BuildkiteTrustBuilder {
    return new BuildkiteTrustBuilder(props);
  }

  private readonly org: string;
  private readonly pipe: string;
  private readonly orgId?: string;
  private readonly pipeId?: string;
  private readonly subject: BuildkiteSubject;
  private readonly branches: string[] = [];
  private readonly tags: string[] = [];
  private readonly patterns: string[] = [];
  private anyRef = false;
  private readonly steps: string[] = [];
  private readonly pins = new Map<string, string[]>();
  private readonly tagged: string[] = [];
  private auds?: string[];
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Validates the props: builders come from Buildkite.pipeline() only. */
  private constructor(props: BuildkitePipelineProps) {
    const w = 'Buildkite.pipeline';
    requireProps(w, props);
    if (props.subject !== undefined) requireEnum(`${w}(subject)`, props.subject, BuildkiteSubject, 'BuildkiteSubject');
    this.org = requireName(`${w}(organization)`, props.organization, 'organization slug', SLUG, 'lower-case letters, digits and inner hyphens');
    this.pipe = requireName(`${w}(pipeline)`, props.pipeline, 'pipeline slug', SLUG, 'lower-case letters, digits and inner hyphens');
    const uuid = (v: string | undefined, what: string) => {
      if (v !== undefined && !UUID.test(v)) throw new TrustConfigError(`${w}(${what})`, `${JSON.stringify(v)} is not a lower-case UUID`, `copy the ${what} from the Buildkite API`);
      return v;
    };
    this.orgId = uuid(props.organizationId, 'organizationId');
    this.pipeId = uuid(props.pipelineId, 'pipelineId');
    this.subject = props.subject ?? BuildkiteSubject.COMPOSITE;
    if (this.subject === BuildkiteSubject.PIPELINE_ID && !this.pipeId) {
      throw new TrustConfigError(`${w}(subject)`, 'the PIPELINE_ID subject needs pipelineId', 'give pipelineId');
    }
  }

  /** Builds of these branches. */
  public onBranch(...branches: string[]): BuildkiteTrustBuilder {
    for (const b of branches) this.branches.push(requireRefName('BuildkiteTrustBuilder.onBranch', b, 'branch', 'onBranchPattern'));
    return this;
  }

  /** Builds of these tags. */
  public onTag(...tags: string[]): BuildkiteTrustBuilder {
    for (const t of tags) this.tags.push(requireRefName('BuildkiteTrustBuilder.onTag', t, 'tag'));
    return this;
  }

  /** Branches matching a pattern such as `release/*`. Requires Widening.REF_PATTERN. */
  public onBranchPattern(pattern: string): BuildkiteTrustBuilder {
    this.patterns.push(requireRefPattern('BuildkiteTrustBuilder.onBranchPattern', pattern, 'branch pattern'));
    return this;
  }

  /** Any branch or tag. Requires Widening.ANY_REF. */
  public onAnyRef(): BuildkiteTrustBuilder {
    this.anyRef = true;
    return this;
  }

  /** Only these step keys. */
  public onStep(...stepKeys: string[]): BuildkiteTrustBuilder {
    for (const k of stepKeys) {
      const v = requireText('BuildkiteTrustBuilder.onStep', k, 'step key');
      if (!/^[A-Za-z0-9_.-]{1,100}$/.test(v)) throw new TrustConfigError('BuildkiteTrustBuilder.onStep', `step key ${JSON.stringify(v)} is not 1-100 of A-Z a-z 0-9 _ . -`, 'use the key: of the step');
      this.steps.push(v);
    }
    return this;
  }

  /** Only builds started this way (`build_source`). */
  public fromBuildSource(...sources: BuildkiteBuildSource[]): BuildkiteTrustBuilder {
    return this.pin('build_source', requireEnums('BuildkiteTrustBuilder.fromBuildSource', sources, BuildkiteBuildSource, 'BuildkiteBuildSource'));
  }

  /** Only Buildkite-hosted agents (`runner_environment == buildkite-hosted`). */
  public onHostedAgents(): BuildkiteTrustBuilder {
    return this.pin('runner_environment', ['buildkite-hosted']);
  }

  /**
   * The claims the agent copies into AWS session tags (`--aws-session-tag`). On AWS, pins on these
   * claims compile to `aws:RequestTag/<claim>` conditions, and the role allows `sts:TagSession`.
   */
  public withAwsSessionTags(...claims: string[]): BuildkiteTrustBuilder {
    requireStrings('BuildkiteTrustBuilder.withAwsSessionTags', claims, 'claim');
    const allowed = ['organization_slug', 'organization_id', 'pipeline_slug', 'pipeline_id', 'build_branch', 'build_tag', 'build_source', 'step_key', 'runner_environment', 'cluster_id', 'queue_id', 'queue_key'];
    for (const c of claims) {
      if (!allowed.includes(c)) throw new TrustConfigError('BuildkiteTrustBuilder.withAwsSessionTags', `${JSON.stringify(c)} is not a claim the agent can tag`, `use ${allowed.join(', ')}`);
      this.tagged.push(c);
    }
    return this;
  }

  /** The audience the agent requests (`--audience`). @default - the cloud's default when compiled */
  public withAudience(...audiences: string[]): BuildkiteTrustBuilder {
    requireAudienceArgs('BuildkiteTrustBuilder.withAudience', audiences);
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from (e.g. static agent egress IPs). */
  public restrictNetwork(network: NetworkRestrictionProps): BuildkiteTrustBuilder {
    this.net = NetworkRestriction.of(requireNetworkProps('BuildkiteTrustBuilder.restrictNetwork', network));
    return this;
  }

  /** Accept named widenings of the secure default (each is shown in the review). */
  public accept(...widenings: Widening[]): BuildkiteTrustBuilder {
    this.accepted.push(...requireWidenings('BuildkiteTrustBuilder.accept', widenings));
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    const w = `Buildkite(${this.org}/${this.pipe})`;
    const needs: RequiredWidening[] = [];
    const warnings: TrustFinding[] = [];
    const branches = uniqSorted(this.branches);
    const tags = uniqSorted(this.tags);
    const patterns = uniqSorted(this.patterns);
    const steps = uniqSorted(this.steps);
    const hasRef = branches.length + tags.length + patterns.length > 0;
    if (!this.pipeId) needs.push({ ruleId: 'CIT-M010', message: `${this.org}/${this.pipe} is trusted by slug only; slugs are names that can be recycled` });
    if (this.anyRef && hasRef) throw new TrustConfigError(w, 'onAnyRef() is combined with specific refs', 'use either onAnyRef() or specific refs');
    if (!hasRef && !this.anyRef) throw new TrustConfigError(w, 'no branch or tag is pinned', 'call onBranch() or onTag(); or onAnyRef() with Widening.ANY_REF', 'CIT-M011');
    if (this.anyRef) needs.push({ ruleId: 'CIT-M011', message: `every branch and tag of ${this.org}/${this.pipe} is trusted` });
    if (patterns.length) needs.push({ ruleId: 'CIT-M012', message: `branch patterns ${patterns.join(', ')} admit every matching branch anyone who can start a build creates` });
    if ([...branches, ...patterns].some((b) => PRODUCTION_REF.test(b)) || tags.length) {
      warnings.push({ ruleId: 'CIT-M014', level: RuleLevel.WARNING, message: 'Buildkite has no deployment environments; gate production with a block step or a separate pipeline' });
    }

    const tests: Condition[] = [];
    const identity = buildkiteIdentity(this.org, this.pipe);
    const refGlobs: Glob[] = [...branches.map((b) => lit(`refs/heads/${b}`)), ...tags.map((t) => lit(`refs/tags/${t}`)), ...patterns.map((p) => pat(`refs/heads/${p}`))];
    if (this.subject === BuildkiteSubject.COMPOSITE) {
      const stepGlobs = steps.length ? steps.map(lit) : [{ parts: ['', ''] }];
      const refs = this.anyRef ? [{ parts: ['', ''] }] : refGlobs;
      const subjects = refs.flatMap((r) => stepGlobs.map((s) => (this.anyRef
        ? { parts: [identity + 'ref:', ''] } // everything after the identity is free
        : buildkiteSubject(this.org, this.pipe, r, { parts: ['', ''] }, s))));
      tests.push(globsCondition('sub', subjects));
      if (this.anyRef && steps.length) tests.push(Condition.oneOf('step_key', steps));
      if (this.pipeId) tests.push(Condition.exact('pipeline_id', this.pipeId));
    } else {
      // The pipeline UUID is immutable and unique: the subject alone pins the pipeline.
      tests.push(Condition.exact('sub', this.pipeId!));
      if (branches.length || patterns.length) tests.push(globsCondition('build_branch', [...branches.map(lit), ...patterns.map(pat)]));
      if (tags.length) {
        if (branches.length || patterns.length) throw new TrustConfigError(w, 'with the PIPELINE_ID subject, branches and tags are separate claims and cannot be alternatives of one trust', 'make one trust for branches and one for tags');
        tests.push(Condition.oneOf('build_tag', tags));
      }
      if (steps.length) tests.push(Condition.oneOf('step_key', steps));
    }
    if (this.orgId) tests.push(Condition.exact('organization_id', this.orgId));
    for (const [k, v] of [...this.pins.entries()].sort()) tests.push(Condition.oneOf(k, uniqSorted(v)));

    // The pipeline-id subject is the UUID alone: only this pipeline's UUID pins the identity.
    const profile: CiProfile = this.subject === BuildkiteSubject.PIPELINE_ID
      ? { ...BUILDKITE_SPEC.profile, subjectIdentity: new RegExp(`^${this.pipeId}:`) }
      : BUILDKITE_SPEC.profile;
    const refText = [
      ...(branches.length ? [`on branch ${branches.join(' or ')}`] : []),
      ...(tags.length ? [`on tag ${tags.join(' or ')}`] : []),
      ...patterns.map((p) => `on branches matching ${p}`),
      ...(this.anyRef ? ['on any ref'] : []),
    ].join(' or ');
    const extra = [
      ...(steps.length ? [`step ${steps.join(' or ')}`] : []),
      ...[...this.pins.entries()].sort().map(([k, v]) => `with ${k} ${uniqSorted(v).join(' or ')}`),
    ];
    return Trust._create({
      profile,
      where: w,
      issuer: BUILDKITE_ISSUER,
      audiences: this.auds,
      condition: Condition.allOf(...tests),
      network: this.net,
      description: `Buildkite jobs of pipeline ${this.org}/${this.pipe}${this.pipeId ? ` (pipeline id ${this.pipeId})` : ' (by slug only)'} ${[refText, ...extra].join(', ')}`,
      warnings,
      needs,
      accepted: this.accepted,
      sessionTags: this.tagged,
      details: {
        organization: this.org,
        pipeline: this.pipe,
        organizationId: this.orgId,
        pipelineId: this.pipeId,
        subject: this.subject,
        claims: uniqSorted([...(this.orgId ? ['organization_id'] : []), ...(this.pipeId ? ['pipeline_id'] : [])]),
        ...(branches.length ? { branches } : {}),
        ...(tags.length ? { tags } : {}),
        ...(patterns.length ? { branchPatterns: patterns } : {}),
        ...(this.anyRef ? { anyRef: true } : {}),
        ...(steps.length ? { steps } : {}),
        ...(this.pins.size ? { pins: Object.fromEntries([...this.pins.entries()].sort().map(([k, v]) => [k, uniqSorted(v)])) } : {}),
      } satisfies BuildkiteDetails,
    });
  }

  private pin(claim: string, values: string[]): BuildkiteTrustBuilder {
    if (values.length === 0) throw new TrustConfigError(`BuildkiteTrustBuilder(${claim})`, 'no value given', 'give at least one value');
    this.pins.set(claim, [...(this.pins.get(claim) ?? []), ...values]);
    return this;
  }
}

guardMethods(BuildkiteTrustBuilder);
guardMethods(Buildkite, Buildkite);
