/**
 * The AWS examples: offline synth, snapshots plus explicit assertions of what matters, cfn-lint
 * (when installed) and cdk-nag AwsSolutions.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as buildkite from '../../examples/aws-buildkite-tags';
import * as github from '../../examples/aws-github-deploy';
import * as gitlab from '../../examples/aws-gitlab-protected';
import * as vpce from '../../examples/aws-vpc-endpoint';

const EXAMPLES: Array<[string, (app: App) => github.ExampleStack, (outdir?: string) => void]> = [
  ['aws-github-deploy', github.buildGitHubDeploy, github.main],
  ['aws-gitlab-protected', gitlab.buildGitLabProtected, gitlab.main],
  ['aws-buildkite-tags', buildkite.buildBuildkiteTags, buildkite.main],
  ['aws-vpc-endpoint', vpce.buildVpcEndpoint, vpce.main],
];

function synth(build: (app: App) => github.ExampleStack) {
  const app = new App();
  const { stack, role } = build(app);
  const template = Template.fromStack(stack);
  const roleId = stack.getLogicalId(role.node.defaultChild as CfnElement);
  const json = template.toJSON();
  return { app, stack, role, template, json, roleId, trust: json.Resources[roleId].Properties.AssumeRolePolicyDocument };
}

describe.each(EXAMPLES)('%s', (name, build, main) => {
  test('main() synthesizes offline to the given outdir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    main(dir);
    expect(fs.readdirSync(dir).some((f) => f.endsWith('.template.json'))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('template snapshot', () => {
    expect(synth(build).json).toMatchSnapshot();
  });

  test('one provider, exact aud, no ForAllValues/IfExists/negation in the trust', () => {
    const { template, trust } = synth(build);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { ClientIdList: ['sts.amazonaws.com'], ThumbprintList: Match.absent() });
    for (const s of trust.Statement) {
      expect(s.Effect).toBe('Allow');
      expect(s.Principal.Federated).toEqual({ Ref: expect.stringMatching(/^CiOidcProvider/) });
      const ops = Object.keys(s.Condition);
      expect(ops.every((o) => o === 'StringEquals' || o === 'StringLike')).toBe(true);
      const aud = Object.entries<string>(s.Condition.StringEquals).find(([k]) => k.endsWith(':aud'));
      expect(aud?.[1]).toBe('sts.amazonaws.com');
      expect(Object.keys({ ...s.Condition.StringEquals, ...s.Condition.StringLike }).some((k) => k.endsWith(':sub'))).toBe(true);
    }
    expect(JSON.stringify(trust).length).toBeLessThan(2048);
  });

  test('review metadata on the role', () => {
    const { json, roleId } = synth(build);
    const text = json.Resources[roleId].Metadata['ci-oidc-trust'];
    expect(typeof text).toBe('string'); // compact JSON text (lib/review/metadata.ts)
    const md = JSON.parse(text);
    expect(md.version).toBe(1);
    expect(md.trusts[0].id).toMatch(/^[0-9a-f]{8}$/);
  });

  test('cdk-nag AwsSolutions: no errors (suppressions are in the example, with reasons)', () => {
    const app = new App();
    const { stack } = build(app);
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => `${e.id}: ${e.entry.data}`)).toEqual([]);
  });
});

describe('explicit properties', () => {
  test('github deploy: either subject form (the default with ids) for environment production, repository_id and ref pinned; grants work', () => {
    const { template, trust } = synth(github.buildGitHubDeploy);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:ref': 'refs/heads/main',
        // Both forms in one statement, each held to the repository id (docs/subject-format.md).
        'token.actions.githubusercontent.com:repository_id': '89012345',
        'token.actions.githubusercontent.com:sub': ['repo:acme/web:environment:production', 'repo:acme@1234567/web@89012345:environment:production'],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:PutObject']), Effect: 'Allow' })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^DeployRole') }],
    });
  });

  test('gitlab protected: gitlab.com keys project_id and ref_protected, exact sub', () => {
    const { trust } = synth(gitlab.buildGitLabProtected);
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: {
        'gitlab.com:aud': 'sts.amazonaws.com',
        'gitlab.com:project_id': '42424242',
        'gitlab.com:ref_protected': 'true',
        'gitlab.com:sub': 'project_path:acme-group/platform/infra:ref_type:branch:ref:main',
      },
    });
  });

  test('buildkite tags: sts:TagSession, aws:RequestTag pins, sub pattern anchored after the pipeline', () => {
    const { trust } = synth(buildkite.buildBuildkiteTags);
    const s = trust.Statement[0];
    expect(s.Action).toEqual(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
    expect(s.Condition.StringEquals['aws:RequestTag/organization_id']).toBe('0191f956-042f-7ec4-aa62-8e5eeae396d0');
    expect(s.Condition.StringEquals['aws:RequestTag/pipeline_id']).toBe('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    expect(s.Condition.StringLike['agent.buildkite.com:sub']).toBe('organization:acme-inc:pipeline:deploy:ref:refs/heads/main:commit:*:step:*');
  });

  test('vpc endpoint: aws:SourceVpce in the trust, session deny outside the endpoint', () => {
    const { json, trust, template } = synth(vpce.buildVpcEndpoint);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Condition.StringEquals['aws:SourceVpce']).toBe('vpce-0a1b2c3d4e5f60718');
    expect(trust.Statement[0].Condition.IpAddress).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { BoolIfExists: { 'aws:ViaAWSService': 'false' }, StringNotEqualsIfExists: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718' } },
        }],
      },
    });
    expect(Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------
const cfnLint = spawnSync('sh', ['-c', 'command -v cfn-lint'], { encoding: 'utf8' }).stdout.trim();
if (!cfnLint) {
  // eslint-disable-next-line no-console
  console.warn('cfn-lint is not on PATH: the cfn-lint checks of the AWS examples are SKIPPED (pip install cfn-lint to run them).');
}
(cfnLint ? describe : describe.skip)('cfn-lint', () => {
  test('every example template passes cfn-lint (exit 0)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
    const files = EXAMPLES.map(([name, build]) => {
      const f = path.join(dir, `${name}.template.json`);
      fs.writeFileSync(f, JSON.stringify(synth(build).json, null, 1));
      return f;
    });
    // One process for all templates (each start costs ~2 s). Throws with the findings on a non-zero exit.
    const out = execFileSync(cfnLint, ['--', ...files], { encoding: 'utf8' });
    expect(out.trim()).toBe('');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
