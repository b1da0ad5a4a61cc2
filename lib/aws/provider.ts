import { Arn, Aws, Lazy, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { AWS_DEFAULT_AUDIENCE } from './compile';
import { AWS_LIMITS } from './limits';
import { CDK } from './private/cdk';
import { TrustConfigError } from '../model/errors';
import { issuerHostPath, validateIssuer } from '../model/issuer';
import { requireObject, requireOptionalStringList } from '../model/shapes';

/**
 * An IAM OIDC provider for one CI issuer, created here or imported: an `iam.IOidcProvider` whose
 * issuer is known at synth (the trust policy's condition keys are made from it).
 */
export interface ICiOidcProvider extends iam.IOidcProvider {
  /** The issuer URL (`https://…`, as in the token's `iss`). */
  readonly issuer: string;
}

/** Props of {@link CiOidcProvider}. */
export interface CiOidcProviderProps {
  /** The issuer URL, e.g. `https://token.actions.githubusercontent.com`. */
  readonly issuer: string;
  /**
   * Audiences (client ids) tokens may carry. Every audience of every trust using the provider must
   * be listed, or STS answers "Incorrect token audience".
   * @default ['sts.amazonaws.com']
   */
  readonly clientIds?: string[];
  /**
   * Certificate thumbprints. AWS verifies the known CI issuers through its trusted root CAs, so
   * none are needed; give them only for an issuer whose certificate is not from a public CA.
   * @default - none
   */
  readonly thumbprints?: string[];
}

const CLIENT_ID_LIMIT = AWS_LIMITS.clientIds.value;
const CLIENT_ID_LENGTH = AWS_LIMITS.clientIdLength.value;
const PROVIDERS = new WeakMap<IConstruct, CiOidcProvider[]>();
const BY_ISSUER = new WeakMap<Stack, Map<string, CiOidcProvider>>();
const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/;

/**
 * The native `AWS::IAM::OIDCProvider` for a CI issuer. AWS allows one provider per issuer URL per
 * account: use `CiOidcProvider.forIssuer` to share one per stack, and `fromIssuer` /
 * `fromOidcProviderArn` / `fromOidcProvider` to use one that already exists. Two providers for one
 * issuer in one account fail synth. It is an `iam.IOidcProvider`.
 */
export class CiOidcProvider extends Resource implements ICiOidcProvider {
  /**
   * The provider for `issuer` in this stack: created on first use, then reused.
   * Later calls add their client ids to it.
   */
  public static forIssuer(scope: Construct, issuer: string, clientIds?: string[]): CiOidcProvider {
    requireOptionalStringList('CiOidcProvider.forIssuer(clientIds)', clientIds, 'clientIds');
    const stack = CDK.Stack.of(scope);
    // Every role asks once per trust: remember the answer rather than validate the URL and search
    // the stack's children each time (a construct never leaves the tree).
    let known = BY_ISSUER.get(stack)?.get(issuer);
    if (known) {
      // Roles ask with no client id of their own (they add their trusts' audiences themselves).
      if (clientIds?.length !== 0) known.addClientIds(...(clientIds ?? [AWS_DEFAULT_AUDIENCE]));
      return known;
    }
    const id = `CiOidcProvider${issuerHostPath(validateIssuer(issuer)).replace(/[^A-Za-z0-9]/g, '')}`;
    const existing = stack.node.tryFindChild(id);
    if (existing instanceof CiOidcProvider) {
      existing.addClientIds(...(clientIds ?? [AWS_DEFAULT_AUDIENCE]));
      known = existing;
    } else {
      known = new CiOidcProvider(stack, id, { issuer, clientIds });
    }
    BY_ISSUER.set(stack, (BY_ISSUER.get(stack) ?? new Map<string, CiOidcProvider>()).set(issuer, known));
    return known;
  }

  /**
   * An existing provider by ARN, as `iam.OidcProviderNative.fromOidcProviderArn` (the issuer is
   * needed for the condition keys: when the ARN is literal, it must be the issuer's provider).
   */
  public static fromOidcProviderArn(scope: Construct, id: string, oidcProviderArn: string, issuer: string): ICiOidcProvider {
    const where = `CiOidcProvider.fromOidcProviderArn(${id})`;
    validateIssuer(issuer, `${where}.issuer`);
    checkArn(oidcProviderArn, issuer, where);
    return new ImportedProvider(scope, id, oidcProviderArn, issuer);
  }

  /**
   * An `iam.IOidcProvider` (an `iam.OidcProviderNative`, or one imported with its
   * `fromOidcProviderArn`) for trusts: the issuer is read from the ARN
   * (`arn:…:oidc-provider/<issuer host/path>`), or from the URL of a provider created in this app.
   * A CI provider is returned as it is. Any `providers` list here also takes `iam.IOidcProvider`s
   * directly; this makes the issuer available (`.issuer`).
   */
  public static fromOidcProvider(provider: iam.IOidcProvider): ICiOidcProvider {
    if (provider instanceof CiOidcProvider || provider instanceof ImportedProvider) return provider;
    const id = 'CiOidcProvider';
    const existing = provider.node.tryFindChild(id);
    if (existing instanceof ImportedProvider) return existing;
    return new ImportedProvider(provider, id, provider.oidcProviderArn, providerIssuer(provider, `CiOidcProvider.fromOidcProvider(${provider.node.path})`));
  }

  /** The existing provider for `issuer` in the stack's account and partition. */
  public static fromIssuer(scope: Construct, id: string, issuer: string): ICiOidcProvider {
    validateIssuer(issuer, `CiOidcProvider.fromIssuer(${id})`);
    const arn = Arn.format({ partition: Aws.PARTITION, service: 'iam', region: '', account: Stack.of(scope).account, resource: 'oidc-provider', resourceName: issuerHostPath(issuer) });
    return new ImportedProvider(scope, id, arn, issuer);
  }

  public readonly oidcProviderArn: string;
  public readonly issuer: string;
  /** The issuer without `https://`, as `iam.OidcProviderNative` has it (literal here). */
  public readonly oidcProviderIssuer: string;
  /** The underlying L2 resource. */
  public readonly resource: iam.OidcProviderNative;
  private readonly clientIds: Set<string>;

  public constructor(scope: Construct, id: string, props: CiOidcProviderProps) {
    super(scope, id);
    requireObject(`CiOidcProvider(${id})`, props);
    requireOptionalStringList(`CiOidcProvider(${id}).clientIds`, props.clientIds, 'clientIds');
    requireOptionalStringList(`CiOidcProvider(${id}).thumbprints`, props.thumbprints, 'thumbprints');
    this.issuer = validateIssuer(props.issuer, `CiOidcProvider(${id}).issuer`);
    this.oidcProviderIssuer = issuerHostPath(this.issuer);
    this.clientIds = new Set(props.clientIds ?? [AWS_DEFAULT_AUDIENCE]);
    const ids = this.clientIds;
    this.resource = new iam.OidcProviderNative(this, 'Resource', {
      url: this.issuer,
      // Resolved lazily so trusts compiled later can add their audiences.
      clientIds: Lazy.list({ produce: () => [...ids].sort() }),
      thumbprints: props.thumbprints,
    });
    this.oidcProviderArn = this.resource.oidcProviderArn;
    // Every provider of the app, for the one-per-issuer-per-account check (no walk of the whole tree).
    const all = PROVIDERS.get(this.node.root);
    if (all) all.push(this);
    else PROVIDERS.set(this.node.root, [this]);
    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        if (ids.size > CLIENT_ID_LIMIT) errors.push(`CiOidcProvider ${this.node.path}: ${ids.size} client ids, over the IAM limit of ${CLIENT_ID_LIMIT}. Fix: use fewer audiences.`);
        for (const c of ids) if (c.length > CLIENT_ID_LENGTH) errors.push(`CiOidcProvider ${this.node.path}: client id ${JSON.stringify(c)} is ${c.length} characters, over the IAM limit of ${CLIENT_ID_LENGTH}.`);
        // One error per duplicate, naming the first creator (path order), not one per pair of stacks.
        const account = Stack.of(this).account;
        const first = (PROVIDERS.get(this.node.root) ?? [])
          .filter((o) => o.issuer === this.issuer && Stack.of(o).account === account)
          .reduce((a, b) => (b.node.path < a.node.path ? b : a), this);
        if (first !== this) {
          const acct = Token.isUnresolved(account) ? '(the same environment)' : account;
          const owner = Stack.of(first);
          errors.push(`CiOidcProvider ${this.node.path}: ${first.node.path} already creates the IAM OIDC provider for ${this.issuer} in account ${acct}; AWS allows one provider per issuer per account (EntityAlreadyExists at deploy). Fix: keep the provider in one stack (${owner.stackName}, or a provider stack of its own) and in ${Stack.of(this).stackName} use CiOidcProvider.fromIssuer(this, 'Provider', '${this.issuer}') for the roles' providers; in a fresh account the provider must exist first, so make ${Stack.of(this).stackName} depend on ${owner.stackName} (stack.addDependency(providerStack)).`);
        }
        return errors;
      },
    });
  }

  /** Allow more audiences (client ids). */
  public addClientIds(...clientIds: string[]): void {
    // Every trust of every role adds its audiences: the construct path is only worth computing for an error.
    if (clientIds.some((c) => typeof c !== 'string')) requireOptionalStringList(`CiOidcProvider(${this.node.path}).addClientIds`, clientIds, 'clientIds');
    for (const c of clientIds) this.clientIds.add(c);
  }

  /** Applies to the provider resource (this construct only wraps it). */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}

class ImportedProvider extends Resource implements ICiOidcProvider {
  public readonly oidcProviderIssuer: string;
  public constructor(scope: Construct, id: string, public readonly oidcProviderArn: string, public readonly issuer: string) {
    super(scope, id);
    this.oidcProviderIssuer = issuerHostPath(issuer);
  }
}

/**
 * The issuer URL of any `iam.IOidcProvider`: a CI provider's own, else from a literal ARN, else from
 * the URL of an `AWS::IAM::OIDCProvider` created in this app. Refuses a provider whose issuer cannot
 * be known at synth, and a CI provider whose literal ARN names another issuer.
 * @internal
 */
export function providerIssuer(provider: iam.IOidcProvider, where: string): string {
  const arn = provider.oidcProviderArn;
  const own = (provider as Partial<ICiOidcProvider>).issuer;
  if (typeof own === 'string') {
    checkArn(arn, validateIssuer(own, `${where}.issuer`), where);
    return own;
  }
  if (!Token.isUnresolved(arn)) {
    const m = PROVIDER_ARN.exec(arn);
    if (!m) throw new TrustConfigError(where, `${arn} is not the ARN of an IAM OIDC provider`, 'use arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>');
    return validateIssuer(`https://${m[1]}`, where);
  }
  const cfn = provider.node.defaultChild;
  if (cfn instanceof iam.CfnOIDCProvider && typeof cfn.url === 'string' && !Token.isUnresolved(cfn.url)) return validateIssuer(cfn.url, `${where}.url`);
  throw new TrustConfigError(where, `the issuer of ${provider.node.path} is not known at synth (its ARN is a token)`, 'use CiOidcProvider.fromOidcProviderArn(scope, id, arn, issuer) with the issuer URL');
}

function checkArn(arn: string, issuer: string, where: string): void {
  if (Token.isUnresolved(arn)) return;
  const m = PROVIDER_ARN.exec(arn);
  if (!m || m[1] !== issuerHostPath(issuer)) {
    throw new TrustConfigError(where, `${arn} is not the ARN of the provider for ${issuer}`, `use arn:<partition>:iam::<account>:oidc-provider/${issuerHostPath(issuer)}`);
  }
}
