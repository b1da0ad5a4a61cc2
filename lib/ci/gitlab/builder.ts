import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { Glob } from '../../model/glob';
import { validateIssuer } from '../../model/issuer';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { RuleLevel, Widening } from '../../model/rules';
import { RequiredWidening, Trust, TrustFinding } from '../../model/trust';
import { globsCondition, joinFields, lit, pat } from '../globs';
import { GITLAB_COM, GITLAB_SPEC, GitLabDetails } from './provider-spec';
import { componentField, DEFAULT_SUB_COMPONENTS, SEG } from './subject';
import { guardMethods, PRODUCTION_REF, requireAudienceArgs, requireEnums, requireId, requireName, requireNetworkProps, requireProps, requireRefName, requireRefPattern, requireStringList, requireStrings, requireText, requireWidenings, uniqSorted } from '../values';

/** A component of GitLab's `sub` (project setting `ci_id_token_sub_claim_components`, docs/claims.md#gitlab). */
export enum GitLabSubjectComponent {
  /** `project_path:<group>/<project>` */
  PROJECT_PATH = 'project_path',
  /** `project_id:<id>`: survives renames and transfers. */
  PROJECT_ID = 'project_id',
  /** `ref_type:<branch|tag>` */
  REF_TYPE = 'ref_type',
  /** `ref:<short ref>` */
  REF = 'ref',
  /** `ref_protected:<true|false>` (GitLab 18.7+). */
  REF_PROTECTED = 'ref_protected',
  /** `environment_protected:<true|false>` (GitLab 18.7+, environment jobs). */
  ENVIRONMENT_PROTECTED = 'environment_protected',
  /** `deployment_tier:<tier>` (GitLab 18.7+, environment jobs). */
  DEPLOYMENT_TIER = 'deployment_tier',
}

/** A GitLab deployment tier. */
export enum GitLabDeploymentTier {
  PRODUCTION = 'production',
  STAGING = 'staging',
  TESTING = 'testing',
  DEVELOPMENT = 'development',
  OTHER = 'other',
}

/** The project whose pipelines are trusted. */
export interface GitLabProjectProps {
  /** Full project path, e.g. `my-group/my-subgroup/my-project`. */
  readonly projectPath: string;
  /** Numeric project id. @default - none: requires Widening.NAME_ONLY_IDENTITY */
  readonly projectId?: string;
  /** Instance URL (the `iss`), e.g. `https://gitlab.example.com`. @default https://gitlab.com */
  readonly instanceUrl?: string;
  /**
   * The project's `sub` components, in order.
   * @default [PROJECT_PATH, REF_TYPE, REF] (GitLab's default)
   */
  readonly subjectComponents?: GitLabSubjectComponent[];
}

const PATH = new RegExp(`^${SEG}(\\/${SEG}){1,20}$`);
const PIPELINE_SOURCES = ['api', 'chat', 'external', 'external_pull_request_event', 'merge_request_event', 'ondemand_dast_scan', 'ondemand_dast_validation', 'parent_pipeline', 'pipeline', 'push', 'schedule', 'security_orchestration_policy', 'trigger', 'web', 'webide'];

/** GitLab CI/CD: typed trusts for pipelines of one project (gitlab.com or self-managed). */
export class GitLabCi {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = GITLAB_SPEC.id;
  /** The gitlab.com issuer. */
  public static readonly GITLAB_COM = GITLAB_COM;

  /** Start a trust for pipelines of one project. */
  public static project(props: GitLabProjectProps): GitLabTrustBuilder {
    return GitLabTrustBuilder._create(props);
  }

  private constructor() {}
}

/**
 * Builds a GitLab trust. Refs: branches or tags (alternatives); `onProtectedBranch` also pins
 * `ref_protected`. Environment, tier and pipeline source are extra pins.
 */
export class GitLabTrustBuilder {
  /** @internal */
  public static _create(props: GitLabProjectProps): GitLabTrustBuilder {
    return new GitLabTrustBuilder(props);
  }

  private readonly path: string;
  private readonly projectId?: string;
  private readonly issuer: string;
  private readonly components: GitLabSubjectComponent[];
  private readonly branches: string[] = [];
  private readonly tags: string[] = [];
  private readonly patterns: { type: string; pattern: string }[] = [];
  private anyRef = false;
  private readonly pins = new Map<string, string[]>();
  private auds?: string[];
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Validates the props: builders come from GitLabCi.project() only. */
  private constructor(props: GitLabProjectProps) {
    const w = 'GitLabCi.project';
    requireProps(w, props);
    if (props.subjectComponents !== undefined) {
      requireStringList(`${w}(subjectComponents)`, props.subjectComponents, 'subjectComponents');
      requireEnums(`${w}(subjectComponents)`, props.subjectComponents, GitLabSubjectComponent, 'GitLabSubjectComponent');
    }
    this.path = requireName(`${w}(projectPath)`, props.projectPath, 'project path', PATH, 'group/project (subgroups allowed), segments of A-Z a-z 0-9 _ . - not starting with . or -');
    if (/\.(git|atom)$/.test(this.path)) throw new TrustConfigError(`${w}(projectPath)`, `project path ${JSON.stringify(this.path)} ends with .git or .atom`, 'give the path without the suffix');
    this.projectId = props.projectId === undefined ? undefined : requireId(`${w}(projectId)`, props.projectId, 'project id');
    this.issuer = validateIssuer(props.instanceUrl ?? GitLabCi.GITLAB_COM, `${w}(instanceUrl)`);
    this.components = props.subjectComponents ? [...props.subjectComponents] : DEFAULT_SUB_COMPONENTS.map((c) => c as GitLabSubjectComponent);
    if (this.components.length === 0 || new Set(this.components).size !== this.components.length) {
      throw new TrustConfigError(`${w}(subjectComponents)`, 'the components are empty or repeat a component', 'list each component once, e.g. [PROJECT_ID, REF_TYPE, REF]');
    }
    if (!this.components.includes(GitLabSubjectComponent.PROJECT_PATH) && !this.components.includes(GitLabSubjectComponent.PROJECT_ID)) {
      throw new TrustConfigError(`${w}(subjectComponents)`, 'the components have neither project_path nor project_id, so any project emitting the same values matches', 'include PROJECT_ID (or PROJECT_PATH)', 'CIT-M016');
    }
    const first = this.components.findIndex((c) => c === GitLabSubjectComponent.PROJECT_PATH || c === GitLabSubjectComponent.PROJECT_ID);
    if (first > 0) {
      throw new TrustConfigError(`${w}(subjectComponents)`, `the components put ${this.components.slice(0, first).join(', ')} ahead of the project, so another project could produce the whole subject`, 'put PROJECT_ID (or PROJECT_PATH) first', 'CIT-M016');
    }
    if (this.components.includes(GitLabSubjectComponent.PROJECT_ID) && !this.projectId) {
      throw new TrustConfigError(`${w}(projectId)`, 'the subject components include project_id but no projectId is given', 'give projectId');
    }
  }

  /** Pipelines on these branches. */
  public onBranch(...branches: string[]): GitLabTrustBuilder {
    for (const b of branches) this.branches.push(requireRefName('GitLabTrustBuilder.onBranch', b, 'branch', 'onBranchPattern'));
    return this;
  }

  /** Pipelines on these branches, only while protected (`ref_protected == "true"`). */
  public onProtectedBranch(...branches: string[]): GitLabTrustBuilder {
    this.onBranch(...branches);
    return this.requireProtectedRef();
  }

  /** Pipelines on these tags. */
  public onTag(...tags: string[]): GitLabTrustBuilder {
    for (const t of tags) this.tags.push(requireRefName('GitLabTrustBuilder.onTag', t, 'tag', 'onTagPattern'));
    return this;
  }

  /** Branches matching a pattern such as `release/*`. Requires Widening.REF_PATTERN. */
  public onBranchPattern(pattern: string): GitLabTrustBuilder {
    this.patterns.push({ type: 'branch', pattern: requireRefPattern('GitLabTrustBuilder.onBranchPattern', pattern, 'branch pattern') });
    return this;
  }

  /** Tags matching a pattern such as `v*`. Requires Widening.REF_PATTERN. */
  public onTagPattern(pattern: string): GitLabTrustBuilder {
    this.patterns.push({ type: 'tag', pattern: requireRefPattern('GitLabTrustBuilder.onTagPattern', pattern, 'tag pattern') });
    return this;
  }

  /** Any ref of the project. Requires Widening.ANY_REF. */
  public onAnyRef(): GitLabTrustBuilder {
    this.anyRef = true;
    return this;
  }

  /** Only protected branches and tags (`ref_protected == "true"`). */
  public requireProtectedRef(): GitLabTrustBuilder {
    this.pins.set('ref_protected', ['true']);
    return this;
  }

  /** Jobs of one of these environments. */
  public inEnvironment(...environments: string[]): GitLabTrustBuilder {
    return this.pin('environment', environments.map((e) => {
      const v = requireText('GitLabTrustBuilder.inEnvironment', e, 'environment');
      if (/[*?"'`\\$:]/.test(v) || v.length > 255) throw new TrustConfigError('GitLabTrustBuilder.inEnvironment', `environment ${JSON.stringify(v)} contains one of * ? " ' \` \\ $ : or is over 255 characters`, 'use the environment name as GitLab shows it');
      return v;
    }));
  }

  /** Only protected environments (`environment_protected == "true"`). */
  public requireProtectedEnvironment(): GitLabTrustBuilder {
    return this.pin('environment_protected', ['true']);
  }

  /** Jobs whose environment has one of these deployment tiers. */
  public withDeploymentTier(...tiers: GitLabDeploymentTier[]): GitLabTrustBuilder {
    return this.pin('deployment_tier', requireEnums('GitLabTrustBuilder.withDeploymentTier', tiers, GitLabDeploymentTier, 'GitLabDeploymentTier'));
  }

  /** Pipelines from these sources (e.g. `push`, `web`, `schedule`). */
  public withPipelineSource(...sources: string[]): GitLabTrustBuilder {
    requireStrings('GitLabTrustBuilder.withPipelineSource', sources, 'pipeline source');
    for (const s of sources) {
      if (!PIPELINE_SOURCES.includes(s)) throw new TrustConfigError('GitLabTrustBuilder.withPipelineSource', `${JSON.stringify(s)} is not a GitLab pipeline source`, `use one of ${PIPELINE_SOURCES.join(', ')}`);
    }
    return this.pin('pipeline_source', sources);
  }

  /** Only GitLab-hosted runners (`runner_environment == gitlab-hosted`). */
  public onGitLabHostedRunners(): GitLabTrustBuilder {
    return this.pin('runner_environment', ['gitlab-hosted']);
  }

  /** The audiences the job's `id_tokens:` entry sets. @default - the cloud's default when compiled */
  public withAudience(...audiences: string[]): GitLabTrustBuilder {
    requireAudienceArgs('GitLabTrustBuilder.withAudience', audiences);
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): GitLabTrustBuilder {
    this.net = NetworkRestriction.of(requireNetworkProps('GitLabTrustBuilder.restrictNetwork', network));
    return this;
  }

  /** Accept named widenings of the secure default (each is shown in the review). */
  public accept(...widenings: Widening[]): GitLabTrustBuilder {
    this.accepted.push(...requireWidenings('GitLabTrustBuilder.accept', widenings));
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    const w = `GitLabCi(${this.path})`;
    const needs: RequiredWidening[] = [];
    const warnings: TrustFinding[] = [];
    const branches = uniqSorted(this.branches);
    const tags = uniqSorted(this.tags);
    const hasRef = branches.length + tags.length + this.patterns.length > 0;
    if (!this.projectId) needs.push({ ruleId: 'CIT-M010', message: `${this.path} is trusted by path only; a deleted or renamed group or project path can be registered by anyone` });
    if (this.anyRef && hasRef) throw new TrustConfigError(w, 'onAnyRef() is combined with specific refs', 'use either onAnyRef() or specific refs');
    if (!hasRef && !this.anyRef) throw new TrustConfigError(w, 'no branch or tag is pinned', 'call onBranch(), onProtectedBranch() or onTag(); or onAnyRef() with Widening.ANY_REF', 'CIT-M011');
    if (this.anyRef) needs.push({ ruleId: 'CIT-M011', message: `every branch and tag of ${this.path} is trusted` });
    if (this.patterns.length) needs.push({ ruleId: 'CIT-M012', message: `ref patterns ${this.patterns.map((p) => p.pattern).join(', ')} admit every matching ref anyone with push access creates` });
    if (this.pins.get('pipeline_source')?.includes('merge_request_event')) warnings.push({ ruleId: 'CIT-M013', level: RuleLevel.WARNING, message: 'merge-request pipelines are trusted; they run code from the merge request' });
    if (!this.pins.has('environment') && ([...branches, ...this.patterns.map((p) => p.pattern)].some((b) => PRODUCTION_REF.test(b)) || tags.length)) {
      warnings.push({ ruleId: 'CIT-M014', level: RuleLevel.WARNING, message: `deploys from ${[...branches, ...tags, ...this.patterns.map((p) => p.pattern)].join(', ')} without a GitLab environment, so no protected-environment approval applies` });
    }

    // (ref_type, ref) pairs as globs; the sub joins the configured components.
    const refs: { type: string; ref: Glob }[] = this.anyRef ? [] : [
      ...branches.map((b) => ({ type: 'branch', ref: lit(b) })),
      ...tags.map((t) => ({ type: 'tag', ref: lit(t) })),
      ...this.patterns.map((p) => ({ type: p.type, ref: pat(p.pattern) })),
    ];
    const consumed = new Set<string>();
    const fieldFor = (c: GitLabSubjectComponent, ref?: { type: string; ref: Glob }): Glob[] => {
      consumed.add(c);
      switch (c) {
        case GitLabSubjectComponent.PROJECT_PATH: return [componentField(c, lit(this.path))];
        case GitLabSubjectComponent.PROJECT_ID: return [componentField(c, lit(this.projectId!))];
        case GitLabSubjectComponent.REF_TYPE: return [componentField(c, lit(ref!.type))];
        case GitLabSubjectComponent.REF: return [componentField(c, ref!.ref)];
        default: {
          const v = this.pins.get(c);
          if (!v) throw new TrustConfigError(w, `the subject components include ${c}, which this trust does not pin`, 'pin it (requireProtectedRef(), requireProtectedEnvironment(), withDeploymentTier()), or drop the component');
          return uniqSorted(v).map((x) => componentField(c, lit(x)));
        }
      }
    };
    let subjects: Glob[];
    const refComponents = [GitLabSubjectComponent.REF, GitLabSubjectComponent.REF_TYPE];
    if (this.anyRef) {
      // Everything from the first ref component on is free: one trailing wildcard.
      const cut = this.components.findIndex((c) => refComponents.includes(c));
      const head = cut < 0 ? this.components : this.components.slice(0, cut);
      if (cut >= 0 && this.components.slice(cut).some((c) => !refComponents.includes(c))) {
        throw new TrustConfigError(w, 'with onAnyRef(), the ref components must come last in the subject', 'reorder subjectComponents or pin refs');
      }
      subjects = joinFields(head.map((c) => fieldFor(c)), w).map((g) => (cut < 0 ? g : { parts: [...g.parts.slice(0, -1), g.parts[g.parts.length - 1] + ':', ''] }));
    } else {
      subjects = refs.flatMap((r) => joinFields(this.components.map((c) => fieldFor(c, r)), w));
    }
    const tests: Condition[] = [globsCondition('sub', subjects)];
    if (this.projectId && !consumed.has('project_id')) tests.push(Condition.exact('project_id', this.projectId));
    if (!this.anyRef && !consumed.has('ref')) {
      tests.push(globsCondition('ref', refs.map((r) => r.ref)));
    }
    if (!this.anyRef && !consumed.has('ref_type')) {
      // Without ref_type in the subject, a branch pin would also admit a tag of the same name (and a
      // tag pin a branch): pin ref_type, keeping each ref paired with its type when both kinds are given.
      const types = uniqSorted(refs.map((r) => r.type));
      tests.push(types.length === 1
        ? Condition.exact('ref_type', types[0])
        : Condition.anyOf(...refs.map((r) => Condition.allOf(globsCondition('ref', [r.ref]), Condition.exact('ref_type', r.type)))));
    }
    for (const [k, v] of [...this.pins.entries()].sort()) if (!consumed.has(k)) tests.push(Condition.oneOf(k, uniqSorted(v)));

    const ctx: string[] = [];
    const refText = [
      ...(branches.length ? [`on ${this.pins.has('ref_protected') ? 'protected ' : ''}branch ${branches.join(' or ')}`] : []),
      ...(tags.length ? [`on ${this.pins.has('ref_protected') ? 'protected ' : ''}tag ${tags.join(' or ')}`] : []),
      ...this.patterns.map((p) => `on ${p.type}es matching ${p.pattern}`),
      ...(this.anyRef ? ['on any ref'] : []),
    ];
    ctx.push(refText.join(' or '));
    for (const [k, v] of [...this.pins.entries()].sort()) if (k !== 'ref_protected' || !hasRef) ctx.push(`with ${k} ${uniqSorted(v).join(' or ')}`);
    const host = this.issuer === GitLabCi.GITLAB_COM ? '' : ` on ${this.issuer.replace('https://', '')}`;
    return Trust._create({
      profile: GITLAB_SPEC.profile,
      where: w,
      issuer: this.issuer,
      audiences: this.auds,
      condition: Condition.allOf(...tests),
      network: this.net,
      description: `GitLab CI/CD pipelines of ${this.path}${this.projectId ? ` (project id ${this.projectId})` : ' (by path only)'}${host} ${ctx.join(', ')}`,
      warnings,
      needs,
      accepted: this.accepted,
      details: {
        projectPath: this.path,
        projectId: this.projectId,
        subjectComponents: this.components,
        branches,
        tags,
        environments: this.pins.get('environment') ?? [],
        ...(this.patterns.length ? {
          branchPatterns: uniqSorted(this.patterns.filter((p) => p.type === 'branch').map((p) => p.pattern)),
          tagPatterns: uniqSorted(this.patterns.filter((p) => p.type === 'tag').map((p) => p.pattern)),
        } : {}),
        ...(this.anyRef ? { anyRef: true } : {}),
        ...([...this.pins.keys()].some((k) => k !== 'environment') ? { claims: Object.fromEntries([...this.pins.entries()].filter(([k]) => k !== 'environment').sort().map(([k, v]) => [k, uniqSorted(v)])) } : {}),
      } satisfies GitLabDetails,
    });
  }

  private pin(claim: string, values: string[]): GitLabTrustBuilder {
    if (values.length === 0) throw new TrustConfigError(`GitLabTrustBuilder(${claim})`, 'no value given', 'give at least one value');
    this.pins.set(claim, [...(this.pins.get(claim) ?? []), ...values]);
    return this;
  }
}

guardMethods(GitLabTrustBuilder);
guardMethods(GitLabCi, GitLabCi);
