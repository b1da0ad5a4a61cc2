import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { Widening } from '../../model/rules';
import { RequiredWidening, Trust } from '../../model/trust';
import { globsCondition } from '../globs';
import { BITBUCKET_SPEC, BitbucketDetails } from './provider-spec';
import { bitbucketSubject } from './subject';
import { BRACED_UUID, guardMethods, requireAudienceArgs, requireName, requireNetworkProps, requireProps, requireRefName, requireWidenings, uniqSorted } from '../values';

/** The repository whose pipeline steps are trusted. */
export interface BitbucketRepositoryProps {
  /** Workspace slug (part of the per-workspace issuer). */
  readonly workspace: string;
  /** Workspace UUID with braces, e.g. `{7baee083-…}` (the default audience names it). */
  readonly workspaceUuid: string;
  /** Repository UUID with braces (the first field of `sub`). */
  readonly repositoryUuid: string;
}


/** Bitbucket Pipelines (docs/claims.md#bitbucket): per-workspace issuer, `sub` = `{repo}[:{env}]:{step}`. */
export class BitbucketPipelines {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = BITBUCKET_SPEC.id;

  /** Start a trust for steps of one repository. */
  public static repository(props: BitbucketRepositoryProps): BitbucketTrustBuilder {
    return BitbucketTrustBuilder._create(props);
  }

  private constructor() {}
}

/**
 * Builds a Bitbucket trust. `sub` ends with the step UUID, which changes every run, so a trailing
 * wildcard after the repository (and deployment environment) is unavoidable; the branch is a separate
 * claim (`branchName`) that only GCP can check.
 */
export class BitbucketTrustBuilder {
  /** @internal */
  public static _create(props: BitbucketRepositoryProps): BitbucketTrustBuilder {
    return new BitbucketTrustBuilder(props);
  }

  private readonly props: BitbucketRepositoryProps;
  private readonly envs: string[] = [];
  private readonly branches: string[] = [];
  private anyStep = false;
  private auds?: string[];
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Validates the props: builders come from BitbucketPipelines.repository() only. */
  private constructor(props: BitbucketRepositoryProps) {
    const w = 'BitbucketPipelines.repository';
    requireProps(w, props);
    requireName(`${w}(workspace)`, props.workspace, 'workspace', /^[a-z0-9][a-z0-9_-]{0,61}$/, 'lower-case letters, digits, _ and -');
    for (const [k, v] of [['workspaceUuid', props.workspaceUuid], ['repositoryUuid', props.repositoryUuid]] as const) {
      if (!BRACED_UUID.test(String(v))) throw new TrustConfigError(`${w}(${k})`, `${JSON.stringify(v)} is not a lower-case UUID in braces`, 'copy it from Repository settings > OpenID Connect, braces included');
    }
    this.props = props;
  }

  /** Deployment steps of these environments (by environment UUID with braces). */
  public inDeploymentEnvironment(...environmentUuids: string[]): BitbucketTrustBuilder {
    for (const e of environmentUuids) {
      if (!BRACED_UUID.test(String(e))) throw new TrustConfigError('BitbucketTrustBuilder.inDeploymentEnvironment', `${JSON.stringify(e)} is not a lower-case UUID in braces`, 'copy the deployment environment UUID, braces included');
      this.envs.push(e);
    }
    return this;
  }

  /** Steps on these branches (claim `branchName`; only GCP can check it). */
  public onBranch(...branches: string[]): BitbucketTrustBuilder {
    for (const b of branches) this.branches.push(requireRefName('BitbucketTrustBuilder.onBranch', b, 'branch'));
    return this;
  }

  /** Every step of the repository, any branch, any environment. Requires Widening.ANY_REF. */
  public onAnyStep(): BitbucketTrustBuilder {
    this.anyStep = true;
    return this;
  }

  /** Audiences. @default - the workspace audience `ari:cloud:bitbucket::workspace/<uuid>` */
  public withAudience(...audiences: string[]): BitbucketTrustBuilder {
    requireAudienceArgs('BitbucketTrustBuilder.withAudience', audiences);
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): BitbucketTrustBuilder {
    this.net = NetworkRestriction.of(requireNetworkProps('BitbucketTrustBuilder.restrictNetwork', network));
    return this;
  }

  /** Accept named widenings (shown in the review). */
  public accept(...widenings: Widening[]): BitbucketTrustBuilder {
    this.accepted.push(...requireWidenings('BitbucketTrustBuilder.accept', widenings));
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    const p = this.props;
    const w = `BitbucketPipelines(${p.workspace}/${p.repositoryUuid})`;
    const envs = uniqSorted(this.envs);
    const branches = uniqSorted(this.branches);
    const needs: RequiredWidening[] = [];
    if (!envs.length && !branches.length && !this.anyStep) throw new TrustConfigError(w, 'no deployment environment or branch is pinned', 'call inDeploymentEnvironment() or onBranch(); or onAnyStep() with Widening.ANY_REF', 'CIT-M011');
    if (this.anyStep && (envs.length || branches.length)) throw new TrustConfigError(w, 'onAnyStep() is combined with specific environments or branches', 'use one or the other');
    if (this.anyStep) needs.push({ ruleId: 'CIT-M011', message: `every step of repository ${p.repositoryUuid} is trusted` });
    const anyStep = { parts: ['', ''] };
    const subjects = (envs.length ? envs : [undefined]).map((e) => bitbucketSubject(p.repositoryUuid, e, anyStep));
    // The subject starts with the repository UUID, so it pins the repository on every cloud.
    const tests = [globsCondition('sub', subjects)];
    if (branches.length) tests.push(Condition.oneOf('branchName', branches));
    return Trust._create({
      profile: BITBUCKET_SPEC.profile,
      where: w,
      issuer: `https://api.bitbucket.org/2.0/workspaces/${p.workspace}/pipelines-config/identity/oidc`,
      audiences: this.auds ?? [`ari:cloud:bitbucket::workspace/${p.workspaceUuid.slice(1, -1)}`],
      condition: Condition.allOf(...tests),
      network: this.net,
      description: `Bitbucket Pipelines steps of repository ${p.repositoryUuid} in workspace ${p.workspace}${envs.length ? ` in deployment environment ${envs.join(' or ')}` : ''}${branches.length ? ` on branch ${branches.join(' or ')}` : ''}${this.anyStep ? ' (any step)' : ''}`,
      needs,
      accepted: this.accepted,
      details: {
        workspace: p.workspace,
        workspaceUuid: p.workspaceUuid,
        repositoryUuid: p.repositoryUuid,
        environments: envs,
        branches,
      } satisfies BitbucketDetails,
    });
  }
}

guardMethods(BitbucketTrustBuilder);
guardMethods(BitbucketPipelines, BitbucketPipelines);
