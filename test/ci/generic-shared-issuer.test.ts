/**
 * GenericOidc on an issuer shared by every tenant (github.com Actions, gitlab.com, Buildkite, HCP
 * Terraform): the declared identity claims do not decide, the platform's identity does. A workflow
 * name, environment, owner or branch is chosen by any tenant, so a trust pinned only on it is
 * refused; a name-only identity needs Widening.NAME_ONLY_IDENTITY, as with the typed builders.
 */
import { GenericOidc, Widening } from '../../lib';
import { thrownConfigError } from '../support/errors';

/** Refused with a TrustConfigError whose message holds every text and whose rule id is the last. */
function refusedWith(f: () => unknown, ...texts: string[]): void {
  const e = thrownConfigError(f);
  const rule = texts[texts.length - 1];
  for (const t of texts.slice(0, -1)) expect(e.message).toContain(t);
  expect(e.message).toContain('Fix:');
  expect(e.ruleId).toBe(rule);
}

const GH = 'https://token.actions.githubusercontent.com';
const generic = (issuer: string, identityClaims: string[]) => GenericOidc.issuer({ name: 'Hand-made', issuer, identityClaims }).withAudience('sts.amazonaws.com');

describe('refused: a claim any tenant chooses is no identity on a shared issuer', () => {
  test.each([
    [GH, 'workflow', 'deploy', 'GitHubActions.repository()', 'repository'],
    [GH, 'environment', 'production', 'GitHubActions.repository()', 'repository'],
    [GH, 'repository_owner', 'acme', 'GitHubActions.repository()', 'repository'],
    [GH, 'actor', 'octocat', 'GitHubActions.repository()', 'repository'],
    ['https://gitlab.com', 'namespace_path', 'acme', 'GitLabCi.project()', 'project'],
    ['https://agent.buildkite.com', 'build_branch', 'main', 'Buildkite.pipeline()', 'pipeline'],
    ['https://agent.buildkite.com', 'pipeline_slug', 'deploy', 'Buildkite.pipeline()', 'pipeline'],
    ['https://app.terraform.io', 'terraform_workspace_name', 'prod', 'HcpTerraform.workspace()', 'workspace'],
    ['https://oidc.circleci.com', 'oidc.circleci.com/vcs-origin', 'github.com/acme/web', 'CircleCi.project()', 'project'],
  ])('%s with only %s', (issuer, claim, value, builder, unit) => {
    refusedWith(() => generic(issuer, [claim]).withClaim(claim, value).toTrust(),
      `${issuer} signs tokens for every`, `pins no ${unit} (${claim} can be chosen by any tenant)`, `use ${builder}`, 'CIT-M001');
  });

  test('a custom subject whose first field the workflow author chooses is no pin', () => {
    refusedWith(() => generic(GH, ['sub']).withClaim('sub', 'workflow:deploy:repo:acme/web:ref:refs/heads/main').toTrust(), 'pins no repository', 'CIT-M001');
  });

  test('a name-only sub needs Widening.NAME_ONLY_IDENTITY, then is recorded', () => {
    refusedWith(() => generic(GH, ['sub']).withClaim('sub', 'repo:acme/web:ref:refs/heads/main').toTrust(),
      'the GitHub Actions (github.com) repository is pinned by name only (sub)', 'NAME_ONLY_IDENTITY', 'CIT-M010');
    refusedWith(() => generic('https://gitlab.com', ['project_path']).withClaim('project_path', 'acme/app').toTrust(), 'by name only (project_path)', 'CIT-M010');
    const t = generic(GH, ['sub']).withClaim('sub', 'repo:acme/web:ref:refs/heads/main').accept(Widening.NAME_ONLY_IDENTITY).toTrust();
    expect(t.widenings).toEqual([Widening.NAME_ONLY_IDENTITY]);
    expect(t.findings.map((f) => f.ruleId)).toContain('CIT-M010');
  });

  test('an identity claim of the platform must be exact', () => {
    refusedWith(() => generic(GH, ['sub']).withClaim('sub', 'repo:acme/web:ref:refs/heads/main').withClaimPattern('repository_id', '12*').accept(Widening.REF_PATTERN, Widening.NAME_ONLY_IDENTITY).toTrust(), 'repository_id identifies the tenant and must be exact', 'CIT-M002');
  });
});

describe('accepted: the platform identity pinned by immutable id', () => {
  test.each([
    [GH, 'repository_id', '123456'],
    ['https://gitlab.com', 'project_id', '42'],
    ['https://agent.buildkite.com', 'pipeline_id', '0190e4f0-7b3c-4c1a-9d5e-2f6a8b9c0d1e'],
    ['https://app.terraform.io', 'terraform_workspace_id', 'ws-abc123'],
  ])('%s with %s, next to a tenant-chosen claim', (issuer, claim, value) => {
    const t = generic(issuer, ['workflow']).withClaim('workflow', 'deploy').withClaim(claim, value).toTrust();
    expect(t.widenings).toEqual([]);
    expect(t.evaluate({ iss: issuer, aud: 'sts.amazonaws.com', workflow: 'deploy', [claim]: value }).allowed).toBe(true);
    expect(t.evaluate({ iss: issuer, aud: 'sts.amazonaws.com', workflow: 'deploy', [claim]: `${value}0` }).allowed).toBe(false);
  });

  test('the immutable GitHub subject', () => {
    const t = generic(GH, ['sub']).withClaim('sub', 'repo:acme@1/web@2:environment:production').toTrust();
    expect(t.widenings).toEqual([]);
  });

  test('per-tenant issuers keep the declared identity claims (a GitHub Enterprise slug issuer, self-hosted Jenkins)', () => {
    expect(() => generic(`${GH}/acme`, ['repository']).withClaim('repository', 'acme/web').toTrust()).not.toThrow();
    expect(() => generic('https://jenkins.acme.example', ['sub']).withClaim('sub', 'job/deploy').toTrust()).not.toThrow();
  });
});
