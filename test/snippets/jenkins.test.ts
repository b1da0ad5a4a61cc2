/**
 * The Jenkins snippet's own checks, beyond the matrix (test/snippets/cases.ts): the Jenkinsfile
 * reader refuses what Jenkins would not load or what would leak the token, every shell step stops
 * Jenkins' default tracing before it touches the token, and details read back from review metadata
 * (earlier versions, or garbage) still render.
 */
import { jenkinsRuns } from './emulators';
import { snippetFiles } from './files';
import { parseGroovy } from './groovy';
import { compile, Compiled } from './harness';
import { Jenkins } from '../../lib/ci/jenkins';
import { ciSnippet } from '../../lib/emit/snippets';

const JK = 'https://jenkins.acme.com';
const ok = (c: unknown): Compiled => {
  if (!c || typeof (c as Compiled).admits !== 'function') throw c;
  return c as Compiled;
};
const trust = () => Jenkins.job({ jenkinsUrl: JK, job: 'platform/deploy' }).onBranch('main').toTrust();

describe('the Jenkinsfile reader', () => {
  test.each([
    ['an unbalanced brace', 'pipeline {\n  agent any\n'],
    ['a stray closing brace', 'pipeline {\n}\n}'],
    ['an unterminated string', 'pipeline {\n  stage(\'deploy) {\n  }\n}'],
    ['Groovy interpolation of a variable', 'pipeline {\n  steps {\n    sh "az login --federated-token $(cat $OIDC_TOKEN_FILE)"\n  }\n}'],
    ['two statements on a line', 'pipeline { agent any stages { } }'],
  ])('refuses %s', (_name, src) => {
    expect(() => parseGroovy(src)).toThrow(/^groovy: /);
  });

  test('reads the structure the snippet writes', () => {
    const [f] = snippetFiles(ciSnippet(trust().withAudiences(['sts.amazonaws.com']), { cloud: 'aws', principal: 'arn:aws:iam::123456789012:role/x', region: 'eu-central-1' }));
    const [pipeline] = f.groovy!;
    expect(pipeline.name).toBe('pipeline');
    expect(pipeline.body!.map((n) => n.name)).toEqual(['agent', 'stages']);
    const stage = pipeline.body![1].body![0];
    expect(stage.body!.map((n) => n.name)).toEqual(['when', 'environment', 'steps']);
    expect(stage.body![1].body!.map((n) => [n.name, n.assign])).toEqual([
      ['AWS_ROLE_ARN', { kind: 'string', text: 'arn:aws:iam::123456789012:role/x', quote: '\'' }],
      ['AWS_REGION', { kind: 'string', text: 'eu-central-1', quote: '\'' }],
    ]);
  });
});

describe.each(['aws', 'gcp', 'azure'] as const)('%s: every shell step begins with set +x', (cloud) => {
  const compiled = ok(compile(cloud, trust()));

  test('in the snippet', () => {
    const scripts = [...compiled.snippet.matchAll(/sh '''\n([^\n]*)\n/g)].map((m) => m[1].trim());
    expect(scripts.length).toBeGreaterThan(0);
    for (const first of scripts) expect(first).toBe('set +x  # Jenkins runs sh steps with -x; tracing would print the expanded token');
  });

  test('and the emulator refuses a step without it (Jenkins would trace the expanded token)', () => {
    const traced = compiled.snippet.replace(/ *set \+x .*\n/, '');
    expect(() => jenkinsRuns(traced, { jenkinsUrl: JK, branches: ['main'] })).toThrow(/must begin with set \+x/);
  });
});

test('the token file must reach the cloud login, or the emulator refuses the snippet', () => {
  const compiled = ok(compile('azure', trust()));
  expect(() => jenkinsRuns(compiled.snippet.replace('--federated-token "$(cat "$OIDC_TOKEN_FILE")"', '--federated-token "$(cat other)"'), { jenkinsUrl: JK })).toThrow(/reaches no cloud login/);
});

test('details from the review metadata of an earlier version (branch last in jobPath) or garbage still render', () => {
  const target = { cloud: 'aws', principal: 'arn:aws:iam::123456789012:role/x', region: 'eu-central-1' } as const;
  const old = ciSnippet({ provider: 'jenkins', issuer: `${JK}/oidc`, audiences: ['sts.amazonaws.com'], sessionTags: [], _details: { jenkinsUrl: JK, jobPath: ['platform', 'deploy', 'main'] } }, target);
  expect(old).toContain('# Job: platform/deploy/main (its URL is the token\'s sub).');
  const junk = ciSnippet({ provider: 'jenkins', issuer: `${JK}/oidc`, sessionTags: [], _details: { jenkinsUrl: 7, jobPath: 'x', branches: [1] } as any }, target);
  expect(junk).toContain('# Issuer: https://jenkins.acme.com/oidc (not the root\'s <Jenkins URL>/oidc');
  expect(() => snippetFiles(junk)).not.toThrow();
});
