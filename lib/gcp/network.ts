import type { AccessContextManagerAccessLevel } from '@cdktf/provider-google/lib/access-context-manager-access-level';
import type { AccessContextManagerServicePerimeterIngressPolicy } from '@cdktf/provider-google/lib/access-context-manager-service-perimeter-ingress-policy';
import { Construct } from 'constructs';
import { google } from './providers';
import { terraformComment, trustEntry } from '../emit/metadata';
import { TrustConfigError } from '../model/errors';
import { requireEnforceable } from '../model/network';
import { shortHash, truncate } from '../model/text';
import { Trust } from '../model/trust';

const PERIMETER = /^accessPolicies\/([0-9]{1,20})\/servicePerimeters\/[A-Za-z][A-Za-z0-9_]{0,49}$/;

/**
 * Check what GCP can enforce of a trust's network restriction, before anything is created:
 * only source IP ranges and GCP VPC networks, through VPC Service Controls, on a perimeter the
 * user names. Everything else is refused, never dropped.
 * @internal
 */
export function checkNetwork(trust: Trust, perimeterName: string | undefined, where: string): void {
  const n = trust.network;
  if (!n) return;
  requireEnforceable(n, 'gcp', where, `the trust "${trust.description}"`, 'use sourceIpCidrs or gcpVpcNetworks for the GCP trust, or a separate trust without the AWS/Azure network kinds');
  if (perimeterName === undefined) {
    throw new TrustConfigError(where, `the trust "${trust.description}" has network restrictions (${n}), and GCP enforces them only with a VPC Service Controls perimeter; no perimeter was given`, 'set perimeterName: "accessPolicies/POLICY_NUMBER/servicePerimeters/NAME" (a perimeter that restricts sts.googleapis.com, iamcredentials.googleapis.com and the services the workload uses)');
  }
  if (!PERIMETER.test(perimeterName)) {
    throw new TrustConfigError(where, `perimeterName ${JSON.stringify(perimeterName)} is not accessPolicies/NUMBER/servicePerimeters/NAME`, 'give the full perimeter resource name, e.g. accessPolicies/123456789/servicePerimeters/ci');
  }
}

/** Resources that enforce one trust's network restriction. @internal */
export interface NetworkResources {
  readonly accessLevel: AccessContextManagerAccessLevel;
  readonly ingressPolicies: AccessContextManagerServicePerimeterIngressPolicy[];
}


/**
 * One access level per trust (conditions ORed: `ip_subnetworks` and `vpc_network_sources` cannot
 * share a condition), and one ingress policy per identity on the user's perimeter.
 *
 * VPC-SC ingress rules allow; they do not deny. The restriction holds because requests from
 * outside a perimeter to the services it restricts are denied unless an ingress rule admits them,
 * and this rule admits the trust's identities only from the access level. It therefore covers the
 * resources inside the perimeter only, and the token exchange itself only if the perimeter
 * restricts sts.googleapis.com: a perimeter on iam.googleapis.com does not cover STS or IAM
 * Credentials (docs/gcp.md#network-restrictions-vpc-service-controls, cloud.google.com/iam/docs/secure-iam-vpc-sc).
 * @internal
 */
export class TrustNetwork extends Construct {
  public readonly accessLevel: AccessContextManagerAccessLevel;
  private readonly trust: Trust;
  private readonly perimeterName: string;
  private readonly services: string[];
  private readonly policies = new Map<string, AccessContextManagerServicePerimeterIngressPolicy>();

  public constructor(scope: Construct, id: string, trust: Trust, perimeterName: string, services: string[], scopeKey: string) {
    super(scope, id);
    this.trust = trust;
    this.perimeterName = perimeterName;
    this.services = services;
    const policy = PERIMETER.exec(perimeterName)![1];
    const n = trust.network!;
    const conditions: any[] = [];
    if (n.sourceIpCidrs.length) conditions.push({ ipSubnetworks: [...n.sourceIpCidrs] });
    if (n.gcpVpcNetworks.length) conditions.push({ vpcNetworkSources: n.gcpVpcNetworks.map((network) => ({ vpcSubnetwork: { network } })) });
    // Access level names: letters, digits, '_', at most 50 characters, unique in the policy.
    const levelName = `cit_${trust.fingerprint}_${shortHash(scopeKey)}`;
    const G = google();
    this.accessLevel = new G.AccessContextManagerAccessLevel(this, 'AccessLevel', {
      parent: `accessPolicies/${policy}`,
      name: `accessPolicies/${policy}/accessLevels/${levelName}`,
      title: `ci-oidc-trust ${trust.fingerprint} ${shortHash(scopeKey)}`,
      description: truncate(`Networks allowed for: ${trust.description}`, 256),
      basic: { combiningFunction: 'OR', conditions },
    });
    this.accessLevel.addOverride('//', terraformComment([trustEntry(trust)]));
  }

  /** Admit `identity` (a principalSet member or `serviceAccount:EMAIL`) from the access level only. */
  public admit(identity: string): AccessContextManagerServicePerimeterIngressPolicy {
    const existing = this.policies.get(identity);
    if (existing) return existing;
    const G = google();
    const p = new G.AccessContextManagerServicePerimeterIngressPolicy(this, `Ingress-${shortHash(identity)}`, {
      perimeter: this.perimeterName,
      title: `ci-oidc-trust ${this.trust.fingerprint} ${shortHash(identity)}`,
      ingressFrom: { identities: [identity], sources: [{ accessLevel: this.accessLevel.name }] },
      ingressTo: { resources: ['*'], operations: this.services.map((serviceName) => ({ serviceName })) },
      // Ingress policy updates are not atomic (delete, then create): create the new one first.
      lifecycle: { createBeforeDestroy: true },
    });
    p.addOverride('//', terraformComment([trustEntry(this.trust)]));
    this.policies.set(identity, p);
    return p;
  }
}

