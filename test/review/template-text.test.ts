/**
 * Branch names that are template or variable syntax in some artifact (`${x}` and `%{y}` in
 * Terraform, `${x}` and `${*}` in IAM) reach each cloud as text, escaped where the artifact would
 * evaluate them, and the review must read them back as text: no not-analysable note, no finding
 * the model did not make, every principal used with certainty, and the condition shown holding the
 * branch. Property-based over the hazard alphabet of test/support/tokens.ts; a name the builder
 * refuses (git's ref rules) is skipped, counted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cdktf from 'cdktf';
import fc from 'fast-check';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { TrustConfigError } from '../../lib/model/errors';
import { Trust } from '../../lib/model/trust';
import { TrustReport } from '../../lib/review';
import { HAZARDS } from '../support/tokens';

const github = (branch: string, subjectFormat?: GitHubSubjectFormat) => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456', ...(subjectFormat ? { subjectFormat } : {}) }).onBranch(branch).toTrust();
const gitlab = (branch: string) => GitLabCi.project({ projectPath: 'platform/infra', projectId: '4242' }).onBranch(branch).toTrust();

/** An AWS role and a GCP provider per CI provider, an Azure identity for GitHub; written to `dir`. */
function synthAll(dir: string, branch: string): Trust[] {
  const app = new App({ outdir: path.join(dir, 'cdk.out') });
  const stack = new Stack(app, 'S');
  const roles = [new CiOidcRole(stack, 'GitHub', { trusts: [github(branch)] }), new CiOidcRole(stack, 'GitLab', { trusts: [gitlab(branch)] })];
  app.synth();
  const tf = new cdktf.TerraformStack(cdktf.Testing.app(), 's');
  const pool = new GcpWorkloadIdentityPool(tf, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' });
  const providers = [pool.addProvider('GitHub', { providerId: 'github', trusts: [github(branch)] }), pool.addProvider('GitLab', { providerId: 'gitlab', trusts: [gitlab(branch)] })];
  for (const p of providers) p.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com');
  const identity = new FederatedManagedIdentity(tf, 'Identity', { name: 'deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [github(branch, GitHubSubjectFormat.IMMUTABLE)] });
  identity.grant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg', 'Reader');
  fs.mkdirSync(path.join(dir, 'tf'));
  fs.writeFileSync(path.join(dir, 'tf', 'cdk.tf.json'), JSON.stringify(tf.toTerraform()));
  return [...roles.flatMap((r) => r.trusts), ...providers.flatMap((p) => p.trusts), ...identity.trusts];
}

/** The hazards a branch name may hold (git refuses `:`, `*`, spaces…), and the template tokens. */
const accepted = (h: string) => {
  try {
    github(`a${h}b`);
    return true;
  } catch (e) {
    if (e instanceof TrustConfigError) return false;
    throw e;
  }
};
const ALPHABET = [...HAZARDS.filter(accepted), '${x}', '%{y}', '$${z}', '${*}', '${$}', 'feat/'];
const branchName = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 5 }).map((a) => a.join(''));

test('branches of template and variable syntax: the review reads every artifact as the model wrote it', () => {
  let built = 0;
  let refused = 0;
  fc.assert(fc.property(branchName, (branch) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-template-text-'));
    try {
      let trusts: Trust[];
      try {
        trusts = synthAll(dir, branch);
      } catch (e) {
        if (!(e instanceof TrustConfigError)) throw e;
        refused++;
        return;
      }
      built++;
      const report = JSON.parse(TrustReport.fromPath(dir).toJson());
      const declared = trusts.flatMap((t) => t.findings.map((f) => expect.objectContaining({ id: f.ruleId })));
      expect({ branch, findings: report.findings }).toEqual({ branch, findings: declared });
      expect(report.trusts).toHaveLength(5);
      for (const t of report.trusts) expect({ branch, unit: t.id, notes: t.notes }).toEqual({ branch, unit: t.id, notes: [] });
      const certainties = report.principals.map((p: any) => p.usedBy.map((u: any) => u.certainty));
      expect({ branch, certainties }).toEqual({ branch, certainties: report.principals.map(() => ['admitted']) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }), { numRuns: 50, seed: 20261202 });
  process.stdout.write(`template-text branches: ${built} built and reviewed, ${refused} refused by the builder\n`);
  expect(built).toBeGreaterThan(30);
}, 120_000);

test('the shown condition holds the branch as text in every cloud', () => {
  const branch = 'feat/${x}%{y}$${z}';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-template-text-'));
  try {
    synthAll(dir, branch);
    const report = JSON.parse(TrustReport.fromPath(dir).toJson());
    const shown = (cloud: string) => report.trusts.filter((t: any) => t.cloud === cloud).map((t: any) => JSON.stringify(t.conditions));
    // IAM writes a literal `$` as `${$}`; Terraform reads `$${` as `${`: the review shows each artifact's value.
    for (const c of shown('aws')) expect(c).toContain('feat/${$}{x}%{y}${$}${$}{z}');
    for (const c of [...shown('gcp'), ...shown('azure')]) expect(c).toContain(JSON.stringify(branch).slice(1, -1));
    for (const t of report.trusts) expect(t.identity).toContain(`on branch ${branch}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
