/**
 * Compile one trust to one cloud through the constructs, and get both the snippet the construct
 * gives and a simulator of what was synthesized (lib/testing). A refusal is returned, not thrown:
 * the matrix records why a provider × cloud has no snippet.
 */
import { App, Stack } from 'aws-cdk-lib';
import { TerraformStack, Testing } from 'cdktf';
import { CiOidcRole } from '../../lib/aws/role';
import { AzureCloud, FederatedManagedIdentity } from '../../lib/azure';
import { ciSnippet } from '../../lib/emit/snippets';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { TrustConfigError } from '../../lib/model/errors';
import { Trust } from '../../lib/model/trust';
import { AwsTrustSimulator, AzureTrustSimulator, GcpTrustSimulator } from '../../lib/testing';

export type Cloud = 'aws' | 'gcp' | 'azure';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/ci-deploy';
export const REGION = 'eu-central-1';
export const SERVICE_ACCOUNT = 'deployer@my-project.iam.gserviceaccount.com';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SUBSCRIPTION = '3e2c4a77-1b5d-4f0e-9c2a-8f6d5e4c3b2a';

export interface Compiled {
  readonly snippet: string;
  /** What the snippet must name: the principal, region, service account, tenant, …. */
  readonly expect: { readonly principal: string; readonly texts: string[] };
  /** Whether the synthesized trust admits a token (GCP: the provider and the trust's principal set). */
  admits(claims: Record<string, unknown>): { allowed: boolean; reasons: string[] };
}

export interface CompileOptions {
  /** GCP: no impersonation grant (direct resource access). */
  readonly direct?: boolean;
  readonly azureCloud?: AzureCloud;
}

let n = 0;

export function compile(cloud: Cloud, trust: Trust, options: CompileOptions = {}): Compiled | TrustConfigError {
  try {
    return cloud === 'aws' ? aws(trust) : cloud === 'gcp' ? gcp(trust, options) : azure(trust, options);
  } catch (e) {
    if (e instanceof TrustConfigError) return e;
    throw e;
  }
}

function aws(trust: Trust): Compiled {
  const stack = new Stack(new App(), `S${n++}`, { env: { account: '123456789012', region: REGION } });
  const role = new CiOidcRole(stack, 'Deploy', { trusts: [trust] });
  const sim = AwsTrustSimulator.fromRole(role);
  // The construct's own target (region of the stack), with the ARN the role will have.
  const snippet = ciSnippet(role.trusts[0], { cloud: 'aws', principal: ROLE_ARN, region: Stack.of(role).region });
  return { snippet, admits: (claims) => sim.evaluate({ claims }), expect: { principal: ROLE_ARN, texts: [REGION] } };
}

function gcp(trust: Trust, options: CompileOptions): Compiled {
  const stack = new TerraformStack(Testing.app(), `g${n++}`);
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789012', poolId: 'ci-pool' });
  const provider = pool.addProvider('P', { providerId: 'ci-deploy', trusts: [trust] });
  if (!options.direct) provider.grantServiceAccountImpersonation(SERVICE_ACCOUNT, trust);
  const sim = GcpTrustSimulator.fromTerraformJson(Testing.synth(stack), undefined, { projectNumber: '123456789012' });
  const member = provider.principalSetMember(trust);
  return {
    snippet: provider.ciSnippet(trust),
    admits: (claims) => sim.evaluate({ claims, gcpMember: member }),
    expect: { principal: provider.providerName, texts: options.direct ? [] : [SERVICE_ACCOUNT] },
  };
}

function azure(trust: Trust, options: CompileOptions): Compiled {
  const stack = new TerraformStack(Testing.app(), `a${n++}`);
  const identity = new FederatedManagedIdentity(stack, 'Id', { name: 'ci-deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [trust], cloud: options.azureCloud });
  const sim = AzureTrustSimulator.fromTerraformJson(Testing.synth(stack));
  const texts = [TENANT, SUBSCRIPTION];
  if (options.azureCloud === AzureCloud.US_GOVERNMENT) texts.push('AzureUSGovernment|usgovernment|login.microsoftonline.us');
  if (options.azureCloud === AzureCloud.CHINA) texts.push('AzureChinaCloud|china|login.chinacloudapi.cn');
  return {
    snippet: identity.ciSnippet(trust, TENANT, SUBSCRIPTION),
    admits: (claims) => sim.evaluate({ claims }),
    expect: { principal: identity.clientId, texts },
  };
}
