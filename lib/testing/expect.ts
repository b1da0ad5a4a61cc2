import type { CiOidcRole } from '../aws/role';
import type { FederatedIdentityBase } from '../azure/identity';
import type { GcpWorkloadIdentityProvider } from '../gcp/pool';
import { TrustConfigError } from '../model/errors';
import type { RequestContext } from '../model/network';
import { AwsTrustSimulator } from './aws/simulator';
import { AzureTrustSimulator } from './azure/simulator';
import { GcpTrustSimulator } from './gcp/simulator';
import { terraformDocument } from './private/request';
import { SimulationRequest, SimulationResult } from './result';

/** Which artifact of a Terraform JSON `TokenExpectation.forTerraform` reads. */
export interface TerraformExpectationOptions {
  /**
   * The GCP provider's `workload_identity_pool_provider_id` (or `<pool id>/<provider id>`).
   *
   * @default - the only GCP provider, when the JSON has no Azure credentials
   */
  readonly gcpProviderId?: string;

  /**
   * Also check that the exchanged GCP identity is in this IAM member.
   *
   * @default - only the provider is checked
   */
  readonly gcpMember?: string;

  /**
   * The GCP project number, when the JSON does not carry it.
   *
   * @default - read from the JSON
   */
  readonly gcpProjectNumber?: string;

  /**
   * The Azure identity's name (or literal resource id).
   *
   * @default - the only identity with credentials, when the JSON has no GCP provider
   */
  readonly azureIdentityName?: string;
}

/** A simulator, as TokenExpectation uses it. */
interface Simulator {
  evaluate(request: SimulationRequest): SimulationResult;
}

/**
 * Token expectations for your tests, evaluated against what was actually synthesized (the
 * simulators), not against the model:
 *
 *   TokenExpectation.forRole(role).allows({ iss, aud, sub, ref });
 *   TokenExpectation.forRole(role).denies({ ...token, ref: 'refs/heads/dev' }, 'refs/heads/dev');
 */
export class TokenExpectation {
  /** Expectations against a CiOidcRole's synthesized trust policy (synthesizes its app). */
  public static forRole(role: CiOidcRole): TokenExpectation {
    return new TokenExpectation(AwsTrustSimulator.fromRole(role));
  }

  /**
   * Expectations against a role in a CloudFormation template.
   *
   * @param roleLogicalId optional when exactly one role trusts a Federated principal
   */
  public static forCloudFormation(template: any, roleLogicalId?: string): TokenExpectation {
    return new TokenExpectation(AwsTrustSimulator.fromTemplate(template, roleLogicalId));
  }

  /**
   * Expectations against a synthesized GCP workload identity provider (synthesizes its stack);
   * `member` checks a grant too. Needs `@bufbuild/cel`.
   *
   * @param member e.g. `provider.principalSetMember(trust)`
   */
  public static forGcpProvider(provider: GcpWorkloadIdentityProvider, member?: string): TokenExpectation {
    return new TokenExpectation(GcpTrustSimulator.fromProvider(provider), member);
  }

  /** Expectations against the federated credentials of a synthesized Azure identity (synthesizes its stack). */
  public static forAzureIdentity(identity: FederatedIdentityBase): TokenExpectation {
    return new TokenExpectation(AzureTrustSimulator.fromIdentity(identity));
  }

  /**
   * Expectations against a GCP provider or an Azure identity in Terraform JSON (a string or the
   * parsed object, e.g. cdktf `Testing.synth(stack)`).
   */
  public static forTerraform(json: any, options?: TerraformExpectationOptions): TokenExpectation {
    const where = 'TokenExpectation.forTerraform';
    const o = options ?? {};
    const doc = terraformDocument(where, json);
    const wantsGcp = o.gcpProviderId !== undefined || o.gcpMember !== undefined || o.gcpProjectNumber !== undefined;
    const wantsAzure = o.azureIdentityName !== undefined;
    if (wantsGcp && wantsAzure) throw new TrustConfigError(where, 'the options name both a GCP provider and an Azure identity', 'make one expectation per artifact');
    const hasGcp = Object.keys(doc?.resource?.google_iam_workload_identity_pool_provider ?? {}).length > 0;
    const hasAzure = Object.keys(doc?.resource?.azurerm_federated_identity_credential ?? {}).length > 0;
    if (wantsGcp || (hasGcp && !hasAzure && !wantsAzure)) {
      const project = o.gcpProjectNumber !== undefined ? { projectNumber: o.gcpProjectNumber } : undefined;
      return new TokenExpectation(GcpTrustSimulator.fromTerraformJson(doc, o.gcpProviderId, project), o.gcpMember);
    }
    if (wantsAzure || (hasAzure && !hasGcp)) return new TokenExpectation(AzureTrustSimulator.fromTerraformJson(doc, o.azureIdentityName));
    throw new TrustConfigError(where, hasGcp ? 'the JSON has both GCP providers and Azure credentials' : 'the JSON has no GCP workload identity provider and no Azure federated credential',
      hasGcp ? 'pass options.gcpProviderId or options.azureIdentityName' : 'pass the synthesized JSON of the stack that holds them');
  }

  private readonly simulator: Simulator;
  private readonly gcpMember?: string;

  private constructor(simulator: Simulator, gcpMember?: string) {
    this.simulator = simulator;
    this.gcpMember = gcpMember;
  }

  /** The simulator's verdict, with its reasons and failures. */
  public decide(claims: { [claim: string]: any }, request?: RequestContext): SimulationResult {
    return this.simulator.evaluate({ ...request, claims, ...(this.gcpMember !== undefined ? { gcpMember: this.gcpMember } : {}) });
  }

  /** Throws (with the reasons) unless the compiled artifact allows the token. */
  public allows(claims: { [claim: string]: any }, request?: RequestContext): void {
    const d = this.decide(claims, request);
    if (!d.allowed) throw new Error(`expected the token to be allowed, but it was denied:\n  ${d.reasons.join('\n  ')}`);
  }

  /**
   * Throws unless the compiled artifact denies the token; with `because`, also unless one of the
   * reasons mentions it (e.g. `refs/heads/dev`).
   */
  public denies(claims: { [claim: string]: any }, because?: string, request?: RequestContext): void {
    const d = this.decide(claims, request);
    if (d.allowed) throw new Error('expected the token to be denied, but it was allowed');
    if (because !== undefined && !d.reasons.some((r) => r.includes(because))) {
      throw new Error(`expected a denial because of ${JSON.stringify(because)}, but the reasons were:\n  ${d.reasons.join('\n  ')}`);
    }
  }
}
