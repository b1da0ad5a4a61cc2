import type { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import type { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import type { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import { GCP_LIMITS } from './limits';
import { attributeMapping, providerCondition, trustAttribute } from './mapping';
import { GCP_METADATA_KEY } from './metadata';
import { checkNetwork, TrustNetwork } from './network';
import { google } from './providers';
import { providerSpec } from '../ci/registry';
import { annotateCdktf } from '../emit/annotations';
import { terraformComment, TrustEntry, trustEntry } from '../emit/metadata';
import { ciSnippet } from '../emit/snippets';
import { terraformLiteral } from '../emit/terraform';
import { TrustConfigError } from '../model/errors';
import { validateAudiences } from '../model/issuer';
import { refuseUnresolvedToken } from '../model/literal';
import { requireObject, requireOptionalString, requireOptionalStringList, requireTrust, requireTrustList } from '../model/shapes';
import { shortHash, truncate } from '../model/text';
import { Trust } from '../model/trust';

/** GCP limits (docs/limits.md#gcp). */
const MAX_AUDIENCES = GCP_LIMITS.audiences.value;
const MAX_AUDIENCE_CHARS = GCP_LIMITS.audienceLength.value;
const MAX_DISPLAY_NAME = GCP_LIMITS.displayName.value;
const MAX_DESCRIPTION = GCP_LIMITS.description.value;
const ID = GCP_LIMITS.id;
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PROJECT_NUMBER = /^[1-9][0-9]{0,19}$/;

/** Props of a GCP workload identity pool. */
export interface GcpWorkloadIdentityPoolProps {
  /** Project id that owns the pool (the `project` of the Terraform resources), e.g. `my-project`. */
  readonly projectId: string;
  /**
   * Project number (digits). IAM principal identifiers use the number, not the id
   * (cloud.google.com/iam/docs/principal-identifiers). `gcloud projects describe PROJECT --format='value(projectNumber)'`.
   */
  readonly projectNumber: string;
  /** Pool id: 4-32 characters of `[a-z0-9-]`, not starting with `gcp-`. Immutable. */
  readonly poolId: string;
  /**
   * Appended to the pool id as `POOL-SUFFIX`. A deleted pool stays soft-deleted for ~30 days and its
   * id cannot be reused: change the suffix to recreate it under a new id (see docs/gcp.md).
   * @default - no suffix
   */
  readonly idSuffix?: string;
  /** Display name, at most 32 characters. @default - the pool id */
  readonly displayName?: string;
  /** Description, at most 256 characters. @default "CI/CD OIDC federation managed by ci-oidc-trust" */
  readonly description?: string;
}

/** Options of one OIDC provider in a pool (one issuer). */
export interface GcpWorkloadIdentityProviderOptions {
  /** Provider id: 4-32 characters of `[a-z0-9-]`, not starting with `gcp-`. Immutable. */
  readonly providerId: string;
  /**
   * The trusts this provider admits, all of one issuer (at most 50: one mapped attribute each).
   * The provider's attribute_condition is their OR; each grant admits the tokens of one trust only.
   */
  readonly trusts: Trust[];
  /**
   * Allowed audiences (at most 10, each at most 256 characters). Trusts without audiences are bound
   * to these; trusts with audiences must have exactly these.
   * @default - the trusts' own audiences; if they have none, GCP's default: the provider resource
   * name `//iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`
   * (GCP accepts it with and without `https:`, so the trusts are bound to both forms)
   */
  readonly audiences?: string[];
  /** Appended to the provider id as `PROVIDER-SUFFIX` (soft delete, as for the pool). @default - no suffix */
  readonly idSuffix?: string;
  /** Display name, at most 32 characters. @default - the provider id */
  readonly displayName?: string;
  /** Description, at most 256 characters. @default - generated from the trusts */
  readonly description?: string;
  /**
   * VPC Service Controls perimeter (`accessPolicies/NUMBER/servicePerimeters/NAME`) that enforces the
   * trusts' network restrictions. Required when a trust has `sourceIpCidrs` or `gcpVpcNetworks`.
   * The perimeter must restrict sts.googleapis.com and iamcredentials.googleapis.com as well as the
   * workload's services: a perimeter on iam.googleapis.com alone does not cover the token exchange.
   * @default - none (refused if a trust is network-restricted)
   */
  readonly perimeterName?: string;
  /** Services the ingress policies admit the federated identities to, from the allowed networks. @default ['*'] (all services in the perimeter) */
  readonly ingressServices?: string[];
}

function checkId(kind: string, value: string, where: string): string {
  // The first problem found leads the message: the one the user has to fix.
  const rule = `GCP requires ${ID.min}-${ID.value} characters of [a-z0-9-], not starting with "gcp-"`;
  const fail = (problem: string, fix: string): never => {
    throw new TrustConfigError(where, `GCP ${kind} id ${JSON.stringify(value)} ${problem}; ${rule}`, fix);
  };
  if (typeof value !== 'string') fail('is not a string', `give the ${kind} id as a string, e.g. "ci-deploy"`);
  if (/[A-Z]/.test(value)) fail('has upper-case letters', `use lower case: ${JSON.stringify(value.toLowerCase())}`);
  if (!/^[a-z0-9-]*$/.test(value)) fail(`has characters other than a-z, 0-9 and - (${JSON.stringify([...new Set(value.replace(/[a-z0-9-]/g, ''))].join(''))})`, 'use only lower-case letters, digits and hyphens, e.g. "ci-deploy"');
  if (value.startsWith('gcp-')) fail('starts with "gcp-", which GCP reserves', `choose an id without the prefix, e.g. ${JSON.stringify(value.length >= 8 ? value.slice(4) : `ci-${value.slice(4)}`)}`);
  if (value.length < ID.min || value.length > ID.value) fail(`is ${value.length} characters`, `choose a ${kind} id of ${ID.min}-${ID.value} characters such as "ci-deploy"`);
  return value;
}

function withSuffix(kind: string, id: string, suffix: string | undefined, where: string): string {
  if (suffix === undefined) return checkId(kind, id, where);
  if (!/^[a-z0-9-]+$/.test(suffix)) {
    throw new TrustConfigError(where, `idSuffix ${JSON.stringify(suffix)} is not [a-z0-9-]`, 'use lower-case letters, digits and hyphens, e.g. "v2"');
  }
  return checkId(kind, `${id}-${suffix}`, `${where} (with idSuffix)`);
}

const PROVIDER_AUDIENCE = /^(?:https:)?\/\/iam\.googleapis\.com\/(projects\/[^/]+\/locations\/[^/]+\/workloadIdentityPools\/[^/]+)\/providers\/([^/]+)$/;

/**
 * An explicit audience in GCP's own provider form must be this provider's: one naming another
 * provider of the pool (copied from its neighbour) or a misspelt id synthesizes, deploys, and then
 * denies every job that requests the audience the job was given.
 */
function checkProviderAudience(audience: string, providerName: string, pool: GcpWorkloadIdentityPool, where: string): void {
  const m = PROVIDER_AUDIENCE.exec(audience);
  if (!m || `${m[1]}/providers/${m[2]}` === providerName) return;
  const own = providerName.slice(providerName.lastIndexOf('/') + 1);
  const fix = `use this provider's audience, //iam.googleapis.com/${providerName} (or leave audiences unset for GCP's default), and request the same in the job`;
  if (m[1] !== pool.poolName) {
    throw new TrustConfigError(where, `audience ${JSON.stringify(audience)} names a provider of another pool (${m[1]}), not ${pool.poolName}`, fix);
  }
  if (pool._providerIds().includes(m[2])) {
    throw new TrustConfigError(where, `audience ${JSON.stringify(audience)} names provider ${JSON.stringify(m[2])}, another provider of pool ${pool.poolId}, not this provider ${JSON.stringify(own)}`, fix);
  }
  throw new TrustConfigError(where, `audience ${JSON.stringify(audience)} names provider id ${JSON.stringify(m[2])}, which is not in pool ${pool.poolId}: a misspelling of this provider's id ${JSON.stringify(own)}?`, fix);
}

function checkLength(what: string, value: string | undefined, max: number, where: string): void {
  if (value !== undefined && value.length > max) {
    throw new TrustConfigError(where, `GCP ${what} is ${value.length} characters, over GCP's limit of ${max}`, `shorten the ${what}`);
  }
}


/**
 * A GCP workload identity pool (CDKTF). Add one provider per CI issuer with `addProvider`, then
 * grant each trust what it needs (`grantServiceAccountImpersonation`, `principalSetMember`).
 */
export class GcpWorkloadIdentityPool extends Construct {
  /** The Terraform resource. */
  public readonly resource: IamWorkloadIdentityPool;
  /** Project id. */
  public readonly projectId: string;
  /** Project number. */
  public readonly projectNumber: string;
  /** Effective pool id (with the suffix). */
  public readonly poolId: string;
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL`. */
  public readonly poolName: string;
  private readonly providers: GcpWorkloadIdentityProvider[] = [];

  public constructor(scope: Construct, id: string, props: GcpWorkloadIdentityPoolProps) {
    super(scope, id);
    const where = `GcpWorkloadIdentityPool(${this.node.path})`;
    requireObject(where, props);
    requireOptionalString(`${where}.poolId`, props.poolId, 'poolId');
    requireOptionalString(`${where}.idSuffix`, props.idSuffix, 'idSuffix');
    // The project id only names the resources' project: a Terraform variable is fine there. The
    // project number is in every principal identifier and the default audience, which the trusts
    // are compiled and reviewed with at synth: it must be literal.
    if (typeof props.projectNumber === 'string') refuseUnresolvedToken(`${where}.projectNumber`, 'projectNumber', props.projectNumber);
    if (typeof props.projectId !== 'string' || (!isReference(props.projectId) && !PROJECT_ID.test(props.projectId))) {
      throw new TrustConfigError(where, `projectId ${JSON.stringify(props.projectId)} is not a GCP project id (6-30 characters of [a-z0-9-], starting with a letter)`, 'give the project id, e.g. "my-project"');
    }
    if (typeof props.projectNumber !== 'string' || !PROJECT_NUMBER.test(props.projectNumber)) {
      throw new TrustConfigError(where, `projectNumber ${JSON.stringify(props.projectNumber)} is not a project number (digits)`, 'give the project NUMBER (principal identifiers use the number, not the id): gcloud projects describe PROJECT --format="value(projectNumber)"');
    }
    this.projectId = props.projectId;
    this.projectNumber = props.projectNumber;
    this.poolId = withSuffix('pool', props.poolId, props.idSuffix, where);
    this.poolName = `projects/${this.projectNumber}/locations/global/workloadIdentityPools/${this.poolId}`;
    checkLength('pool display name', props.displayName, MAX_DISPLAY_NAME, where);
    checkLength('pool description', props.description, MAX_DESCRIPTION, where);
    const G = google();
    this.resource = new G.IamWorkloadIdentityPool(this, 'Resource', {
      project: this.projectId,
      workloadIdentityPoolId: this.poolId,
      displayName: props.displayName ?? this.poolId,
      description: props.description ?? 'CI/CD OIDC federation managed by ci-oidc-trust',
    });
    this.resource.addOverride('//', terraformComment([]));
  }

  /** Add an OIDC provider for trusts of one issuer. */
  public addProvider(id: string, options: GcpWorkloadIdentityProviderOptions): GcpWorkloadIdentityProvider {
    return new GcpWorkloadIdentityProvider(this, id, options);
  }

  /** Ids of the providers added so far. @internal */
  public _providerIds(): string[] {
    return this.providers.map((x) => x.providerId);
  }

  /** Refuses a provider id the pool already has (asked before the provider makes its resource). @internal */
  public _checkProviderId(providerId: string): void {
    if (this.providers.some((x) => x.providerId === providerId)) {
      throw new TrustConfigError(`GcpWorkloadIdentityPool(${this.node.path})`, `provider id ${JSON.stringify(providerId)} is used twice in pool ${this.poolId}`, 'give each provider its own providerId');
    }
  }

  /** @internal */
  public _register(p: GcpWorkloadIdentityProvider): void {
    this._checkProviderId(p.providerId);
    this.providers.push(p);
    // Entries are computed once per provider (fingerprints hash the condition); recomputing them on
    // every addProvider was quadratic in the number of trusts (bench/gcp-synth.ts).
    this.resource.addOverride('//', terraformComment(this.providers.flatMap((x) => x._entries)));
  }
}

/**
 * One OIDC provider of a pool: the issuer, the allowed audiences, the attribute condition (the OR
 * of its trusts, compiled to CEL) and the attribute mapping (`google.subject` plus one attribute per
 * trust, so that every grant admits exactly one trust's tokens, never the whole provider).
 */
export class GcpWorkloadIdentityProvider extends Construct {
  /** The Terraform resource. */
  public readonly resource: IamWorkloadIdentityPoolProvider;
  /** The pool. */
  public readonly pool: GcpWorkloadIdentityPool;
  /** Effective provider id (with the suffix). */
  public readonly providerId: string;
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`: the CI job's `workload_identity_provider`. */
  public readonly providerName: string;
  /** The audience a CI job should request (the first allowed audience, or GCP's default). */
  public readonly audience: string;
  /** `oidc.issuer_uri` (GitLab: with the trailing slash GCP requires). */
  public readonly issuerUri: string;
  /** The compiled `attribute_condition`. */
  public readonly attributeCondition: string;
  /** The generated `attribute_mapping`. */
  public readonly attributeMapping: { [key: string]: string };
  /** The trusts as compiled: bound to the provider's audiences (use these with `Trust.evaluate`). */
  public readonly trusts: Trust[];
  /** The trusts' review entries as constructed (the pool's metadata lists them). @internal */
  public readonly _entries: TrustEntry[];
  /** The provider's own entries: a trust's snippet names the service account granted to it. */
  private readonly entries: TrustEntry[];
  private readonly bound = new Map<Trust, Trust>();
  private readonly networks = new Map<string, TrustNetwork>();
  private readonly grants = new Map<string, ServiceAccountIamMember>();
  /** Service accounts granted to each trust (by fingerprint): what its snippet impersonates. */
  private readonly impersonated = new Map<string, Set<string>>();

  public constructor(pool: GcpWorkloadIdentityPool, id: string, options: GcpWorkloadIdentityProviderOptions) {
    super(pool, id);
    const where = `GcpWorkloadIdentityProvider(${this.node.path})`;
    requireObject(where, options, 'options');
    requireTrustList(`${where}.trusts`, options.trusts);
    requireOptionalStringList(`${where}.audiences`, options.audiences, 'audiences');
    requireOptionalStringList(`${where}.ingressServices`, options.ingressServices, 'ingressServices');
    this.pool = pool;
    this.providerId = withSuffix('provider', options.providerId, options.idSuffix, where);
    pool._checkProviderId(this.providerId);
    this.providerName = `${pool.poolName}/providers/${this.providerId}`;
    checkLength('provider display name', options.displayName, MAX_DISPLAY_NAME, where);
    checkLength('provider description', options.description, MAX_DESCRIPTION, where);

    const trusts = options.trusts ?? [];
    if (trusts.length === 0) {
      throw new TrustConfigError(where, 'no trust given; a GCP provider without an attribute condition admits every token of the issuer (docs/security.md#f15)', 'pass at least one Trust in trusts');
    }
    const issuers = [...new Set(trusts.map((t) => t.issuer))].sort();
    if (issuers.length > 1) {
      throw new TrustConfigError(where, `the trusts have ${issuers.length} issuers (${issuers.join(', ')}); a GCP OIDC provider has exactly one issuer`, 'add one provider per issuer');
    }

    // Audiences: GCP checks them per provider, so every trust on it must accept the same set;
    // otherwise a grant for trust A would admit A's tokens minted for B's audience.
    const defaultAud = `//iam.googleapis.com/${this.providerName}`;
    const defaults = [defaultAud, `https:${defaultAud}`].sort();
    const explicit = options.audiences === undefined ? undefined : validateAudiences(options.audiences, `${where}.audiences`);
    const boundList: Trust[] = [];
    const byFingerprint = new Map<string, Trust>();
    for (const t of trusts) {
      const b = t.audiences === undefined ? t.withAudiences(explicit ?? defaults) : t;
      if (explicit && JSON.stringify(b.audiences) !== JSON.stringify(explicit)) {
        throw new TrustConfigError(where, `the trust "${t.description}" has audiences ${JSON.stringify(b.audiences)}, but the provider allows ${JSON.stringify(explicit)}`, 'give the trust the provider\'s audiences (or none), or put it on another provider');
      }
      // Identical trusts (same fingerprint) share one attribute and one principal set.
      const same = byFingerprint.get(b.fingerprint);
      if (same) {
        this.bound.set(t, same);
        continue;
      }
      byFingerprint.set(b.fingerprint, b);
      this.bound.set(t, b);
      this.bound.set(b, b);
      boundList.push(b);
    }
    const sets = [...new Set(boundList.map((t) => JSON.stringify(t.audiences)))];
    if (sets.length > 1) {
      throw new TrustConfigError(where, `the trusts accept different audiences (${sets.join(' vs ')}); GCP checks audiences per provider, so a grant for one trust would admit its tokens minted for another trust's audience`, 'give all trusts of a provider the same audiences (or none, for GCP\'s default), or use one provider per audience set');
    }
    const audiences = boundList[0].audiences!;
    const isDefault = JSON.stringify(audiences) === JSON.stringify(defaults);
    if (!isDefault) {
      if (audiences.length > MAX_AUDIENCES) {
        throw new TrustConfigError(where, `the provider has ${audiences.length} allowed audiences, over GCP's limit of ${MAX_AUDIENCES}`, 'request fewer audiences; one per provider is usual');
      }
      for (const a of audiences) {
        if (a.length > MAX_AUDIENCE_CHARS) {
          throw new TrustConfigError(where, `audience ${JSON.stringify(a)} is ${a.length} characters, over GCP's limit of ${MAX_AUDIENCE_CHARS}`, 'use a shorter audience');
        }
        checkProviderAudience(a, this.providerName, pool, where);
      }
    }
    this.trusts = boundList;
    this.audience = isDefault ? defaultAud : audiences[0];

    const issuer = issuers[0];
    // The provider's rule (GitLab's GCP guide wants a trailing slash the `iss` claim does not have).
    this.issuerUri = providerSpec(boundList[0].provider).gcp.issuerUri(issuer);

    for (const t of boundList) checkNetwork(t, options.perimeterName, where);
    this.attributeCondition = providerCondition(boundList, this.providerId, where);
    this.attributeMapping = attributeMapping(boundList, this.providerId, where);

    const G = google();
    this.resource = new G.IamWorkloadIdentityPoolProvider(this, 'Resource', {
      project: pool.projectId,
      workloadIdentityPoolId: pool.resource.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: this.providerId,
      displayName: options.displayName ?? this.providerId,
      // What the constructs write from trust values is a literal to Terraform (a branch may be
      // named `${x}`); the properties hold the text GCP receives. A description or display name
      // the user gives is theirs, templates included.
      description: options.description ?? terraformLiteral(truncate(`ci-oidc-trust: ${boundList.map((t) => t.description).join('; ')}`, MAX_DESCRIPTION)),
      attributeCondition: terraformLiteral(this.attributeCondition),
      attributeMapping: Object.fromEntries(Object.entries(this.attributeMapping).map(([k, v]) => [k, terraformLiteral(v)])),
      oidc: { issuerUri: this.issuerUri, ...(isDefault ? {} : { allowedAudiences: audiences.map(terraformLiteral) }) },
    });
    this._entries = boundList.map((t) => trustEntry(t, { cloud: 'gcp', principal: this.providerName }));
    this.entries = [...this._entries];
    this.writeMetadata();

    for (const t of boundList) {
      if (!t.network) continue;
      const net = new TrustNetwork(this, `Network-${t.fingerprint}`, t, options.perimeterName!, options.ingressServices ?? ['*'], this.providerName);
      net.admit(this.principalSetMember(t));
      this.networks.set(t.fingerprint, net);
    }
    // Model warnings and accepted widenings, printed by `cdktf synth` (the review shows them too).
    annotateCdktf(this, boundList);
    pool._register(this);
  }

  /**
   * IAM member for the principals of one trust, for any IAM binding (direct resource access):
   * `principalSet://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/attribute.trust_FINGERPRINT/PROVIDER`.
   * It admits exactly the tokens that trust admits (see docs/gcp.md "Grants").
   * @param trust one of the provider's trusts; optional when the provider has exactly one
   */
  public principalSetMember(trust?: Trust): string {
    const t = this.resolve(trust, 'principalSetMember');
    return `principalSet://iam.googleapis.com/${this.pool.poolName}/attribute.${trustAttribute(t)}/${this.providerId}`;
  }

  /**
   * The CI-side job configuration for one trust (workflow, `id_tokens`, agent command…), as shown in
   * the review; put it in a `TerraformOutput` to publish it with the stack.
   * @param trust one of the provider's trusts; optional when the provider has exactly one
   * @param serviceAccountEmail the service account the job impersonates
   * @default - the service account granted to the trust with grantServiceAccountImpersonation (when
   * several are: the first literal email in order, else the first reference granted); none: direct
   * resource access by the trust's principal set
   */
  public ciSnippet(trust?: Trust, serviceAccountEmail?: string): string {
    const t = this.resolve(trust, 'ciSnippet');
    const serviceAccount = serviceAccountEmail ?? firstServiceAccount(this.impersonated.get(t.fingerprint));
    return ciSnippet(t, { cloud: 'gcp', principal: this.providerName, ...(serviceAccount ? { serviceAccount } : {}) });
  }

  /**
   * Let one trust's workloads impersonate a service account (`roles/iam.workloadIdentityUser` on
   * it, member `principalSetMember(trust)`). Idempotent per (trust, service account).
   * @param serviceAccountId `projects/PROJECT/serviceAccounts/EMAIL`, or the email
   * @param trust one of the provider's trusts; optional when the provider has exactly one
   */
  public grantServiceAccountImpersonation(serviceAccountId: string, trust?: Trust): ServiceAccountIamMember {
    requireOptionalString(`${this.node.path}.grantServiceAccountImpersonation`, serviceAccountId, 'serviceAccountId');
    const t = this.resolve(trust, 'grantServiceAccountImpersonation');
    const where = `${this.node.path}.grantServiceAccountImpersonation`;
    const sa = normalizeServiceAccount(serviceAccountId, where);
    const key = `${t.fingerprint}\u0000${sa.id}`;
    const existing = this.grants.get(key);
    if (existing) return existing;
    const G = google();
    const grant = new G.ServiceAccountIamMember(this, `Impersonate-${t.fingerprint}-${shortHash(sa.id)}`, {
      serviceAccountId: sa.id,
      role: 'roles/iam.workloadIdentityUser',
      member: this.principalSetMember(t),
    });
    // The grant's review entry carries the snippet that impersonates this service account.
    const email = sa.email ?? serviceAccountId;
    grant.addOverride('//', terraformComment([trustEntry(t, { cloud: 'gcp', principal: this.providerName, serviceAccount: email })]));
    this.grants.set(key, grant);
    this.impersonated.set(t.fingerprint, new Set([...(this.impersonated.get(t.fingerprint) ?? []), email]));
    // The review's snippet for this trust now impersonates the (first) granted service account.
    this.entries[this.trusts.indexOf(t)] = trustEntry(t, { cloud: 'gcp', principal: this.providerName, serviceAccount: firstServiceAccount(this.impersonated.get(t.fingerprint)) });
    this.writeMetadata();
    const net = this.networks.get(t.fingerprint);
    if (net) {
      // Calls made as the service account carry its identity, not the principal set: admit it too.
      if (!sa.email) {
        throw new TrustConfigError(where, `the trust "${t.description}" is network-restricted, so the service account's email is needed for the VPC-SC ingress policy, but ${JSON.stringify(serviceAccountId)} is an unresolved reference`, 'pass the literal projects/PROJECT/serviceAccounts/EMAIL');
      }
      net.admit(`serviceAccount:${sa.email}`);
    }
    return grant;
  }

  private writeMetadata(): void {
    this.resource.addOverride('//', terraformComment(this.entries, {
      [GCP_METADATA_KEY]: { projectNumber: this.pool.projectNumber, poolId: this.pool.poolId, providerId: this.providerId },
    }));
  }

  private byValue(trust: Trust): Trust | undefined {
    const fp = (trust.audiences === undefined ? trust.withAudiences(this.trusts[0].audiences!) : trust).fingerprint;
    return this.trusts.find((t) => t.fingerprint === fp);
  }

  private resolve(trust: Trust | undefined, method: string): Trust {
    const where = `${this.node.path}.${method}`;
    if (trust === undefined) {
      if (this.trusts.length === 1) return this.trusts[0];
      throw new TrustConfigError(where, `provider ${this.providerId} has ${this.trusts.length} trusts, and a grant must name the one it is for (a grant for the whole provider would be wider than each trust)`, 'pass the trust as the last argument');
    }
    // The same object, or a trust equal by value (built again with the same calls): same fingerprint
    // once bound to this provider's audiences.
    requireTrust(where, trust);
    const b = this.bound.get(trust) ?? this.byValue(trust);
    if (!b) {
      throw new TrustConfigError(where, `the trust "${trust.description}" is not one of provider ${this.providerId}'s trusts`, 'pass a Trust given in trusts when the provider was added');
    }
    return b;
  }
}

/**
 * The service account a trust's snippet impersonates when several are granted: the first literal
 * email in code-unit order, else the first reference granted. A reference's text is a CDKTF token
 * whose number any construct made earlier in the app shifts, so it never decides an order.
 */
function firstServiceAccount(emails: ReadonlySet<string> | undefined): string | undefined {
  let literal: string | undefined;
  let reference: string | undefined;
  for (const e of emails ?? []) {
    if (isReference(e)) reference ??= e;
    else if (literal === undefined || e < literal) literal = e;
  }
  return literal ?? reference;
}

/**
 * A Terraform reference: a CDKTF token (`${TfToken[…]}`) or interpolation text (`${var.x}`), whose
 * value Terraform knows and synth does not. Where only a resource attribute takes it (a project, a
 * service account to grant) it is passed on; where a trust holds it, it is refused.
 */
function isReference(value: string): boolean {
  return value.includes('${');
}

function normalizeServiceAccount(value: string, where: string): { id: string; email?: string } {
  if (typeof value === 'string' && isReference(value)) return { id: value };
  const full = /^projects\/([a-z0-9-]+|-)\/serviceAccounts\/([^/@\s]+@[a-z0-9.-]+)$/.exec(value);
  if (full) return { id: value, email: full[2] };
  const email = /^([a-z0-9-]+)@([a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(value);
  if (email) return { id: `projects/${email[2]}/serviceAccounts/${value}`, email: value };
  if (typeof value === 'string' && /^[^/@\s]+@[a-z0-9.-]+$/.test(value)) return { id: `projects/-/serviceAccounts/${value}`, email: value };
  throw new TrustConfigError(where, `${JSON.stringify(value)} is not a service account (projects/PROJECT/serviceAccounts/EMAIL or EMAIL)`, 'pass the service account\'s full name or email, e.g. deploy@my-project.iam.gserviceaccount.com');
}
