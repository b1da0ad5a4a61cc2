/**
 * A CDK-only user installs the packed tarball with aws-cdk-lib and constructs, and no cdktf package
 * lands on disk (the cdktf peers are optional); importing the package root loads no cdktf code, and
 * the AWS constructs synthesize. Needs the compiled library (`npm test` compiles first).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const compiled = fs.existsSync(path.join(root, 'lib', 'index.js')) && fs.existsSync(path.join(root, '.jsii'));
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

(compiled ? describe : describe.skip)('packaging (CDK-only consumer)', () => {
  let dir: string;
  let tarball: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-oidc-trust-consumer-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root));
    tarball = path.join(dir, packed[0].filename);
    const version = (name: string) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `aws-cdk-lib@${version('aws-cdk-lib')}`, `constructs@${version('constructs')}`], dir);
  }, 300_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the tarball ships compiled code only', () => {
    const files = run('tar', ['-tzf', tarball], dir).split('\n');
    expect(files.some((f) => f.endsWith('lib/index.js'))).toBe(true);
    expect(files.some((f) => f.endsWith('lib/index.d.ts'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

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
    expect(out.statement.Condition.StringEquals['token.actions.githubusercontent.com:sub']).toBe('repo:acme@1/web@2:ref:refs/heads/main');
  });
});
