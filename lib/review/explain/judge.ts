/**
 * Every principal under a path judged for one token by the simulators of lib/testing (the
 * independent oracles: explain has no evaluator of its own). This file only picks the simulator
 * for a principal, from the artifacts the review read, and sorts what it says into a verdict: the
 * failures that concern the token's own issuer, "other issuer" when the principal trusts none of
 * the token's, "not simulated" when no simulator reads that input.
 */
import { asTerraformJson, awsTemplateOf, moduleOf } from './terraform';
import { TrustConfigError } from '../../model/errors';
import { AwsTrustSimulator, AzureTrustSimulator, GcpTrustSimulator, SimulationFailure, SimulationResult } from '../../testing';
import { Principal } from '../attribution/types';
import { LoadedPath } from '../commands/load';
import { cmp, formatOf, LoadedFile, TerraformModule, terraformModules, TrustRelationship } from '../scan/extract';

/** Where the request came from (AWS condition keys aws:SourceIp, aws:SourceVpc, aws:SourceVpce). */
export interface ExplainNetwork {
  readonly sourceIp?: string;
  readonly awsVpcId?: string;
  readonly awsVpcEndpointId?: string;
}

export type Verdict = 'allowed' | 'denied' | 'other-issuer' | 'not-simulated';

export interface ExplainedPrincipal {
  readonly id: string;
  readonly cloud: Principal['cloud'];
  readonly label: string;
  readonly verdict: Verdict;
  /** Allowed: the policy elements that admitted it (statement, provider and member, credential). */
  readonly via: string[];
  /** Denied: the checks that failed, for the elements of the token's issuer (closest first). */
  readonly failures: SimulationFailure[];
  /** Other issuer: the issuers the principal trusts. */
  readonly issuers: string[];
  readonly notes: string[];
}

const NETWORK_NOT_JUDGED: Record<'gcp' | 'azure', string> = {
  gcp: 'the network options are not judged for GCP: GCP enforces networks with VPC Service Controls (access levels), which the GCP simulator does not read',
  azure: 'the network options are not judged for Azure: Entra matches federated credentials by issuer, subject and audience only, and the role assignments\' ABAC conditions are not read by the Azure simulator',
};

/** Judge every principal of the review for the token; sorted allowed, denied closest first, other issuer, not simulated. */
export function judgeAll(input: LoadedPath, claims: Record<string, unknown>, network: ExplainNetwork): ExplainedPrincipal[] {
  const files = new Map(input.loaded.map((f) => [f.file, f]));
  const networkGiven = Object.values(network).some((v) => v !== undefined);
  let modules: TerraformModule[] | undefined;
  const terraform = (p: Principal) => moduleOf(modules ??= terraformModules(input.loaded), p.file, p.resource);
  const out = input.model.principals.map((p) => {
    const related = input.trusts.filter((t) => relates(t, p));
    const issuers = [...new Set(related.map((t) => t.issuer).filter((x): x is string => x !== undefined))].sort(cmp);
    const base = { id: p.id, cloud: p.cloud, label: p.label, via: [] as string[], failures: [] as SimulationFailure[], issuers: [] as string[] };
    try {
      const file = files.get(p.file);
      const judged = p.cloud === 'aws' ? judgeAws(p, file, () => terraform(p), claims, network)
        : p.cloud === 'gcp' ? judgeGcp(p, terraform(p), related, claims)
          : judgeAzure(terraform(p), related, claims);
      if (typeof judged === 'string') return { ...base, verdict: 'not-simulated' as const, notes: [judged] };
      const notes = [...judged.notes];
      if (networkGiven && p.cloud !== 'aws') notes.push(NETWORK_NOT_JUDGED[p.cloud]);
      return { ...base, ...judged, issuers: judged.verdict === 'other-issuer' ? issuers : [], notes };
    } catch (e) {
      if (!(e instanceof TrustConfigError)) throw e;
      return { ...base, verdict: 'not-simulated' as const, notes: [`the simulator cannot read it: ${e.message}`] };
    }
  });
  return out.sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || a.failures.length - b.failures.length || cmp(a.id, b.id));
}

const RANK: Record<Verdict, number> = { 'allowed': 0, 'denied': 1, 'other-issuer': 2, 'not-simulated': 3 };

interface Judged {
  readonly verdict: Exclude<Verdict, 'not-simulated'>;
  readonly via: string[];
  readonly failures: SimulationFailure[];
  readonly notes: string[];
}

/** The trust relationships (declared statements, providers, credentials) that lead to a principal. */
function relates(t: TrustRelationship, p: Principal): boolean {
  if (t.file !== p.file || t.cloud !== p.cloud) return false;
  if (p.cloud === 'aws') return t.resource === p.resource;
  if (p.cloud === 'azure') return t.azure?.roleAssignments.some((ra) => ra.resource === p.resource) ?? false;
  return t.gcp?.grants.some((g) => g.resource === p.resource) ?? false;
}

const CLOUDFORMATION = new Set(['cloudformation', 'cloudformation-yaml']);

type InModule = ReturnType<typeof moduleOf>;

function judgeAws(p: Principal, file: LoadedFile | undefined, inModule: () => InModule, claims: Record<string, unknown>, network: ExplainNetwork)
  : Judged | string {
  const notes: string[] = [];
  let sim: AwsTrustSimulator;
  if (file && CLOUDFORMATION.has(formatOf(file) ?? '')) {
    sim = AwsTrustSimulator.fromTemplate(file.json, p.resource);
  } else {
    const m = inModule();
    if (!m) return 'not simulated: the AWS simulator reads CloudFormation templates and Terraform roles; this principal is neither';
    const written = awsTemplateOf(m.module.tf, m.local);
    if (typeof written === 'string') return written;
    sim = AwsTrustSimulator.fromTemplate(written.template, written.logicalId);
    if (Object.values(network).some((v) => v !== undefined)) notes.push(TERRAFORM_SESSION_NOT_JUDGED);
  }
  const r = sim.evaluate({ claims, ...defined(network) });
  // A provider that is not a resource of the template (a literal ARN): its client ID list is unknown.
  if (r.trace.some((l) => l.startsWith('Audience not checked'))) notes.push('the audience is not checked: the OIDC provider is not in the template, so its client ID list is unknown (STS checks it)');
  if (r.allowed) {
    if (Object.values(network).some((v) => v !== undefined)) {
      // The role's session policies may deny calls from this network after the role is assumed.
      const session = sim.evaluateSessionCall(defined(network));
      if (!session.allowed) notes.push(`the role can be assumed, but calls with its session from this network are denied: ${session.reasons.join('; ')}`);
    }
    return { verdict: 'allowed', via: r.matched, failures: [], notes };
  }
  // Statements whose principal is another provider say nothing about this token's conditions.
  const otherPrincipal = new Set(r.failures.filter(isPrincipalFailure).map((f) => f.element));
  const own = r.failures.filter((f) => f.check !== 'Allow' && !(f.element !== undefined && otherPrincipal.has(f.element)));
  if (own.length === 0 && otherPrincipal.size > 0) return { verdict: 'other-issuer', via: [], failures: [], notes: [] };
  return { verdict: 'denied', via: [], failures: own.length ? own : r.failures, notes };
}

/** Explain reads a Terraform role's trust policy only, not the policies attached to it. */
const TERRAFORM_SESSION_NOT_JUDGED = 'the role\'s own policies are not read from Terraform, so a session network policy (deny unless from a network) is not judged: only the trust policy is';

function isPrincipalFailure(f: SimulationFailure): boolean {
  return f.check === 'Principal' || f.check === 'NotPrincipal';
}

const PROVIDERS = 'google_iam_workload_identity_pool_provider';

function judgeGcp(p: Principal, m: InModule, related: TrustRelationship[], claims: Record<string, unknown>): Judged | string {
  const doc = m ? asTerraformJson(m.module.tf) as any : undefined;
  if (!doc?.resource) return 'not simulated: the GCP simulator reads Terraform (JSON, HCL or a plan), and this principal is not in a Terraform module the review read';
  const members = [...new Set(related.flatMap((t) => t.gcp!.grants.filter((g) => g.resource === p.resource).map((g) => g.member)))].sort(cmp);
  const providers = Object.values<any>(doc.resource[PROVIDERS] ?? {}).map((body) => `${poolIdOf(doc, body)}/${body.workload_identity_pool_provider_id}`).sort(cmp);
  if (providers.length === 0) return 'not simulated: no workload identity pool provider in the file';
  const results: SimulationResult[] = [];
  for (const id of providers) {
    const sim = GcpTrustSimulator.fromTerraformJson(doc, id);
    for (const gcpMember of members) results.push(sim.evaluate({ claims, gcpMember }));
  }
  const allowed = results.find((r) => r.allowed);
  if (allowed) return { verdict: 'allowed', via: allowed.matched, failures: [], notes: [] };
  const sameIssuer = results.filter((r) => !r.failures.some((f) => f.check === 'issuer'));
  if (sameIssuer.length === 0) return { verdict: 'other-issuer', via: [], failures: [], notes: [] };
  // The closest provider and member: the fewest failed checks.
  const ranked = [...sameIssuer].sort((a, b) => a.failures.length - b.failures.length);
  const notes = ranked.length > 1 ? [`${ranked.length - 1} other provider and member pair${ranked.length > 2 ? 's' : ''} of the same issuer also deny it (the closest is shown)`] : [];
  return { verdict: 'denied', via: [], failures: ranked[0].failures, notes };
}

function judgeAzure(m: InModule, related: TrustRelationship[], claims: Record<string, unknown>): Judged | string {
  const doc = m ? asTerraformJson(m.module.tf) as any : undefined;
  if (!doc?.resource) return 'not simulated: the Azure simulator reads Terraform (JSON, HCL or a plan), and this principal is not in a Terraform module the review read';
  const identities = [...new Set(related.map((t) => t.azure!.identity))].sort(cmp);
  if (identities.length !== 1) return `not simulated: the role assignment's principal is ${identities.length === 0 ? 'no identity the review links' : `one of ${identities.length} identities`}`;
  if (related.some((t) => t.azure!.kind === 'flexible-fic')) return 'not simulated: a flexible federated identity credential (claims matching expression), which the Azure simulator does not read';
  const sim = AzureTrustSimulator.fromTerraformJson(doc, identities[0]);
  const r = sim.evaluate({ claims });
  const condition = doc.resource.azurerm_role_assignment?.[m!.local.split('.')[1]]?.condition;
  const notes = typeof condition === 'string' ? [`the role assignment's ABAC condition is not judged (the Azure simulator does not read it): ${condition}`] : [];
  if (r.allowed) return { verdict: 'allowed', via: r.matched, failures: [], notes };
  const byCredential = new Map<string, SimulationFailure[]>();
  for (const f of r.failures) byCredential.set(f.element ?? '', [...(byCredential.get(f.element ?? '') ?? []), f]);
  const same = [...byCredential.values()].filter((fs) => !fs.some((f) => f.check === 'iss'));
  if (same.length === 0 && sim.credentials.length > 0) return { verdict: 'other-issuer', via: [], failures: [], notes };
  const ranked = same.sort((a, b) => a.length - b.length);
  notes.unshift('Entra compares issuer, subject and audience exactly: case-sensitive, no wildcards');
  return { verdict: 'denied', via: [], failures: ranked.flat(), notes };
}

/** The fields that are set (the simulators refuse a field they cannot judge, even when undefined is meant). */
function defined(n: ExplainNetwork): ExplainNetwork {
  return Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined));
}

/** The pool id of a provider body: a literal, or a reference to a pool resource of the same JSON. */
function poolIdOf(doc: any, body: any): string {
  const ref = /^\$\{google_iam_workload_identity_pool\.([^.]+)\.workload_identity_pool_id\}$/.exec(String(body?.workload_identity_pool_id ?? ''));
  return ref ? String(doc.resource?.google_iam_workload_identity_pool?.[ref[1]]?.workload_identity_pool_id) : String(body?.workload_identity_pool_id);
}
