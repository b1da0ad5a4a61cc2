/**
 * Model warnings and accepted widenings where users look: CDK warnings with the rule id (in the
 * synthesized assembly, acknowledgeable), and CDKTF warnings on the constructs (in the stack's
 * manifest, without stack traces so the output stays the same on every machine).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations as CdkAnnotations, App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cdktf from 'cdktf';
import { CiOidcPrincipal } from '../../lib/aws/principal';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { Widening } from '../../lib/model/rules';

const web = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE });

describe('CDK', () => {
  test('each warning of each trust is a warning on the role, with its rule id, in the synthesized assembly', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    new CiOidcRole(stack, 'Deploy', { trusts: [web().onPullRequest().toTrust(), web().onBranch('main').toTrust(), web().onAnyRef().accept(Widening.ANY_REF).toTrust()] });
    const warnings = Annotations.fromStack(stack).findWarning('/S/Deploy', Match.anyValue()).map((w) => String(w.entry.data));
    expect(warnings).toEqual([
      expect.stringMatching(/^CIT-M013: pull-request runs are trusted.* \(trust: GitHub Actions jobs of acme\/web .* in pull requests\) \[ack: CIT-M013\]$/),
      expect.stringMatching(/^CIT-M014: deploys from refs\/heads\/main without a GitHub environment.*\[ack: CIT-M014\]$/),
      expect.stringMatching(/^CIT-M011: widened \(ANY_REF\).*\[ack: CIT-M011\]$/),
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(app.synth().directory, 'manifest.json'), 'utf8'));
    const entries = Object.values<any>(manifest.artifacts.S.metadata).flat().filter((m: any) => m.type === 'aws:cdk:warning');
    expect(entries.map((m: any) => /\[ack: (CIT-M\d+)\]$/.exec(m.data)?.[1])).toEqual(['CIT-M013', 'CIT-M014', 'CIT-M011']);
  });

  test('a warning can be acknowledged by its rule id; a trust without warnings adds none', () => {
    const stack = new Stack(new App(), 'S');
    new CiOidcRole(stack, 'Pulls', { trusts: [web().onPullRequest().toTrust()] });
    new CiOidcRole(stack, 'Deploy', { trusts: [web().inEnvironment('production').toTrust()] });
    CdkAnnotations.of(stack).acknowledgeWarning('CIT-M013', 'read-only role for pull requests');
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('CiOidcPrincipal.fromTrusts warns on its scope', () => {
    const stack = new Stack(new App(), 'S');
    CiOidcPrincipal.fromTrusts(stack, [web().onPullRequest().toTrust()]);
    expect(Annotations.fromStack(stack).findWarning('/S', Match.stringLikeRegexp('^CIT-M013: '))).toHaveLength(1);
  });
});

describe('CDKTF', () => {
  test('the GCP provider and the Azure identity carry their trusts\' warnings into the stack manifest', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-annotations-'));
    const app = new cdktf.App({ outdir, skipValidation: true });
    const stack = new cdktf.TerraformStack(app, 'ci');
    new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'acme-prod', projectNumber: '1', poolId: 'ci-pool' })
      .addProvider('GitLab', { providerId: 'gitlab', trusts: [GitLabCi.project({ projectPath: 'platform/infra', projectId: '4242' }).onProtectedBranch('main').toTrust()] });
    new FederatedManagedIdentity(stack, 'Id', { name: 'deployer', resourceGroupName: 'rg', location: 'westeurope', trusts: [web().onPullRequest().toTrust(), web().inEnvironment('production').toTrust()] });
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const annotations = manifest.stacks.ci.annotations;
    expect(annotations.map((a: any) => [a.constructPath, a.level, /^(CIT-M\d+): /.exec(a.message)?.[1]])).toEqual([
      ['ci/Pool/GitLab', '@cdktf/warn', 'CIT-M014'],
      ['ci/Id', '@cdktf/warn', 'CIT-M013'],
    ]);
    expect(annotations.every((a: any) => a.stacktrace === undefined)).toBe(true);
    expect(annotations[1].message).toContain('(trust: GitHub Actions jobs of acme/web (owner id 1, repository id 2; immutable subject) in pull requests)');
  });
});
