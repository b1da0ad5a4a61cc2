/**
 * The packed tarball as users install it. aws-cdk-lib and cdktf are both optional peers:
 * - requiring the package root loads neither (the compiled root loads the AWS side on first use);
 * - a CDK-only user installs it with aws-cdk-lib and constructs: no cdktf package lands on disk and
 *   the AWS constructs synthesize;
 * - a CDKTF-only user installs it with cdktf, constructs and the two providers: no aws-cdk-lib lands
 *   on disk, nothing loads it, and the GCP and Azure constructs synthesize.
 * Needs the compiled library (`npm test` compiles first).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const compiled = fs.existsSync(path.join(root, 'lib', 'index.js')) && fs.existsSync(path.join(root, '.jsii'));
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const version = (name: string) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

/** A consumer project in a temporary directory with the tarball and `deps` installed. */
function consumer(tarball: string, deps: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-oidc-trust-consumer-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...deps.map((d) => `${d}@${version(d)}`)], dir);
  return dir;
}

// Prepended to the scripts run in child processes: which optional peers are loaded, by request and
// by file (require.cache), so a test sees what `require('ci-oidc-trust')` pulls in.
const PEERS = `
  const Module = require('module');
  const requested = [];
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (/^(aws-cdk-lib|cdktf|@cdktf\\/)/.test(request)) requested.push(request);
    return load.call(this, request, ...rest);
  };
  const cached = () => [...new Set(Object.keys(require.cache)
    .map((f) => /[\\\\/]node_modules[\\\\/]((?:@cdktf[\\\\/])?[^\\\\/]+)(?:[\\\\/](assertions)[\\\\/])?/.exec(f))
    .filter(Boolean).map((m) => (m[1] + (m[2] ? '/' + m[2] : '')).replace(/\\\\/g, '/'))
    .filter((p) => /^(aws-cdk-lib|cdktf|@cdktf\\/)/.test(p)))].sort();
`;

(compiled ? describe : describe.skip)('packaging', () => {
  let packDir: string;
  let tarball: string;
  beforeAll(() => {
    packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-oidc-trust-pack-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir], root));
    tarball = path.join(packDir, packed[0].filename);
  }, 120_000);
  afterAll(() => fs.rmSync(packDir, { recursive: true, force: true }));

  test('the tarball ships compiled code only, and declares aws-cdk-lib and cdktf optional', () => {
    const files = run('tar', ['-tzf', tarball], packDir).split('\n');
    expect(files.some((f) => f.endsWith('lib/index.js'))).toBe(true);
    expect(files.some((f) => f.endsWith('lib/index.d.ts'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /^package\/\.pacmak\//.test(f))).toEqual([]);
    const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], packDir));
    for (const peer of ['aws-cdk-lib', 'cdktf', '@cdktf/provider-google', '@cdktf/provider-azurerm']) {
      expect(manifest.peerDependenciesMeta[peer]).toEqual({ optional: true });
    }
    expect(manifest.peerDependenciesMeta.constructs).toBeUndefined();
  });

  test('each compiled file has its source map beside it, not inlined (node reads every byte of a module)', () => {
    const files = new Set(run('tar', ['-tzf', tarball], packDir).split('\n'));
    const js = [...files].filter((f) => /^package\/lib\/.*\.js$/.test(f));
    expect(js.length).toBeGreaterThan(100);
    expect(js.filter((f) => !files.has(`${f}.map`))).toEqual([]);
    for (const f of ['package/lib/index.js', 'package/lib/aws/role.js', 'package/lib/ci/github/builder.js']) {
      const text = run('tar', ['-xzOf', tarball, f], packDir);
      expect(text).not.toContain('sourceMappingURL=data:');
      expect(text.trimEnd().endsWith(`//# sourceMappingURL=${path.basename(f)}.map`)).toBe(true);
    }
    // The maps carry the TypeScript sources, so stack traces under --enable-source-maps read them.
    const map = JSON.parse(run('tar', ['-xzOf', tarball, 'package/lib/aws/role.js.map'], packDir));
    expect(map.sources).toEqual(['role.ts']);
    expect(map.sourcesContent[0]).toContain('export class CiOidcRole');
  });

  test('requiring the root loads no aws-cdk-lib (nor its assertions) and no cdktf; AWS exports load on first use', () => {
    const script = `${PEERS}
      const lib = require(${JSON.stringify(path.join(root, 'lib', 'index.js'))});
      const atRoot = { requested: [...requested], cached: cached() };
      const names = Object.keys(lib);
      lib.GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch('main').toTrust();
      const afterModel = cached();
      const role = typeof lib.CiOidcRole;
      const afterRole = cached();
      const expectation = typeof lib.testing.TokenExpectation;
      console.log(JSON.stringify({ atRoot, names, afterModel, role, afterRole, expectation, afterExpectation: cached() }));
    `;
    const out = JSON.parse(run('node', ['-e', script], root));
    expect(out.atRoot).toEqual({ requested: [], cached: [] });
    expect(out.afterModel).toEqual([]);
    // The lazy exports are there (enumerable, as the d.ts says) and load aws-cdk-lib when used.
    expect(out.names).toEqual(expect.arrayContaining(['CiOidcRole', 'CiOidcProvider', 'CiOidcPrincipal', 'testing', 'TrustReport', 'GcpWorkloadIdentityPool']));
    expect(out.role).toBe('function');
    expect(out.afterRole).toContain('aws-cdk-lib');
    expect(out.afterRole).not.toContain('aws-cdk-lib/assertions');
    expect(out.expectation).toBe('function');
    // The test kit synthesizes stacks itself: it never needs aws-cdk-lib/assertions.
    expect(out.afterExpectation).not.toContain('aws-cdk-lib/assertions');
    expect(out.afterExpectation.filter((p: string) => /cdktf/.test(p))).toEqual([]);
  });

  describe('CDK-only consumer', () => {
    let dir: string;
    beforeAll(() => {
      dir = consumer(tarball, ['aws-cdk-lib', 'constructs']);
    }, 300_000);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('no cdktf package is installed', () => {
      expect(fs.existsSync(path.join(dir, 'node_modules', 'cdktf'))).toBe(false);
      expect(fs.existsSync(path.join(dir, 'node_modules', '@cdktf'))).toBe(false);
    });

    test('the root import loads no cdktf code and the AWS constructs synthesize', () => {
      const script = `
        const lib = require('ci-oidc-trust');
        const loaded = Object.keys(require.cache).filter((f) => /[\\\\/](cdktf|@cdktf)[\\\\/]/.test(f));
        const { App, Stack } = require('aws-cdk-lib');
        const app = new App();
        const stack = new Stack(app, 'Consumer');
        const trust = lib.GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch('main').toTrust();
        new lib.CiOidcRole(stack, 'Deploy', { trusts: [trust] });
        const template = app.synth().getStackByName('Consumer').template;
        const role = Object.values(template.Resources).find((r) => r.Type === 'AWS::IAM::Role');
        const errors = [];
        for (const make of [
          () => new lib.GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '1', poolId: 'ci-pool' }),
          () => new lib.FederatedManagedIdentity(stack, 'Id', { name: 'deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [] }),
        ]) {
          try { make(); errors.push('no error'); } catch (e) { errors.push(e.message); }
        }
        console.log(JSON.stringify({ loaded, errors, statement: role.Properties.AssumeRolePolicyDocument.Statement[0] }));
      `;
      const out = JSON.parse(run('node', ['-e', script], dir));
      expect(out.loaded).toEqual([]);
      // The CDKTF constructs say what to install instead of failing on a missing module.
      expect(out.errors).toEqual([expect.stringMatching(/install cdktf and @cdktf\/provider-google/), expect.stringMatching(/install cdktf and @cdktf\/provider-azurerm/)]);
      // The default with ids: either subject form, both held to the repository id.
      expect(out.statement.Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual(['repo:acme/web:ref:refs/heads/main', 'repo:acme@1/web@2:ref:refs/heads/main']);
      expect(out.statement.Condition.StringEquals['token.actions.githubusercontent.com:repository_id']).toBe('2');
    });
  });

  describe('CDKTF-only consumer', () => {
    let dir: string;
    beforeAll(() => {
      dir = consumer(tarball, ['cdktf', 'constructs', '@cdktf/provider-google', '@cdktf/provider-azurerm']);
    }, 300_000);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('no aws-cdk-lib is installed', () => {
      expect(fs.existsSync(path.join(dir, 'node_modules', 'aws-cdk-lib'))).toBe(false);
      expect(fs.existsSync(path.join(dir, 'node_modules', 'cdktf'))).toBe(true);
    });

    test('the GCP pool and the Azure identity synthesize and review without aws-cdk-lib; the AWS constructs say what to install', () => {
      const script = `${PEERS}
        const lib = require('ci-oidc-trust');
        const atRoot = cached();
        const { Testing, TerraformStack } = require('cdktf');
        // Azure matches the subject only: the form is chosen (docs/subject-format.md).
        const trust = lib.GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456', subjectFormat: lib.GitHubSubjectFormat.IMMUTABLE }).inEnvironment('production').toTrust();

        const gcp = new TerraformStack(Testing.app(), 'gcp');
        const pool = new lib.GcpWorkloadIdentityPool(gcp, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-deploy' });
        pool.addProvider('GitHub', { providerId: 'github', trusts: [trust] }).grantServiceAccountImpersonation('deploy@acme-prod.iam.gserviceaccount.com');
        const gcpJson = JSON.parse(Testing.synth(gcp));

        const azure = new TerraformStack(Testing.app(), 'azure');
        new lib.FederatedManagedIdentity(azure, 'Deployer', { name: 'id-web-deployer', resourceGroupName: 'rg-ci', location: 'westeurope', trusts: [trust] });
        const azureJson = JSON.parse(Testing.synth(azure));
        require('fs').writeFileSync('azure.tf.json', JSON.stringify(azureJson));

        const reviews = [gcpJson, azureJson].map((t) => lib.TrustReport.fromTemplate(t).summary);
        let aws;
        try { aws = String(lib.CiOidcRole); } catch (e) { aws = e.message; }
        console.log(JSON.stringify({ atRoot, atEnd: cached(), gcp: gcpJson.resource, azure: azureJson.resource, reviews, aws }));
      `;
      const out = JSON.parse(run('node', ['-e', script], dir));
      expect(out.atRoot).toEqual([]);
      expect(out.atEnd.filter((p: string) => p.startsWith('aws-cdk-lib'))).toEqual([]);
      expect(out.atEnd).toEqual(expect.arrayContaining(['cdktf', '@cdktf/provider-google', '@cdktf/provider-azurerm']));

      const [provider] = Object.values(out.gcp.google_iam_workload_identity_pool_provider) as any[];
      expect(Object.keys(out.gcp.google_iam_workload_identity_pool)).toHaveLength(1);
      expect(provider.oidc.issuer_uri).toBe('https://token.actions.githubusercontent.com');
      expect(provider.attribute_condition).toContain('1234567');
      expect(provider.attribute_condition).toContain('production');
      expect(Object.keys(out.gcp.google_service_account_iam_member)).toHaveLength(1);

      expect(Object.keys(out.azure.azurerm_user_assigned_identity)).toHaveLength(1);
      const credentials = Object.values(out.azure.azurerm_federated_identity_credential) as any[];
      expect(credentials.length).toBeGreaterThan(0);
      for (const c of credentials) {
        expect(c.issuer).toBe('https://token.actions.githubusercontent.com');
        expect(c.subject).toMatch(/environment:production$/);
      }

      expect(out.reviews).toEqual([
        expect.objectContaining({ trusts: 1, errors: 0 }),
        expect.objectContaining({ trusts: credentials.length, errors: 0 }),
      ]);
      expect(out.aws).toMatch(/^ci-oidc-trust: install aws-cdk-lib to use CiOidcRole \(npm install aws-cdk-lib@\^2\.\d+\.\d+ constructs\)/);

      // The review CLI as installed (bin link), on what was synthesized.
      const review = JSON.parse(run(path.join(dir, 'node_modules', '.bin', 'ci-oidc-trust'), ['review', 'azure.tf.json', '--format', 'json'], dir));
      expect(review.summary).toEqual(expect.objectContaining({ trusts: credentials.length, errors: 0 }));
    });
  });
});
