/**
 * The layering, checked on the sources: a CI provider is a plugin (lib/ci/<provider>, one registry
 * line), the clouds never name one, and nothing below the review imports the review or the test
 * helpers. Plus: every registry spec is complete, and every builder's trust has its spec.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import {
  AzureDevOps, BitbucketPipelines, Buildkite, BuildkiteSubject, CircleCi, GenericOidc,
  GitHubActions, GitHubIssuer, GitLabCi, HcpTerraform, Jenkins, Trust, Widening,
} from '../lib';
import { compileAwsTrust } from '../lib/aws/compile';
import { compileTrust, AzureCloud } from '../lib/azure/compile';
import { ANALYSERS, analyserFor, isSharedIssuer as isScannerSharedIssuer, providerForIssuer, UNKNOWN_PROVIDER } from '../lib/ci/analysers';
import { findProviderSpec, providerSpec, providerSpecs, sharedIssuer, specForIssuer } from '../lib/ci/registry';
import { ciSnippet } from '../lib/emit/snippets';
import { subjectExpression } from '../lib/gcp/mapping';
import { Condition } from '../lib/model/condition';

const LIB = path.resolve(__dirname, '../lib');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(full);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

/** String literals (quotes and template heads) and the module specifiers a file imports. */
function scan(file: string): { literals: string[]; imports: string[] } {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const literals: string[] = [];
  const imports: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      imports.push(n.moduleSpecifier.text);
      return;
    }
    // Dynamic imports and require() (the lazy CDKTF provider loads) count too.
    const dynamic = ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'));
    if (dynamic && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) imports.push(n.arguments[0].text);
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) literals.push(n.text);
    if (ts.isTemplateExpression(n)) literals.push(n.head.text, ...n.templateSpans.map((s) => s.literal.text));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { literals, imports };
}

/** The lib/ directory a relative import lands in (`ci`, `review`, …), or undefined for a package. */
function layerOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const rel = path.relative(LIB, path.resolve(path.dirname(file), specifier));
  return rel.split(path.sep)[0];
}

const CLOUDS = ['aws', 'gcp', 'azure'];

describe('layering', () => {
  const ids = providerSpecs().map((s) => s.id);

  test.each(CLOUDS)('lib/%s names no CI provider id', (cloud) => {
    const files = sources(path.join(LIB, cloud));
    expect(files.length).toBeGreaterThan(0);
    const found = files.flatMap((f) => scan(f).literals.filter((l) => ids.includes(l)).map((l) => `${path.relative(LIB, f)}: ${JSON.stringify(l)}`));
    expect(found).toEqual([]);
  });

  test.each(['aws', 'gcp', 'azure', 'model', 'ci', 'emit'])('lib/%s imports neither lib/review nor lib/testing', (layer) => {
    const bad = sources(path.join(LIB, layer)).flatMap((f) => scan(f).imports
      .filter((i) => ['review', 'testing'].includes(layerOf(f, i) ?? ''))
      .map((i) => `${path.relative(LIB, f)} imports ${i}`));
    expect(bad).toEqual([]);
  });

  test('lib/model imports nothing else from lib; lib/ci only the model; lib/emit only the model and lib/ci', () => {
    const allowed: Record<string, string[]> = { model: ['model'], ci: ['model', 'ci'], emit: ['model', 'ci', 'emit'] };
    const bad = Object.entries(allowed).flatMap(([layer, ok]) => sources(path.join(LIB, layer)).flatMap((f) => scan(f).imports
      .filter((i) => { const l = layerOf(f, i); return l !== undefined && !ok.includes(l); })
      .map((i) => `${path.relative(LIB, f)} imports ${i}`)));
    expect(bad).toEqual([]);
  });

  test('the clouds reach lib/ci through the registry only', () => {
    const bad = CLOUDS.flatMap((c) => sources(path.join(LIB, c)).flatMap((f) => scan(f).imports
      .filter((i) => layerOf(f, i) === 'ci' && path.resolve(path.dirname(f), i) !== path.join(LIB, 'ci', 'registry'))
      .map((i) => `${path.relative(LIB, f)} imports ${i}`)));
    expect(bad).toEqual([]);
  });

  test('every exported class in lib/ci has no public constructor (builders come from their static factories)', () => {
    const open: string[] = [];
    for (const f of sources(path.join(LIB, 'ci'))) {
      const sf = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true);
      for (const s of sf.statements) {
        if (!ts.isClassDeclaration(s) || !s.name || !s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
        const ctor = s.members.find(ts.isConstructorDeclaration);
        if (!ctor?.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) open.push(`${path.relative(LIB, f)}: ${s.name.text}`);
      }
    }
    expect(open).toEqual([]);
  });
});

const ISSUERS = [
  'https://token.actions.githubusercontent.com', 'https://token.actions.githubusercontent.com/acme', 'https://token.actions.acme.ghe.com',
  'https://github.acme.example/_services/token', 'https://gitlab.com', 'https://gitlab.acme.example', 'https://agent.buildkite.com',
  'https://oidc.circleci.com', 'https://oidc.circleci.com/org/0191f956-042f-7ec4-aa62-8e5eeae396d0',
  'https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc', 'https://vstoken.dev.azure.com/5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1',
  'https://app.vstoken.visualstudio.com/5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', 'https://login.microsoftonline.com/5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1/v2.0',
  'https://app.terraform.io', 'https://app.eu.terraform.io', 'https://tfe.acme.example', 'https://ci.acme.example',
];

describe('registry', () => {
  test('ids are unique and every spec has every field filled', () => {
    expect(new Set(providerSpecs().map((s) => s.id)).size).toBe(providerSpecs().length);
    for (const s of providerSpecs()) {
      for (const k of ['id', 'displayName', 'reviewLabel', 'reviewerNoun'] as const) expect(typeof s[k] === 'string' && s[k].length > 0).toBe(true);
      expect(s.profile.id).toBe(s.id);
      expect(s.profile.displayName).toBeTruthy();
      expect(Array.isArray(s.profile.identityClaims)).toBe(true);
      expect(Array.isArray(s.issuers)).toBe(true);
      if (s.id !== GenericOidc.PROVIDER_ID) expect(s.issuers.length).toBeGreaterThan(0);
      for (const p of s.issuers) {
        expect(p.pattern).toBeInstanceOf(RegExp);
        expect(typeof p.shared).toBe('boolean');
        expect(p.label).toBeTruthy();
      }
      // Optional facts are present as keys, so a new provider states them (undefined = none).
      expect('tenant' in s).toBe(true);
      expect(s.tenant !== undefined).toBe(s.issuers.some((p) => p.shared));
      expect('defaultAudience' in s.aws).toBe(true);
      expect('longSubjectFallback' in s.gcp).toBe(true);
      expect(s.aws.fixForUnseenClaim('some_claim', () => ['aud', 'sub'])).toMatch(/\S/);
      expect(s.azure.fixForUnseenClaims(['some_claim'])).toMatch(/\S/);
      expect(s.azure.fixForSubjectPattern(20)).toMatch(/\S/);
      expect(s.gcp.issuerUri('https://issuer.example')).toMatch(/^https:\/\/issuer\.example\/?$/);
      expect(typeof s.snippet).toBe('function');
    }
  });

  test.each([
    ['https://token.actions.githubusercontent.com', 'github-actions', true],
    ['https://token.actions.githubusercontent.com/acme', 'github-actions', false],
    ['https://token.actions.acme.ghe.com', 'github-actions', false],
    ['https://github.acme.example/_services/token', 'github-actions', false],
    ['https://gitlab.com', 'gitlab-ci', true],
    ['https://gitlab.acme.example', 'gitlab-ci', false],
    ['https://agent.buildkite.com', 'buildkite', true],
    ['https://oidc.circleci.com/org/0191f956-042f-7ec4-aa62-8e5eeae396d0', 'circleci', false],
    ['https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc', 'bitbucket-pipelines', false],
    ['https://vstoken.dev.azure.com/5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', 'azure-devops', false],
    ['https://oidc.circleci.com', 'circleci', true],
    ['https://app.terraform.io', 'hcp-terraform', true],
    ['APP.EU.TERRAFORM.IO/', 'hcp-terraform', true],
  ])('issuer %s belongs to %s (shared: %s)', (issuer, id, shared) => {
    const m = specForIssuer(issuer);
    expect(m?.spec.id).toBe(id);
    expect(m?.issuer.shared).toBe(shared);
    expect(sharedIssuer(issuer) !== undefined).toBe(shared);
  });

  test.each(['https://ci.acme.example', 'https://login.microsoftonline.com/5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1/v2.0'])('%s belongs to no provider and is not shared', (issuer) => {
    expect(specForIssuer(issuer)).toBeUndefined();
    expect(sharedIssuer(issuer)).toBeUndefined();
  });

  // Until lib/ci/analysers.ts folds into the registry, the two tables must not drift apart.
  test.each(ISSUERS)('the review scanner\'s table agrees on %s', (issuer) => {
    expect(providerForIssuer(issuer)).toBe(specForIssuer(issuer)?.spec.id ?? 'unknown');
    expect(isScannerSharedIssuer(issuer)).toBe(sharedIssuer(issuer) !== undefined);
  });

  test('every spec carries the scanner\'s analyser and noun for its provider', () => {
    for (const s of providerSpecs()) {
      // GenericOidc trusts are read as the scanner's unknown provider.
      const entry = s.id === GenericOidc.PROVIDER_ID ? UNKNOWN_PROVIDER : analyserFor(s.id);
      if (entry !== UNKNOWN_PROVIDER) expect(entry.id).toBe(s.id);
      expect(s.analyser).toBe(entry.analyser);
      expect(s.reviewerNoun).toBe(entry.noun);
    }
    expect(ANALYSERS.map((e) => e.id).sort()).toEqual(providerSpecs().map((s) => s.id).filter((id) => id !== GenericOidc.PROVIDER_ID).sort());
  });

  test('shared issuers are named for messages by provider and instance', () => {
    expect(sharedIssuer('https://token.actions.githubusercontent.com')?.name).toBe('GitHub Actions (github.com)');
    expect(sharedIssuer('https://gitlab.com')?.name).toBe('GitLab CI/CD (gitlab.com)');
    expect(sharedIssuer('https://agent.buildkite.com')?.name).toBe('Buildkite');
  });

  test('an unregistered provider id gets the generic facts: nothing assumed, every fallback closed', () => {
    expect(findProviderSpec('made-up-ci')).toBeUndefined();
    expect(providerSpec('made-up-ci').id).toBe(GenericOidc.PROVIDER_ID);
    // No exact sub: GCP would need a short fallback for a long one, and only known providers have one.
    const t = Trust._create({
      profile: { id: 'made-up-ci', displayName: 'Made-up CI', identityClaims: ['job_id'] },
      where: 'test',
      issuer: 'https://ci.acme.example',
      audiences: ['aud'],
      condition: Condition.allOf(Condition.exact('job_id', '7'), Condition.exact('workflow', 'deploy')),
      description: 'made-up',
    });
    expect(() => compileAwsTrust(t, 'arn')).toThrow(/put it in the subject, or drop this pin/);
    expect(() => compileTrust(t, AzureCloud.PUBLIC)).toThrow(/make the CI provider put job_id, workflow into the subject/);
    expect(subjectExpression([t])).toBe('assertion.sub');
    // The generic snippet: every claim the token must carry, and the token-file mechanism.
    const text = ciSnippet(t, { cloud: 'aws', principal: 'arn:role' });
    expect(text).toContain('# made-up-ci: a workload with a token from https://ci.acme.example.\n');
    expect(text).toContain('# The token must carry aud = "aud".\n');
    expect(text).toContain('AWS_ROLE_ARN=\'arn:role\' AWS_WEB_IDENTITY_TOKEN_FILE="$OIDC_TOKEN_FILE"');
  });
});

describe('every builder\'s trust has its spec in the registry', () => {
  const ADO = { organizationId: '5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', organization: 'acme', project: 'platform' };
  const trusts: Array<[string, Trust]> = [
    ['GitHubActions', GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch('main').toTrust()],
    ['GitHubActions (GHES)', GitHubActions.repository({ owner: 'acme', repository: 'web', issuer: GitHubIssuer.enterpriseServer('github.acme.example') }).onBranch('main').accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
    ['GitLabCi', GitLabCi.project({ projectPath: 'acme/web', projectId: '20' }).onBranch('main').toTrust()],
    ['Buildkite', Buildkite.pipeline({ organization: 'acme', pipeline: 'deploy', pipelineId: '0190e4f0-7b3c-4c1a-9d5e-2f6a8b9c0d1e' }).onBranch('main').toTrust()],
    ['Buildkite (pipeline id subject)', Buildkite.pipeline({ organization: 'acme', pipeline: 'deploy', pipelineId: '0190e4f0-7b3c-4c1a-9d5e-2f6a8b9c0d1e', subject: BuildkiteSubject.PIPELINE_ID }).onBranch('main').toTrust()],
    ['CircleCi', CircleCi.project({ organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee' }).onBranch('main').toTrust()],
    ['BitbucketPipelines', BitbucketPipelines.repository({ workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' }).onBranch('main').toTrust()],
    ['AzureDevOps (service connection)', AzureDevOps.serviceConnection({ ...ADO, serviceConnection: 'prod' }).toTrust()],
    ['AzureDevOps (pipeline)', AzureDevOps.pipeline({ ...ADO, pipeline: 'deploy' }).toTrust()],
    ['AzureDevOps (Entra)', AzureDevOps.entraServiceConnection({
      tenantId: ADO.organizationId,
      subject: '/eid1/c/pub/t/AAAAAAAAAAAAAAAA/a/BBBBBBBBBBBBBBBB/sc/5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1/5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a2',
    }).toTrust()],
    ['HcpTerraform', HcpTerraform.workspace({ organization: 'acme', project: 'Platform', workspace: 'net', workspaceId: 'ws-AAAAAAAAAAAAAAAA' }).forApply().toTrust()],
    ['Jenkins', Jenkins.job({ jenkinsUrl: 'https://jenkins.acme.example', job: 'platform/deploy' }).onBranch('main').toTrust()],
    ['GenericOidc', GenericOidc.issuer({ name: 'Jenkins', issuer: 'https://ci.acme.example', identityClaims: ['sub'] })
      .withClaim('sub', 'job/deploy').withAudience('sts.amazonaws.com').toTrust()],
  ];

  test('the registry covers every provider a builder class names', () => {
    const builders = [GitHubActions, GitLabCi, Buildkite, CircleCi, BitbucketPipelines, AzureDevOps, HcpTerraform, Jenkins, GenericOidc];
    const named = builders.map((c) => c.PROVIDER_ID).sort();
    expect(providerSpecs().map((s) => s.id).sort()).toEqual(named);
    expect(new Set(trusts.map(([, t]) => t.provider)).size).toBe(named.length);
  });

  test.each(trusts)('%s', (_name, trust) => {
    const spec = findProviderSpec(trust.provider);
    expect(spec).toBeDefined();
    expect(trust.providerName).toBe(trust.provider === GenericOidc.PROVIDER_ID ? 'Jenkins' : spec!.displayName);
    // The trust's issuer is recognized as this provider's (GenericOidc: any issuer, none recognized;
    // Entra's issuer signs for far more than Azure DevOps).
    const recognized = trust.provider !== GenericOidc.PROVIDER_ID && !trust.issuer.startsWith('https://login.microsoftonline.com/');
    expect(specForIssuer(trust.issuer)?.spec.id).toBe(recognized ? trust.provider : undefined);
    for (const cloud of ['aws', 'gcp', 'azure'] as const) {
      expect(ciSnippet(trust.withAudiences(trust.audiences ?? ['aud']), { cloud, principal: 'P' })).toMatch(/\S/);
    }
  });
});
