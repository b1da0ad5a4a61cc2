import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { annotateTrusts } from './annotations';
import { sessionDenyStatement } from './compile';
import { AWS_LIMITS } from './limits';
import { CiOidcPrincipal, CiOidcPrincipalOptions } from './principal';
import { CDK } from './private/cdk';
import { REVIEW_METADATA_KEY, reviewMetadata, trustEntry } from '../emit/metadata';
import { ciSnippet } from '../emit/snippets';
import { TrustConfigError } from '../model/errors';
import { formatNumber } from '../model/limits';
import { requireObject, requireTrustList } from '../model/shapes';
import { truncate } from '../model/text';
import { Trust } from '../model/trust';

/**
 * Props of {@link CiOidcRole}: the trusts, the principal options, and the props of `iam.RoleProps`
 * that apply (all but `assumedBy`, which the trusts make, and `externalIds`, which web-identity
 * federation does not use; jsii structs cannot omit fields of a struct they extend).
 */
export interface CiOidcRoleProps extends CiOidcPrincipalOptions {
  /** Who may assume the role: trusts built with GitHubActions, GitLabCi or Buildkite (any mix). */
  readonly trusts: Trust[];
  /** @default - generated */
  readonly roleName?: string;
  /** @default - the trusts' sentences */
  readonly description?: string;
  /** @default - none */
  readonly managedPolicies?: iam.IManagedPolicy[];
  /** @default - none */
  readonly inlinePolicies?: { [name: string]: iam.PolicyDocument };
  /** Maximum session duration, 1 to 12 hours. @default Duration.hours(1) */
  readonly maxSessionDuration?: Duration;
  /** @default - none */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /** @default / */
  readonly path?: string;
  /**
   * Attach the session-time network deny policy for network-restricted trusts (deny all actions
   * unless from an allowed source IP, VPC or VPC endpoint, or via an AWS service), so leaked
   * credentials are useless elsewhere. All trusts of the role must then share one restriction.
   * `false` enforces the networks only when the role is assumed.
   * @default true
   */
  readonly sessionNetworkPolicy?: boolean;
  /**
   * Add a stack output `CiSnippet` with the CI-side job configuration for the first trust
   * (workflow permissions, audience, role ARN).
   * @default false
   */
  readonly ciSnippetOutput?: boolean;
}

const { roleName: NAME, maxSessionDuration: SESSION, roleDescription: DESCRIPTION } = AWS_LIMITS;
const ROLE_NAME = new RegExp(`^[\\w+=,.@-]{${NAME.min},${NAME.value}}$`);

/**
 * An IAM role assumable by CI jobs through OIDC, with its trust compiled from model trusts.
 * It is an ordinary `iam.Role`: grant to it as usual (`bucket.grantRead(role)`).
 */
export class CiOidcRole extends iam.Role {
  /** The trusts, bound to the audiences they were compiled with. */
  public readonly trusts: Trust[];
  /** The compiled principal. */
  public readonly principal: CiOidcPrincipal;

  public constructor(scope: Construct, id: string, props: CiOidcRoleProps) {
    const where = `CiOidcRole(${id})`;
    requireObject(where, props);
    requireTrustList(`${where}.trusts`, props.trusts);
    // A token (a parameter, Fn.join) is IAM's to check at deploy, as iam.Role leaves it.
    if (props.roleName !== undefined && !CDK.Token.isUnresolved(props.roleName) && !ROLE_NAME.test(props.roleName)) {
      throw new TrustConfigError(`${where}.roleName`, `${JSON.stringify(props.roleName)} is not ${NAME.min}-${NAME.value} characters of letters, digits and + = , . @ _ - (IAM role name limit: ${NAME.value})`, 'shorten or rename it');
    }
    const max = props.maxSessionDuration;
    if (max && !max.isUnresolved() && (max.toSeconds() < SESSION.min || max.toSeconds() > SESSION.value)) {
      const [lo, hi] = [SESSION.min / 3600, SESSION.value / 3600];
      throw new TrustConfigError(`${where}.maxSessionDuration`, `${max.toSeconds()} s is outside IAM's range of ${formatNumber(SESSION.min)}-${formatNumber(SESSION.value)} s (${lo}-${hi} hours)`, `choose between ${lo} and ${hi} hours`);
    }
    // The session deny policy applies to every session of the role, whichever trust issued it: it can
    // only enforce a restriction all trusts share. Anything else would drop the session-time part of
    // some trust's restriction (or widen it to another trust's networks), so it is refused, before
    // anything is made (the network is the trust's own; compiling does not change it).
    const trusts = props.trusts ?? [];
    let deny: string | undefined;
    if ((props.sessionNetworkPolicy ?? true) && trusts.some((t) => t.network)) {
      const denies = [...new Set(trusts.map((t) => JSON.stringify(sessionDenyStatement(t) ?? null)))];
      if (denies.length > 1) {
        const restricted = trusts.filter((t) => t.network).length;
        throw new TrustConfigError(where, restricted < trusts.length
          ? `${restricted} of ${trusts.length} trusts are network-restricted; the session deny policy covers every session of the role, so it cannot hold for some trusts only, and leaving it out would drop their session-time restriction`
          : 'the trusts are restricted to different networks; one session deny policy would let each trust\'s credentials be used from the others\' networks',
        'give each network restriction a role of its own (or the same restriction to every trust), or set sessionNetworkPolicy: false to enforce the networks when the role is assumed only');
      }
      deny = denies[0];
    }
    const principal = CiOidcPrincipal._forRole(scope, where, trusts, {
      providers: props.providers,
      trustPolicySizeQuota: props.trustPolicySizeQuota,
    });
    super(scope, id, {
      assumedBy: principal,
      roleName: props.roleName,
      description: props.description ?? truncate(principal.trusts.map((t) => t.description).join('; '), DESCRIPTION.value, '...'), // IAM: Latin-1 only
      managedPolicies: props.managedPolicies,
      inlinePolicies: props.inlinePolicies,
      maxSessionDuration: props.maxSessionDuration,
      permissionsBoundary: props.permissionsBoundary,
      path: props.path,
    });
    this.principal = principal;
    this.trusts = principal.trusts;

    if (deny) {
      this.attachInlinePolicy(new iam.Policy(this, 'SessionNetworkPolicy', {
        document: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: [JSON.parse(deny)] }),
      }));
    }

    const cfn = this.node.defaultChild as iam.CfnRole;
    const description = props.description ?? (this.trusts.length === 1 ? this.trusts[0].description : undefined);
    // The metadata is JSON text: a token in it would not resolve, so an unresolved region is left out
    // (the snippet then names it as a placeholder); the stack output resolves it at deploy.
    const region = CDK.Stack.of(this).region;
    const known = CDK.Token.isUnresolved(region) ? {} : { region };
    // Each entry says which parts of the trust policy are its trust's, so the review can tell the
    // trusts of merged statements apart (docs/review.md#the-unit-a-trust-relationship).
    const own = trustBlocks(principal);
    cfn.addMetadata(REVIEW_METADATA_KEY, reviewMetadata(this.trusts.map((t, i) => Object.assign(
      trustEntry(t, { cloud: 'aws', principal: `<ARN of role ${this.node.path}>`, ...known }, description),
      own[i],
    ))));
    // Model warnings and accepted widenings where users look: `cdk synth` prints them, and each can
    // be acknowledged by its rule id (Annotations.of(scope).acknowledgeWarning('CIT-M013')).
    annotateTrusts(this, this.trusts);
    if (props.ciSnippetOutput) {
      new CfnOutput(this, 'CiSnippet', { description: 'CI job configuration for this role (ci-oidc-trust)', value: ciSnippet(this.trusts[0], { cloud: 'aws', principal: this.roleArn, region }) });
    }
  }
}


/**
 * Each trust's part of the trust policy for its metadata entry: the indexes of the statements whose
 * conditions are its own condition blocks (`statements`, the common case: a few characters), else,
 * when statements were merged, the blocks themselves (`conditions`). In block order (the review numbers
 * the alternatives by it). The principal's statements are the first of the role's trust policy, in
 * its order (it adds them when the role is created).
 */
function trustBlocks(principal: CiOidcPrincipal): ({ statements: number[] } | { conditions: unknown[] })[] {
  const statements = principal._statements;
  // A block that is a statement's own object is that statement (nothing merged: the common case);
  // only other blocks are compared as text.
  let texts: string[] | undefined;
  const indexOf = (b: unknown): number => {
    const i = statements.findIndex((s) => s.Condition === b);
    if (i >= 0) return i;
    texts ??= statements.map((s) => JSON.stringify(s.Condition));
    return texts.indexOf(JSON.stringify(b));
  };
  return principal._trustConditions.map((blocks) => {
    const at = blocks.map(indexOf);
    return at.every((k) => k >= 0) ? { statements: at } : { conditions: blocks };
  });
}
