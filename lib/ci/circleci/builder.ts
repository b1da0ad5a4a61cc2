import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { Widening } from '../../model/rules';
import { RequiredWidening, Trust } from '../../model/trust';
import { concat, globsCondition, lit } from '../globs';
import { CIRCLECI_SPEC, CircleCiDetails } from './provider-spec';
import { CIRCLECI_V2_TAIL, circleCiSubject } from './subject';
import { guardMethods, requireAudienceArgs, requireNetworkProps, requireProps, requireRefName, requireText, requireWidenings, uniqSorted, UUID } from '../values';

/** The project whose jobs are trusted. */
export interface CircleCiProjectProps {
  /** Organization UUID (part of the per-organization issuer and the default audience). */
  readonly organizationId: string;
  /** Project UUID. */
  readonly projectId: string;
  /** VCS origin, e.g. `github.com/acme/web` (claim `oidc.circleci.com/vcs-origin`). @default - not pinned */
  readonly vcsOrigin?: string;
}


/**
 * CircleCI (docs/claims.md#circleci): per-organization issuer, `sub` = `org/<org>/project/<proj>/user/<user>`
 * (v2 token adds `/vcs-origin/<origin>/vcs-ref/<ref>`), audience = the organization id.
 */
export class CircleCi {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = CIRCLECI_SPEC.id;

  /** Start a trust for jobs of one project. */
  public static project(props: CircleCiProjectProps): CircleCiTrustBuilder {
    return CircleCiTrustBuilder._create(props);
  }

  private constructor() {}
}

/**
 * Builds a CircleCI trust. The subject pins organization and project; users are a trailing wildcard
 * unless pinned. Branches are pinned on the `oidc.circleci.com/vcs-ref` claim, never by a wildcard
 * in the middle of `sub`: a branch name may contain `/vcs-ref/refs/heads/main`.
 */
export class CircleCiTrustBuilder {
  /** @internal */
  public static _create(props: CircleCiProjectProps): CircleCiTrustBuilder {
    return new CircleCiTrustBuilder(props);
  }

  private readonly props: CircleCiProjectProps;
  private readonly users: string[] = [];
  private readonly refs: string[] = [];
  private readonly contexts: string[] = [];
  private anyRef = false;
  private auds?: string[];
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Validates the props: builders come from CircleCi.project() only. */
  private constructor(props: CircleCiProjectProps) {
    const w = 'CircleCi.project';
    requireProps(w, props);
    for (const [k, v] of [['organizationId', props.organizationId], ['projectId', props.projectId]] as const) {
      if (!UUID.test(String(v))) throw new TrustConfigError(`${w}(${k})`, `${JSON.stringify(v)} is not a lower-case UUID`, 'copy it from Organization/Project settings');
    }
    if (props.vcsOrigin !== undefined && !/^[a-z0-9.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(requireText(`${w}(vcsOrigin)`, props.vcsOrigin, 'vcs origin'))) {
      throw new TrustConfigError(`${w}(vcsOrigin)`, `${JSON.stringify(props.vcsOrigin)} is not host/owner/repo`, 'e.g. github.com/acme/web');
    }
    this.props = props;
  }

  /** Jobs started by these users (UUIDs): the subject is then exact (v1 token). */
  public byUser(...userIds: string[]): CircleCiTrustBuilder {
    for (const u of userIds) {
      if (!UUID.test(String(u))) throw new TrustConfigError('CircleCiTrustBuilder.byUser', `${JSON.stringify(u)} is not a lower-case UUID`, 'copy the user id');
      this.users.push(u);
    }
    return this;
  }

  /** Jobs on these branches (claim `oidc.circleci.com/vcs-ref`). */
  public onBranch(...branches: string[]): CircleCiTrustBuilder {
    for (const b of branches) this.refs.push(`refs/heads/${requireRefName('CircleCiTrustBuilder.onBranch', b, 'branch')}`);
    return this;
  }

  /**
   * Only jobs that use one of these contexts (UUIDs; claim `oidc.circleci.com/context-ids`, a list).
   * Contexts hold the secrets of an environment, and their security groups restrict who can run
   * them. Only GCP can check a list claim; AWS and Azure refuse the trust.
   */
  public inContext(...contextIds: string[]): CircleCiTrustBuilder {
    for (const c of contextIds) {
      if (!UUID.test(String(c))) throw new TrustConfigError('CircleCiTrustBuilder.inContext', `${JSON.stringify(c)} is not a lower-case UUID`, 'copy the context id from Organization settings > Contexts');
      this.contexts.push(c);
    }
    return this;
  }

  /** Jobs on any branch or tag. Requires Widening.ANY_REF. */
  public onAnyRef(): CircleCiTrustBuilder {
    this.anyRef = true;
    return this;
  }

  /** Audiences (`circleci run oidc get --claims '{"aud": …}'`). @default - the organization id */
  public withAudience(...audiences: string[]): CircleCiTrustBuilder {
    requireAudienceArgs('CircleCiTrustBuilder.withAudience', audiences);
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): CircleCiTrustBuilder {
    this.net = NetworkRestriction.of(requireNetworkProps('CircleCiTrustBuilder.restrictNetwork', network));
    return this;
  }

  /** Accept named widenings (shown in the review). */
  public accept(...widenings: Widening[]): CircleCiTrustBuilder {
    this.accepted.push(...requireWidenings('CircleCiTrustBuilder.accept', widenings));
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    const p = this.props;
    const w = `CircleCi(${p.projectId})`;
    const refs = uniqSorted(this.refs);
    const users = uniqSorted(this.users);
    const needs: RequiredWidening[] = [];
    if (!refs.length && !this.anyRef) throw new TrustConfigError(w, 'no branch is pinned', 'call onBranch(); or onAnyRef() with Widening.ANY_REF', 'CIT-M011');
    if (this.anyRef && refs.length) throw new TrustConfigError(w, 'onAnyRef() is combined with branches', 'use one or the other');
    if (this.anyRef) needs.push({ ruleId: 'CIT-M011', message: `every branch and tag of project ${p.projectId} is trusted` });
    const any = { parts: ['', ''] };
    // A pinned user: the v1 subject exactly, or the v2 subject with any VCS origin and ref after it.
    const subjects = users.length
      ? users.map((u) => circleCiSubject(p.organizationId, p.projectId, lit(u))).flatMap((v1) => [v1, concat(v1, lit(CIRCLECI_V2_TAIL), any)])
      : [circleCiSubject(p.organizationId, p.projectId, any)];
    // The subject pins organization and project; claims only for what it does not carry.
    const tests = [globsCondition('sub', subjects)];
    if (p.vcsOrigin) tests.push(Condition.exact('oidc.circleci.com/vcs-origin', p.vcsOrigin));
    if (refs.length) tests.push(Condition.oneOf('oidc.circleci.com/vcs-ref', refs));
    const contexts = uniqSorted(this.contexts);
    if (contexts.length) tests.push(Condition.containsAny('oidc.circleci.com/context-ids', contexts));
    return Trust._create({
      profile: CIRCLECI_SPEC.profile,
      where: w,
      issuer: `https://oidc.circleci.com/org/${p.organizationId}`,
      audiences: this.auds ?? [p.organizationId],
      condition: Condition.allOf(...tests),
      network: this.net,
      description: `CircleCI jobs of project ${p.projectId}${p.vcsOrigin ? ` (${p.vcsOrigin})` : ''}${refs.length ? ` on ${refs.map((r) => r.replace('refs/heads/', 'branch ')).join(' or ')}` : ' on any ref'}${users.length ? `, started by ${users.join(' or ')}` : ''}${contexts.length ? `, in context ${contexts.join(' or ')}` : ''}`,
      needs,
      accepted: this.accepted,
      details: { organizationId: p.organizationId, projectId: p.projectId, vcsOrigin: p.vcsOrigin, refs, users, contexts } satisfies CircleCiDetails,
    });
  }
}

guardMethods(CircleCiTrustBuilder);
guardMethods(CircleCi, CircleCi);
