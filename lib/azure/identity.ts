import type { DataAzurermUserAssignedIdentity } from '@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity';
import type { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { AzureCloud, AzureCredentialSpec, AzureLimits, compileTrust, CREDENTIAL_NAME } from './compile';
import { AZURE_LIMITS } from './limits';
import { checkIdentityNetwork, describeNetwork, networkCondition, parseRole, sameNetwork } from './network';
import { loadAzurerm } from './providers';
import { annotateCdktf } from '../emit/annotations';
import { REVIEW_METADATA_KEY, reviewMetadata, terraformComment, trustEntry } from '../emit/metadata';
import { ciSnippet } from '../emit/snippets';
import { terraformLiteral } from '../emit/terraform';
import { cmp } from '../model/condition';
import { TrustConfigError } from '../model/errors';
import { NetworkRestriction } from '../model/network';
import { requireObject, requireOptionalEnum, requireTrust, requireTrustList } from '../model/shapes';
import { shortHash } from '../model/text';
import { Trust } from '../model/trust';

/** Options for a role assignment. */
export interface AzureGrantOptions {
  /** Description of the role assignment. @default - a sentence naming the trusts */
  readonly description?: string;
}

/** A user-assigned managed identity to create, trusted by CI jobs. */
export interface FederatedManagedIdentityProps {
  /** Identity name (3–128 of letters, digits, `-`, `_`, alphanumeric first). */
  readonly name: string;
  /** Resource group of the identity (and of its federated credentials). */
  readonly resourceGroupName: string;
  /** Azure region, e.g. `westeurope`. (Federated credentials on managed identities are not supported in Malaysia South.) */
  readonly location: string;
  /** Trusts to add now (more with `addTrust`). @default - none */
  readonly trusts?: Trust[];
  /** The Azure cloud (decides the default audience). @default AzureCloud.PUBLIC */
  readonly cloud?: AzureCloud;
  /** Tags of the identity. @default - none */
  readonly tags?: { [key: string]: string };
}

/** An existing user-assigned managed identity that CI jobs should be able to use. */
export interface ExistingManagedIdentityProps {
  /** Full resource id: `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`. */
  readonly identityId: string;
  /**
   * Principal (object) id of the identity, for role assignments.
   * @default - read with an `azurerm_user_assigned_identity` data source when needed
   */
  readonly principalId?: string;
  /** Trusts to add now (more with `addTrust`). @default - none */
  readonly trusts?: Trust[];
  /** The Azure cloud (decides the default audience). @default AzureCloud.PUBLIC */
  readonly cloud?: AzureCloud;
}

const NAME = `[A-Za-z0-9][A-Za-z0-9_-]{${AZURE_LIMITS.identityName.min - 1},${AZURE_LIMITS.identityName.value - 1}}`;
const IDENTITY_NAME = new RegExp(`^${NAME}$`);
const IDENTITY_ID = new RegExp(`^\\/subscriptions\\/([0-9a-fA-F-]{36})\\/resourceGroups\\/([-\\w.()]{1,90})\\/providers\\/Microsoft\\.ManagedIdentity\\/userAssignedIdentities\\/(${NAME})$`);

/** The props are an object and the cloud one of AzureCloud (checked before the base constructor). */
function checkedCloud(where: string, props: { cloud?: AzureCloud }): AzureCloud | undefined {
  requireObject(where, props);
  return requireOptionalEnum(`${where}.cloud`, props.cloud, AzureCloud, 'AzureCloud');
}

function credentialKey(c: AzureCredentialSpec): string {
  return `${c.issuer}\u0000${c.subject}\u0000${c.audience}`;
}

interface Held {
  readonly spec: AzureCredentialSpec;
  readonly trust: Trust;
  readonly resource: FederatedIdentityCredential;
}

/** The network restriction an identity already has (set by its first trust or grant), if any. */
type Fixed = { network?: NetworkRestriction } | undefined;
/** A trust bound to its audience, and the credentials it adds. */
type Plan = { bound: Trust; fresh: AzureCredentialSpec[] };

/**
 * What adding a trust to an identity holding `held` would create (the trust bound to its audience,
 * the credentials it does not share with `held`), with every check of `addTrust`; creates nothing.
 * `fixed`: the network restriction the identity already has, if a trust or grant set one.
 */
function planTrust(where: string, trust: Trust, cloud: AzureCloud, held: readonly AzureCredentialSpec[], fixed: Fixed): Plan {
  const compiled = compileTrust(trust, cloud);
  const bound = compiled.trust;
  checkIdentityNetwork(where, bound.network);
  if (fixed && !sameNetwork(fixed.network, bound.network)) {
    throw new TrustConfigError(where,
      `the trust has ${describeNetwork(bound.network)} but the identity already has ${describeNetwork(fixed.network)}; role assignments belong to the identity, whichever trust's token was exchanged, so one identity can only carry one restriction`,
      'put trusts with different network restrictions on separate identities');
  }

  // A credential another trust already holds exactly (same issuer, subject and audience) is the
  // same credential: overlapping trusts share it instead of failing on Azure's uniqueness rule.
  const heldKeys = new Set(held.map(credentialKey));
  const fresh = compiled.credentials.filter((c) => !heldKeys.has(credentialKey(c)));
  const all = [...held, ...fresh];
  const bySubject = new Map<string, AzureCredentialSpec>();
  for (const c of all) {
    const key = `${c.issuer}\u0000${c.subject}`.toLowerCase();
    const prev = bySubject.get(key);
    if (prev) {
      const exact = prev.issuer === c.issuer && prev.subject === c.subject;
      throw new TrustConfigError(where,
        exact
          ? `issuer ${c.issuer} and subject ${JSON.stringify(c.subject)} appear twice (audiences ${JSON.stringify(prev.audience)} and ${JSON.stringify(c.audience)}); Azure requires issuer+subject to be unique per identity`
          : `subjects ${JSON.stringify(prev.subject)} and ${JSON.stringify(c.subject)} differ only in case; the CI provider emits one canonical case and Azure matches case-sensitively, so one of them is wrong`,
        exact
          ? 'use one audience per subject on an identity (each credential has exactly one audience); put the other audience, or the overlapping trust, on a second identity'
          : 'keep the subject in the exact case the CI provider emits (copy it from a token) and remove the other');
    }
    bySubject.set(key, c);
  }
  const max = AzureLimits.MAX_CREDENTIALS_PER_IDENTITY;
  if (all.length > max) {
    throw new TrustConfigError(where,
      `the identity would hold ${all.length} federated identity credentials (${held.length} already, ${fresh.length} from this trust); Azure allows at most ${max} per identity`,
      `split the trusts over several identities (FederatedManagedIdentity) with at most ${max} subjects each, or narrow the trust (fewer branches, environments or audiences)`);
  }
  for (const c of fresh) {
    if (!CREDENTIAL_NAME.test(c.name)) throw new Error(`internal: bad credential name ${c.name}`);
  }
  return { bound, fresh };
}

/**
 * What every federated identity has: trusts compiled to exact federated identity credentials
 * (at most 20, chained so Azure creates them one at a time) and role assignments that carry the
 * trusts' network restriction as ABAC conditions where Azure can enforce it.
 */
export abstract class FederatedIdentityBase extends Construct {
  /** The Azure cloud (decides the default audience). */
  public readonly cloud: AzureCloud;
  /** Full resource id of the identity (a Terraform reference for a created identity). */
  public abstract readonly identityId: string;
  /** Client id, for `azure/login` `client-id`. */
  public abstract readonly clientId: string;
  /** Principal (object) id, for role assignments. */
  public abstract readonly principalId: string;
  /** Resource group of the federated credentials. */
  protected abstract readonly credentialResourceGroupName: string;

  private readonly held: Held[] = [];
  private readonly trustList: Trust[] = [];
  /** The trusts as given (their fingerprints identify them in reviews). */
  private readonly given: Trust[] = [];
  private readonly grants: { key: string; resource: RoleAssignment }[] = [];
  /** Set by the first trust or grant: one identity, one network restriction. */
  private networkFixed = false;
  private network?: NetworkRestriction;

  protected constructor(scope: Construct, id: string, cloud?: AzureCloud) {
    super(scope, id);
    this.cloud = cloud ?? AzureCloud.PUBLIC;
  }

  /** The trusts, bound to their audiences, in the order added. */
  public get trusts(): Trust[] {
    return [...this.trustList];
  }

  /** The federated identity credentials, sorted by name (the creation order). */
  public get credentials(): AzureCredentialSpec[] {
    return this.held.map((h) => h.spec);
  }

  /**
   * Trust CI jobs: compile the trust to exact credentials and add them. Throws a TrustConfigError,
   * before creating anything, when the trust cannot be expressed on Azure, the identity would hold
   * more than 20 credentials, a subject repeats, or the network restriction differs from the
   * identity's other trusts.
   */
  public addTrust(trust: Trust): void {
    const where = `FederatedManagedIdentity(${this.node.path})`;
    requireTrust(`${where}.addTrust`, trust);
    const fixed: Fixed = this.networkFixed ? { network: this.network } : undefined;
    const { bound, fresh } = planTrust(where, trust, this.cloud, this.held.map((h) => h.spec), fixed);

    // Everything is valid: create the resources.
    this.networkFixed = true;
    this.network = bound.network;
    this.trustList.push(bound);
    this.given.push(trust);
    const { FederatedIdentityCredential } = loadAzurerm();
    for (const spec of fresh) {
      const resource = new FederatedIdentityCredential(this, spec.name, {
        name: spec.name,
        // Deprecated after azurerm 4.55 (PR #30860) and dropped in 5.0; required by the 4.55 bindings.
        resourceGroupName: this.credentialResourceGroupName,
        // azurerm 4.55 calls the identity `parent_id`; later 4.x renames it `user_assigned_identity_id`
        // (PR #31921). The CDKTF bindings are frozen at 4.55, so this stays `parent_id`.
        parentId: this.identityId,
        issuer: terraformLiteral(spec.issuer),
        subject: terraformLiteral(spec.subject),
        audience: [terraformLiteral(spec.audience)],
      });
      resource.addOverride('//', terraformComment([trustEntry(bound, { cloud: 'azure', principal: '<client id of ' + this.node.path + '>', ...(this.cloud === AzureCloud.PUBLIC ? {} : { azureCloud: this.cloud }) })]));
      this.held.push({ spec, trust: bound, resource });
    }
    // Model warnings and accepted widenings, printed by `cdktf synth` (the review shows them too).
    annotateCdktf(this, [bound]);
    this.held.sort((a, b) => cmp(a.spec.name, b.spec.name));
    // Concurrent creation on one identity fails with 409: chain them in name order.
    this.held.forEach((h, i) => {
      const prev = this.held[i - 1]?.resource;
      h.resource.dependsOn = prev ? [`${prev.terraformResourceType}.${prev.friendlyUniqueId}`] : undefined;
    });
    this.refreshMetadata();
  }

  /**
   * The CI-side job configuration for one of the identity's trusts (workflow with `azure/login`,
   * GitLab `id_tokens`, …), as shown in the review; put it in a `TerraformOutput` to publish it.
   * @param trust one of the identity's trusts; optional when it has exactly one
   * @param tenantId the Entra tenant id to show in the snippet
   * @param subscriptionId the subscription the job works in
   * @default - none: the job logs in without a subscription
   */
  public ciSnippet(trust?: Trust, tenantId?: string, subscriptionId?: string): string {
    const bound = [...new Map(this.held.map((h) => [h.trust.fingerprint, h.trust])).values()]
      .filter((t) => !trust || t.fingerprint === trust.withAudiences(t.audiences!).fingerprint);
    if (bound.length !== 1) {
      const problem = trust ? 'the trust is not one of this identity\'s trusts' : `the identity has ${bound.length} trusts`;
      throw new TrustConfigError(`${this.node.path}.ciSnippet`, problem, 'pass one of the trusts given to the identity');
    }
    return ciSnippet(bound[0], {
      cloud: 'azure',
      principal: this.clientId,
      azureCloud: this.cloud,
      ...(tenantId !== undefined ? { tenantId } : {}),
      ...(subscriptionId !== undefined ? { subscriptionId } : {}),
    });
  }

  /**
   * Assign a role to the identity (`principal_type = ServicePrincipal`). When the identity's trusts are
   * restricted to Azure subnets or private endpoints, the assignment carries that restriction as an
   * ABAC condition, which Azure enforces for storage data roles only; any other role is refused.
   *
   * @param scope resource id the role applies to (subscription, resource group or resource)
   * @param role built-in role name (e.g. `Storage Blob Data Reader`) or role definition id
   */
  public grant(scope: string, role: string, options?: AzureGrantOptions): RoleAssignment {
    const where = `FederatedManagedIdentity(${this.node.path}).grant`;
    if (typeof scope !== 'string' || scope.trim() === '') {
      throw new TrustConfigError(where, 'the scope is empty', 'give the resource id the role applies to');
    }
    const ref = parseRole(where, role);
    const condition = this.network ? networkCondition(where, this.network, ref) : undefined;
    const key = `${scope}\u0000${role}`;
    if (this.grants.some((g) => g.key === key)) {
      throw new TrustConfigError(where, `role ${JSON.stringify(role)} is already granted on ${scope}`, 'grant each role once per scope');
    }
    this.networkFixed = true;
    const { RoleAssignment } = loadAzurerm();
    const id = `Grant-${shortHash(key, 12)}`;
    const resource = new RoleAssignment(this, id, {
      scope,
      principalId: this.principalId,
      principalType: 'ServicePrincipal',
      ...(ref.roleDefinitionId ? { roleDefinitionId: ref.roleDefinitionId } : { roleDefinitionName: ref.roleDefinitionName }),
      ...(condition ? { condition, conditionVersion: '2.0' } : {}),
      ...(options?.description ? { description: options.description } : {}),
    });
    this.grants.push({ key, resource });
    this.refreshMetadata();
    return resource;
  }

  /** Resources that describe every trust of the identity (the identity itself, role assignments). @internal */
  protected _identityLevelResources(): { addOverride(path: string, value: any): void }[] {
    return this.grants.map((g) => g.resource);
  }

  private refreshMetadata(): void {
    // The bound trusts (with the audience they were compiled for), as on each credential.
    const meta = reviewMetadata([...new Map(this.held.map((h) => [h.trust.fingerprint, h.trust])).values()].map((t) => trustEntry(t)));
    for (const r of this._identityLevelResources()) r.addOverride('//', { [REVIEW_METADATA_KEY]: meta });
  }
}

/**
 * A user-assigned managed identity (CDKTF, azurerm 4.55) that CI jobs can use through exact
 * federated identity credentials. Use `fromExistingIdentity` for an identity created elsewhere.
 */
export class FederatedManagedIdentity extends FederatedIdentityBase {
  /**
   * Add federated credentials (and grants) to an existing user-assigned identity. Credentials
   * created outside this construct still count towards Azure's 20 per identity.
   */
  public static fromExistingIdentity(scope: Construct, id: string, props: ExistingManagedIdentityProps): FederatedIdentityBase {
    return new ExistingFederatedIdentity(scope, id, props);
  }

  /** The `azurerm_user_assigned_identity` resource. */
  public readonly identity: UserAssignedIdentity;
  public readonly identityId: string;
  public readonly clientId: string;
  public readonly principalId: string;
  /** Tenant id, for `azure/login` `tenant-id`. */
  public readonly tenantId: string;
  protected readonly credentialResourceGroupName: string;

  public constructor(scope: Construct, id: string, props: FederatedManagedIdentityProps) {
    super(scope, id, checkedCloud(`FederatedManagedIdentity(${id})`, props));
    requireTrustList(`FederatedManagedIdentity(${id}).trusts`, props.trusts);
    const { cdktf, UserAssignedIdentity } = loadAzurerm();
    const where = `FederatedManagedIdentity(${this.node.path})`;
    const literal = (v: unknown) => typeof v === 'string' && !cdktf.Token.isUnresolved(v);
    if (literal(props.name) && !IDENTITY_NAME.test(props.name)) {
      throw new TrustConfigError(where, `identity name ${JSON.stringify(props.name)} is not ${AZURE_LIMITS.identityName.min}-${AZURE_LIMITS.identityName.value} letters, digits, "-" or "_" starting with a letter or digit`, 'choose a valid name');
    }
    if (typeof props.resourceGroupName !== 'string' || props.resourceGroupName.trim() === '') {
      throw new TrustConfigError(where, 'resourceGroupName is empty', 'give the resource group name');
    }
    if (literal(props.location) && props.location.replace(/\s+/g, '').toLowerCase() === 'malaysiasouth') {
      throw new TrustConfigError(where, 'federated identity credentials on user-assigned identities are not supported in Malaysia South', 'create the identity in another region (an identity can access resources in any region)');
    }
    // Every trust is checked before anything is created: a refused trust leaves no identity behind.
    let planned: AzureCredentialSpec[] = [];
    let fixed: Fixed;
    for (const t of props.trusts ?? []) {
      const p = planTrust(where, t, this.cloud, planned, fixed);
      planned = [...planned, ...p.fresh];
      fixed = { network: p.bound.network };
    }
    this.identity = new UserAssignedIdentity(this, 'Identity', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      ...(props.tags ? { tags: props.tags } : {}),
    });
    this.identityId = this.identity.id;
    this.clientId = this.identity.clientId;
    this.principalId = this.identity.principalId;
    this.tenantId = this.identity.tenantId;
    this.credentialResourceGroupName = props.resourceGroupName;
    for (const t of props.trusts ?? []) this.addTrust(t);
    if (!(props.trusts ?? []).length) this.identity.addOverride('//', terraformComment([]));
  }

  /** @internal */
  protected _identityLevelResources(): { addOverride(path: string, value: any): void }[] {
    return [this.identity, ...super._identityLevelResources()];
  }
}

/** An identity created elsewhere, extended with federated credentials. */
class ExistingFederatedIdentity extends FederatedIdentityBase {
  public readonly identityId: string;
  protected readonly credentialResourceGroupName: string;
  private readonly identityName: string;
  private readonly givenPrincipalId?: string;
  private data?: DataAzurermUserAssignedIdentity;

  public constructor(scope: Construct, id: string, props: ExistingManagedIdentityProps) {
    super(scope, id, checkedCloud(`FederatedManagedIdentity.fromExistingIdentity(${id})`, props));
    requireTrustList(`FederatedManagedIdentity.fromExistingIdentity(${id}).trusts`, props.trusts);
    const where = `FederatedManagedIdentity.fromExistingIdentity(${this.node.path})`;
    const m = typeof props.identityId === 'string' ? IDENTITY_ID.exec(props.identityId) : null;
    if (!m) {
      throw new TrustConfigError(where, `identityId ${JSON.stringify(props.identityId)} is not a user-assigned identity resource id`, 'give /subscriptions/<uuid>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>');
    }
    if (props.principalId !== undefined && !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(props.principalId)) {
      throw new TrustConfigError(where, `principalId ${JSON.stringify(props.principalId)} is not a GUID`, 'copy the identity\'s principal (object) id');
    }
    this.identityId = props.identityId;
    this.credentialResourceGroupName = m[2];
    this.identityName = m[3];
    this.givenPrincipalId = props.principalId;
    for (const t of props.trusts ?? []) this.addTrust(t);
  }

  public get principalId(): string {
    return this.givenPrincipalId ?? this.lookup().principalId;
  }

  public get clientId(): string {
    return this.lookup().clientId;
  }

  /** Read the identity only when an attribute we don't have is needed. */
  private lookup(): DataAzurermUserAssignedIdentity {
    if (!this.data) {
      const { DataAzurermUserAssignedIdentity } = loadAzurerm();
      this.data = new DataAzurermUserAssignedIdentity(this, 'Existing', { name: this.identityName, resourceGroupName: this.credentialResourceGroupName });
    }
    return this.data;
  }
}
