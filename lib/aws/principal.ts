import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { annotateTrusts } from './annotations';
import { AwsStatementJson, compileAwsTrust, DEFAULT_TRUST_POLICY_QUOTA, RAISED_TRUST_POLICY_QUOTA } from './compile';
import { AWS_LIMITS } from './limits';
import { mergeStatements } from './merge';
import { CDK } from './private/cdk';
import { CiOidcProvider, providerIssuer } from './provider';
import { TrustConfigError } from '../model/errors';
import { formatNumber } from '../model/limits';
import { requireTrustList } from '../model/shapes';
import { Trust, withSizeHints } from '../model/trust';

/** Options for compiling trusts into a principal. */
export interface CiOidcPrincipalOptions {
  /**
   * Providers to use, matched to trusts by issuer: `CiOidcProvider`s (created or imported), or any
   * `iam.IOidcProvider` whose issuer is known at synth (read from its ARN, or from the URL of one
   * created in this app).
   * @default - `CiOidcProvider.forIssuer` in the stack, created on first use
   */
  readonly providers?: iam.IOidcProvider[];
  /**
   * Role trust-policy length quota to check at synth (minified JSON, token-resolved).
   * IAM's default is 2,048; it can be raised to 4,096 through Service Quotas.
   * @default 2048
   */
  readonly trustPolicySizeQuota?: number;
}

/**
 * The compiled trust of one or more model trusts as a CDK principal. Use it as `assumedBy` of your
 * own `iam.Role`; it writes one statement per alternative (keys AND, values OR inside a statement),
 * so trusts of different shapes never overwrite each other's operators or keys.
 * It cannot be used in resource policies (its conditions live in several statements).
 */
export class CiOidcPrincipal extends iam.PrincipalBase {
  /** Compile `trusts` for use in `scope`'s stack. */
  public static fromTrusts(scope: IConstruct, trusts: Trust[], options?: CiOidcPrincipalOptions): CiOidcPrincipal {
    const principal = new CiOidcPrincipal(scope, trusts, options ?? {}, `CiOidcPrincipal(${scope.node.path})`);
    annotateTrusts(scope, principal.trusts);
    return principal;
  }

  /** For CiOidcRole: errors name the role. @internal */
  public static _forRole(scope: IConstruct, where: string, trusts: Trust[], options: CiOidcPrincipalOptions): CiOidcPrincipal {
    return new CiOidcPrincipal(scope, trusts, options, where);
  }

  /** The trusts bound to the audiences they were compiled with. */
  public readonly trusts: Trust[];
  public readonly assumeRoleAction = 'sts:AssumeRoleWithWebIdentity';
  /** @internal */
  public readonly _statements: AwsStatementJson[];
  /** Each trust's own IAM Condition blocks, before statements of several trusts merge (for the review metadata). @internal */
  public readonly _trustConditions: AwsStatementJson['Condition'][][];
  private readonly providerArns: string[];
  private readonly scope: IConstruct;

  private constructor(scope: IConstruct, trusts: Trust[], options: CiOidcPrincipalOptions, where: string) {
    super();
    this.scope = scope;
    requireTrustList(`${where}.trusts`, trusts);
    if (options.providers !== undefined && !Array.isArray(options.providers)) {
      throw new TrustConfigError(`${where}.providers`, 'providers must be a list of IAM OIDC providers', 'wrap the provider in a list: [provider]');
    }
    if (trusts.length === 0) throw new TrustConfigError(where, 'no trust given', 'pass at least one trust built with GitHubActions, GitLabCi or Buildkite');
    const quota = options.trustPolicySizeQuota ?? DEFAULT_TRUST_POLICY_QUOTA;
    if (!Number.isInteger(quota) || quota < DEFAULT_TRUST_POLICY_QUOTA || quota > AWS_LIMITS.trustPolicyLengthMax.value) {
      throw new TrustConfigError(`${where}.trustPolicySizeQuota`, `${quota} is not a trust-policy quota IAM offers (${formatNumber(DEFAULT_TRUST_POLICY_QUOTA)} by default, raised in steps up to ${formatNumber(RAISED_TRUST_POLICY_QUOTA)}; ${formatNumber(AWS_LIMITS.trustPolicyLengthMax.value)} reported since 2026)`, `use ${DEFAULT_TRUST_POLICY_QUOTA} unless your account quota was raised`);
    }
    const statements: AwsStatementJson[] = [];
    const bound: Trust[] = [];
    const perTrust: AwsStatementJson['Condition'][][] = [];
    const given = options.providers?.map((p, i) => ({ provider: p, issuer: providerIssuer(p, `${where}.providers[${i}]`) }));
    // Every trust is compiled and every check passes before a provider the stack lacks is made, so
    // a refused role leaves nothing behind. The statements name a placeholder for their issuer's
    // provider while they merge and are ordered: a role has one provider per issuer, so merging on
    // placeholders is merging on ARNs, and the order follows the content, never the number CDK gave
    // a provider's ARN token (which any unrelated construct made earlier in the app would shift).
    const plans = trusts.map((trust) => ({
      trust,
      provider: given?.find((p) => p.issuer === trust.issuer)?.provider,
      compiled: compileAwsTrust(trust, pendingArn(trust.issuer)),
    }));
    for (const { compiled } of plans) {
      const conditions: AwsStatementJson['Condition'][] = [];
      for (const s of compiled.statements) {
        statements.push(s);
        conditions.push(s.Condition);
      }
      bound.push(compiled.trust);
      perTrust.push(conditions);
    }
    refuseCaseTwins(scope, statements);
    const merged = mergeStatements(statements);
    // The quota: with the providers given, their ARNs; a provider still to be made counts as the
    // token ARN it will be.
    const arns = new Map<string, string>();
    for (const { trust, provider } of plans) if (provider) arns.set(pendingArn(trust.issuer), provider.oidcProviderArn);
    const length = policyLength(arns.size ? named(merged, arns) : merged);
    if (length > quota) {
      throw new TrustConfigError(where, `the trust policy is ${length} characters, over the IAM quota of ${quota} (ACLSizePerRole)`, withSizeHints(`split the trusts across several roles (${merged.length} statements now)${quota < RAISED_TRUST_POLICY_QUOTA ? `, pin fewer branches per role, or raise the quota to ${formatNumber(RAISED_TRUST_POLICY_QUOTA)} and set trustPolicySizeQuota` : ' or pin fewer branches per role'}`, trusts));
    }

    // All checks passed: make (or reuse) the providers, and name them in the statements.
    for (const { trust, provider, compiled } of plans) {
      const p = provider ?? CiOidcProvider.forIssuer(scope as any, trust.issuer, []);
      if (p instanceof CiOidcProvider) p.addClientIds(...compiled.trust.audiences!);
      arns.set(pendingArn(trust.issuer), p.oidcProviderArn);
    }
    this._statements = named(merged, arns);
    this.trusts = bound;
    this._trustConditions = perTrust;
    this.providerArns = [...new Set(arns.values())];
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    if (this._statements.length !== 1) {
      throw new TrustConfigError(`CiOidcPrincipal(${this.scope.node.path})`, `the trust compiles to ${this._statements.length} statements, which a single principal fragment cannot carry without losing conditions`, 'use it only as the assumedBy of a role (or CiOidcRole)');
    }
    const s = this._statements[0];
    return new iam.PrincipalPolicyFragment({ Federated: [s.Principal.Federated] }, s.Condition);
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    // Built directly rather than through PolicyStatement.fromJson: same JSON, less work per role.
    for (const s of this._statements) {
      document.addStatements(new CDK.PolicyStatement({
        actions: typeof s.Action === 'string' ? [s.Action] : s.Action,
        principals: [new CDK.FederatedPrincipal(s.Principal.Federated, {}, this.assumeRoleAction)],
        conditions: s.Condition,
      }));
    }
  }

  public dedupeString(): string | undefined {
    return `CiOidcPrincipal:${JSON.stringify(this._statements)}`;
  }

  public toString(): string {
    return `CiOidcPrincipal(${this.providerArns.length} provider(s), ${this._statements.length} statement(s))`;
  }

  /**
   * The trust policy's length as IAM counts it: minified JSON with the provider ARN resolved
   * (tokens replaced by the longest ARN they can resolve to).
   * @internal
   */
  public _policyLength(): number {
    return policyLength(this._statements);
  }
}

const POLICY_WRAPPER_LENGTH = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length - '[]'.length;

/**
 * The trust policy's length as IAM counts it: the policy's JSON is `{"Version":…,"Statement":` +
 * the statements' JSON + `}`, and each token ARN is counted as the longest ARN it can resolve to.
 */
function policyLength(statements: readonly AwsStatementJson[]): number {
  let length = POLICY_WRAPPER_LENGTH + JSON.stringify(statements).length;
  for (const s of statements) length += arnGrowth(s);
  return length;
}

/**
 * The statements with each placeholder replaced by its provider's ARN (new objects; the conditions
 * are shared). Written field by field, not spread: spread copies got a hidden class each.
 */
function named(statements: readonly AwsStatementJson[], arns: ReadonlyMap<string, string>): AwsStatementJson[] {
  return statements.map((s) => {
    const arn = arns.get(s.Principal.Federated);
    return arn === undefined ? s : { Effect: s.Effect, Principal: { Federated: arn }, Action: s.Action, Condition: s.Condition };
  });
}

/** Stands for the provider of `issuer` until it is named; never written to a template. */
function pendingArn(issuer: string): string {
  return `${PENDING}${issuer}`;
}
const PENDING = '\u0000ci-oidc-trust pending provider\u0000';

/**
 * How many characters longer the statement's JSON is once its provider ARN resolves: a token ARN
 * counts as the longest ARN it can resolve to, a literal one as itself. The same few ARNs are in
 * every role's statements, and telling a token from text is costly: remember the answer per ARN.
 */
function arnGrowth(s: AwsStatementJson): number {
  const arn = s.Principal.Federated;
  let growth = ARN_GROWTH.get(arn);
  if (growth === undefined) {
    growth = arn.startsWith(PENDING) || Token.isUnresolved(arn) ? JSON.stringify(worstCaseArn(s)).length - JSON.stringify(arn).length : 0;
    if (ARN_GROWTH.size < 1000) ARN_GROWTH.set(arn, growth);
  }
  return growth;
}
const ARN_GROWTH = new Map<string, number>();

function worstCaseArn(s: AwsStatementJson): string {
  // The condition keys start with the issuer host/path; the ARN ends with it.
  const key = Object.keys(Object.values(s.Condition)[0] ?? {}).find((k) => k.endsWith(':aud')) ?? '';
  return `arn:aws-iso-b:iam::123456789012:oidc-provider/${key.slice(0, -':aud'.length)}`;
}

/**
 * Subjects that differ only in letter case (`repo:Acme/App…` and `repo:acme/app…`) on one role: IAM
 * compares case-sensitively and the CI provider emits one canonical spelling, so one of them is dead
 * and usually hides a typo in the other (docs/security.md#f11).
 */
function refuseCaseTwins(scope: IConstruct, statements: AwsStatementJson[]): void {
  // Every role is checked: the common case (subjects without capitals, or a single one) needs no
  // list and no map. Twins differ in case, so one of them has a capital letter.
  let count = 0;
  let upper = false;
  forEachSubject(statements, (_key, value) => {
    count++;
    upper ||= value !== value.toLowerCase();
  });
  if (!upper || count < 2) return;
  const seen = new Map<string, string>();
  forEachSubject(statements, (key, value) => {
    const folded = `${key}\u0000${value.toLowerCase()}`;
    const prior = seen.get(folded);
    if (prior !== undefined && prior !== value) {
      throw new TrustConfigError(`CiOidcPrincipal(${scope.node.path})`, `the subjects ${JSON.stringify(prior)} and ${JSON.stringify(value)} differ only in letter case; IAM compares case-sensitively and the token carries one spelling`, 'keep the spelling the CI provider shows (the owner and repository exactly as in their URL)');
    }
    seen.set(folded, value);
  });
}

/** Each `sub` value the statements' String conditions test, with its key. */
function forEachSubject(statements: readonly AwsStatementJson[], f: (key: string, value: string) => void): void {
  for (const s of statements) {
    for (const op in s.Condition) {
      if (!op.startsWith('String')) continue;
      const keys = s.Condition[op];
      for (const key in keys) {
        if (!key.endsWith(':sub')) continue;
        const v = keys[key];
        if (typeof v === 'string') f(key, v);
        else for (let i = 0; i < v.length; i++) f(key, v[i]);
      }
    }
  }
}
