import * as fs from 'fs';
import * as path from 'path';
import { isCelError, parse as celParse, run as celRun } from '@bufbuild/cel';
import * as fc from 'fast-check';
import { renderCatalogueTable } from '../../lib/review/render';
import { extractAll, extractCloudFormation, extractTerraform, loadFiles, TrustRelationship } from '../../lib/review/scan/extract';
import { FINDING_IDS, FINDINGS, SUBJECT_ISSUE_IDS } from '../../lib/review/scan/findings';
import { analyseSubject, describeIdentity, encodePattern, parseCel, scan } from '../../lib/review/scan/scanner';
import { corpusTokens } from '../support/corpus';
import { webIdentityRole } from '../support/templates';

const FIXTURES = path.join(__dirname, 'fixtures');

/** Exact finding-id set per insecure fixture: one fixture per rule / research case. */
const EXPECTED: Record<string, string[]> = {
  'aws-any-ref.template.json': ['CIT-AWS-003'],
  // A partial ref or environment pattern after a pinned identity (CIT-M012): its own warning, not any-ref.
  'aws-github-branch-pattern.template.json': ['CIT-AWS-024'],
  'aws-github-environment-pattern.template.json': ['CIT-AWS-024'],
  'aws-gitlab-branch-pattern.template.json': ['CIT-AWS-024'],
  'aws-aud-only.template.json': ['CIT-AWS-001'],
  'aws-audience-wildcard.template.json': ['CIT-AWS-012'],
  'aws-bare-star.template.json': ['CIT-AWS-002'],
  // A copied `{repositoryUuid}` placeholder: no token starts with it (broken, not broad).
  'aws-bitbucket-no-uuid.template.json': ['CIT-AWS-017'],
  'aws-bitbucket-any-repository.template.json': ['CIT-AWS-016'],
  // `pipeline:*` after a pinned organization stays inside it: organisation-wide, a warning.
  'aws-buildkite-pipeline-wildcard.template.json': ['CIT-AWS-019'],
  'aws-buildkite-bare-uuid.template.json': ['CIT-AWS-023'],
  'aws-buildkite-session-tag-org-only.template.json': ['CIT-AWS-019'],
  'aws-buildkite-session-tags-no-ref.template.json': ['CIT-AWS-003'],
  // The configure-aws-credentials sample: Parameters without Default, Fn::Sub, Fn::If on the provider.
  'aws-cfn-parameters-fn-sub.template.json': ['CIT-AWS-003', 'CIT-AWS-014', 'CIT-AWS-020'],
  'aws-cdk-cfnjson-aud-only.template.json': ['CIT-AWS-001'],
  'aws-circleci-no-sub.template.json': ['CIT-AWS-018'],
  'aws-custom-sub-environment-only.template.json': ['CIT-AWS-005'],
  'aws-custom-sub-workflow-first.template.json': ['CIT-AWS-005'],
  'aws-federated-wildcard.template.json': ['CIT-AWS-013'],
  // ForAllValues on `sub` (the identity pin) is an error; on `aud` a style warning.
  'aws-forallvalues.template.json': ['CIT-AWS-007', 'CIT-AWS-022'],
  'aws-gitlab-any-ref.template.json': ['CIT-AWS-003'],
  'aws-gitlab-group-wildcard.template.json': ['CIT-AWS-019'],
  'aws-hcp-run-phase-any.template.json': ['CIT-AWS-015'],
  'aws-hcp-workspace-wildcard.template.json': ['CIT-AWS-019'],
  'aws-ifexists.template.json': ['CIT-AWS-008'],
  'aws-ignore-case.template.json': ['CIT-AWS-009'],
  // `${jsonencode({...})}` of literal values is evaluated now (it read as not analysable, a
  // warning, before): the policy it encodes has a Federated principal and no condition at all.
  'aws-jsonencode-unresolvable.tf.json': ['CIT-AWS-001', 'CIT-AWS-011'],
  'aws-malformed-owner-id.template.json': ['CIT-AWS-017'],
  'aws-malformed-repo.template.json': ['CIT-AWS-017'],
  'aws-missing-aud.template.json': ['CIT-AWS-011'],
  'aws-name-only.template.json': ['CIT-AWS-014'],
  'aws-owner-id-repo-wildcard.template.json': ['CIT-AWS-019'],
  'aws-owner-only-custom-sub.template.json': ['CIT-AWS-019'],
  'aws-poisoned-list-third-value.template.json': ['CIT-AWS-005', 'CIT-AWS-010'],
  'aws-poisoned-list.template.json': ['CIT-AWS-002', 'CIT-AWS-010'],
  // An empty audience under StringEquals: no token has it, the role can never be assumed.
  'aws-policy-document-empty-aud.tf.json': ['CIT-AWS-021'],
  'aws-policy-document-org-wildcard.tf.json': ['CIT-AWS-014', 'CIT-AWS-019'],
  // The second value `repo:acme@1001/*` stays inside owner 1001: the list is organisation-wide, not poisoned.
  'aws-policy-document-poisoned-second-value.tf.json': ['CIT-AWS-019'],
  'aws-pull-request.template.json': ['CIT-AWS-004'],
  'aws-repo-app-prefix.template.json': ['CIT-AWS-014', 'CIT-AWS-019'],
  'aws-repo-org-prefix.template.json': ['CIT-AWS-002'],
  'aws-repo-org-wildcard.template.json': ['CIT-AWS-014', 'CIT-AWS-019'],
  'aws-repo-star.template.json': ['CIT-AWS-002'],
  'aws-reusable-workflow-only.template.json': ['CIT-AWS-006'],
  'aws-role-inline-json-aud-only.tf.json': ['CIT-AWS-001'],
  // The negated condition does not count as a pin, so the role is also aud-only.
  'aws-string-not-like.template.json': ['CIT-AWS-001', 'CIT-AWS-022'],
  'aws-string-equals-star.template.json': ['CIT-AWS-021'],
  // terraform-aws-modules iam-role: ForAllValues on iss/aud (style), `repo:O/R:*` by name.
  'aws-terraform-modules-iam-role.tf.json': ['CIT-AWS-003', 'CIT-AWS-014', 'CIT-AWS-022'],
  'aws-unresolved-condition.template.json': ['CIT-AWS-020'],
  'azure-fic-audience-wildcard.tf.json': ['CIT-AZ-013'],
  'azure-fic-bitbucket-no-uuid.tf.json': ['CIT-AZ-012'],
  'azure-fic-buildkite-bare-uuid.tf.json': ['CIT-AZ-017'],
  'azure-fic-enterprise-issuer-environment-only.tf.json': ['CIT-AZ-016'],
  'azure-fic-empty-subject.tf.json': ['CIT-AZ-001'],
  'azure-fic-environment-only.tf.json': ['CIT-AZ-004'],
  'azure-fic-name-only.tf.json': ['CIT-AZ-009'],
  'azure-fic-no-colon.tf.json': ['CIT-AZ-002'],
  'azure-fic-pull-request.tf.json': ['CIT-AZ-007'],
  'azure-fic-reusable-workflow-only.tf.json': ['CIT-AZ-008'],
  'azure-fic-wildcard.tf.json': ['CIT-AZ-003'],
  'azure-flexible-any-ref.tf.json': ['CIT-AZ-006'],
  'azure-flexible-branch-pattern.tf.json': ['CIT-AZ-018'],
  'azure-flexible-environment-pattern.tf.json': ['CIT-AZ-018'],
  'azure-flexible-hcp-run-phase.tf.json': ['CIT-AZ-010'],
  'azure-flexible-unparseable.tf.json': ['CIT-AZ-014'],
  // `repo:acme/*` stays inside owner acme (pinned by id as well): organisation-wide.
  'azure-flexible-wildcard.tf.json': ['CIT-AZ-015'],
  'azure-flexible-wildcard-crosses-owner.tf.json': ['CIT-AZ-005'],
  'azure-flexible-bitbucket-any-repository.tf.json': ['CIT-AZ-011'],
  'gcp-condition-true.tf.json': ['CIT-GCP-002', 'CIT-GCP-007'],
  'gcp-direct-access-whole-pool.tf.json': ['CIT-GCP-004'],
  'gcp-disjunct-escape.tf.json': ['CIT-GCP-003', 'CIT-GCP-007'],
  // `acme/` stays inside group acme and the grant pins project 42: only the ref is open.
  'gcp-gitlab-namespace-wildcard.tf.json': ['CIT-GCP-007'],
  'gcp-has-only.tf.json': ['CIT-GCP-002', 'CIT-GCP-007'],
  'gcp-name-only.tf.json': ['CIT-GCP-007', 'CIT-GCP-011'],
  'gcp-no-condition-environment-grant.tf.json': ['CIT-GCP-001', 'CIT-GCP-005'],
  'gcp-no-condition.tf.json': ['CIT-GCP-001', 'CIT-GCP-007'],
  'gcp-circleci-no-condition.tf.json': ['CIT-GCP-018'],
  'gcp-disabled-provider.tf.json': ['CIT-GCP-020'],
  // gcloud-equivalent Terraform (google-github-actions/auth): owner condition, repository grant by name.
  'gcp-gcloud-owner-condition-repository-grant.tf.json': ['CIT-GCP-007', 'CIT-GCP-011'],
  'gcp-no-identity-claim.tf.json': ['CIT-GCP-002'],
  'gcp-or-true.tf.json': ['CIT-GCP-002', 'CIT-GCP-007'],
  'gcp-owner-only.tf.json': ['CIT-GCP-015'],
  'gcp-passthrough-condition.tf.json': ['CIT-GCP-002', 'CIT-GCP-007'],
  'gcp-poisoned-in-list.tf.json': ['CIT-GCP-009', 'CIT-GCP-017'],
  'gcp-prefix-wildcard-repository.tf.json': ['CIT-GCP-007'],
  'gcp-repository-prefix-crosses-owner.tf.json': ['CIT-GCP-006'],
  'gcp-sub-any-ref.tf.json': ['CIT-GCP-007'],
  'gcp-sub-branch-pattern.tf.json': ['CIT-GCP-022'],
  'gcp-environment-pattern.tf.json': ['CIT-GCP-022'],
  'gcp-sub-matches-wildcard.tf.json': ['CIT-GCP-007'],
  'gcp-sub-equals-star.tf.json': ['CIT-GCP-019'],
  'gcp-sub-pull-request.tf.json': ['CIT-GCP-008'],
  'gcp-sub-startswith-org.tf.json': ['CIT-GCP-007'],
  'gcp-unparseable-condition.tf.json': ['CIT-GCP-016'],
  'gcp-whole-pool-grant.tf.json': ['CIT-GCP-004'],
  'gcp-reusable-workflow-only.tf.json': ['CIT-GCP-010'],
  'gcp-hcp-run-phase-any.tf.json': ['CIT-GCP-012'],
  'gcp-bitbucket-no-uuid.tf.json': ['CIT-GCP-014'],
  'gcp-bitbucket-any-repository.tf.json': ['CIT-GCP-013'],
  'gcp-buildkite-bare-uuid.tf.json': ['CIT-GCP-021'],
  'gcp-malformed-repository-id.tf.json': ['CIT-GCP-014'],
  'azure-fic-malformed-owner-id.tf.json': ['CIT-AZ-012'],
};

function fixtures(kind: 'insecure' | 'secure'): string[] {
  return fs.readdirSync(path.join(FIXTURES, kind)).filter(f => f.endsWith('.json')).sort();
}

function scanFixture(kind: 'insecure' | 'secure', file: string) {
  const trusts = extractAll(loadFiles(path.join(FIXTURES, kind), [file]));
  return { trusts, findings: scan(trusts) };
}

describe('fixtures', () => {
  test('every insecure fixture has an expectation and vice versa', () => {
    expect(fixtures('insecure')).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(fixtures('insecure'))('insecure %s is flagged with exactly the expected ids', file => {
    const { trusts, findings } = scanFixture('insecure', file);
    expect(trusts.length).toBeGreaterThan(0);
    expect([...new Set(findings.map(f => f.id))].sort()).toEqual(EXPECTED[file]);
    for (const f of findings) expect(f.message.length).toBeGreaterThan(10);
  });

  test.each(fixtures('secure'))('secure %s is clean', file => {
    const { findings } = scanFixture('secure', file);
    expect(findings.map(f => `${f.id}: ${f.message}`)).toEqual([]);
  });

  test('every catalogue entry is exercised by at least one fixture', () => {
    const used = new Set(Object.values(EXPECTED).flat());
    expect(FINDINGS.filter(f => !used.has(f.id)).map(f => f.id)).toEqual([]);
  });
});

describe('catalogue', () => {
  test('ids are unique, well-formed and match their cloud', () => {
    const ids = FINDINGS.map(f => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of FINDINGS) {
      expect(f.id).toMatch(/^CIT-(AWS|GCP|AZ)-\d{3}$/);
      expect({ AWS: 'aws', GCP: 'gcp', AZ: 'azure' }[f.id.split('-')[1]]).toBe(f.cloud);
      for (const k of ['title', 'rationale', 'fix', 'source'] as const) expect(f[k].length).toBeGreaterThan(1);
    }
  });

  test('subject issues map to catalogue ids of the same cloud', () => {
    for (const m of Object.values(SUBJECT_ISSUE_IDS)) {
      for (const [cloud, id] of Object.entries(m)) expect(FINDINGS.find(f => f.id === id)?.cloud).toBe(cloud);
    }
  });

  test('every source names a repository doc anchor or a public URL, never a file outside the repository', () => {
    for (const f of FINDINGS) {
      for (const ref of f.source.split('; ')) {
        expect({ id: f.id, ref, ok: /^docs\/[a-z-]+\.md#[a-z0-9-]+$/.test(ref) || /\shttps:\/\/\S+$/.test(ref) }).toEqual({ id: f.id, ref, ok: true });
      }
      expect(`${f.rationale} ${f.fix} ${f.source}`).not.toMatch(/(^|[^/])(security|ci-claims|clouds)\.md|§/);
    }
  });

  test('failure modes cite docs/security.md#f1…#f16 only', () => {
    const anchors = FINDINGS.flatMap(f => [...f.source.matchAll(/docs\/security\.md#f(\d+)/g)].map(m => Number(m[1])));
    expect(anchors.length).toBeGreaterThan(30);
    for (const n of anchors) expect(n >= 1 && n <= 16).toBe(true);
  });

  test('the catalogue lists every typed id once, in FINDING_IDS order', () => {
    expect(FINDINGS.map(f => f.id)).toEqual([...FINDING_IDS]);
  });

  test('docs/review.md carries the generated catalogue table', () => {
    const doc = fs.readFileSync(path.join(__dirname, '../../docs/review.md'), 'utf8');
    expect(doc).toContain(renderCatalogueTable());
  });
});

describe('subject parsing', () => {
  const judge = (provider: Parameters<typeof analyseSubject>[0], v: string, mode: 'exact' | 'glob' = 'glob') => {
    const r = analyseSubject(provider, encodePattern(v, mode)!);
    return { level: r.level, issues: r.issues.map(i => i.issue) };
  };

  test.each([
    ['repo:*', ['wildcard-identity']],
    ['repo:*/*', ['wildcard-identity']],
    // After a pinned owner a wildcard stays inside it: organisation-wide breadth, not cross-tenant.
    ['repo:acme/*', ['org-wide']],
    ['repo:acme*', ['wildcard-identity']],
    ['repo:acme/app*', ['org-wide']],
    ['repo:acme@1/*', ['org-wide']],
    // Owner and repository names are literal; only the ids are open, so it pins acme/web by name.
    ['repo:acme@*/web@*:ref:refs/heads/main', []],
    ['repo:acme/web:*', ['any-ref']],
    ['repo:acme/web:ref:*', ['any-ref']],
    ['repo:acme/web:environment:*', ['any-ref']],
    ['repo:acme/web:ref:refs/heads/*', ['any-ref']],
    ['repo:acme/web:ref:refs/tags/*', ['any-ref']],
    // A partial pattern after a pinned identity is its own warning (CIT-M012), not any-ref.
    ['repo:acme/web:ref:refs/heads/release/*', ['ref-pattern']],
    ['repo:acme/web:ref:refs/tags/v*', ['ref-pattern']],
    ['repo:acme/web:ref:refs/heads/release-?', ['ref-pattern']],
    ['repo:acme/web:environment:prod-*', ['ref-pattern']],
    ['repo:acme@1/web@2:ref:refs/heads/release/*', ['ref-pattern']],
    ['repository_id:2:environment:prod-*', ['ref-pattern']],
    // No repository here: the pattern is reported only where another pin of the trust names one.
    ['environment:prod-*', ['user-claim', 'ref-pattern']],
    // A wildcard in the owner or repository is the identity finding, whatever the ref.
    ['repo:ac*/web:ref:refs/heads/release/*', ['wildcard-identity']],
    ['repo:acme/w*:ref:refs/heads/release/*', ['org-wide']],
    ['repo:acme/web:pull_request', ['pull-request']],
    ['environment:prod', ['user-claim']],
    ['context:ref:refs/heads/main', ['user-claim']],
    ['job_workflow_ref:acme/x/.github/workflows/a.yml@refs/heads/main', ['reusable-only']],
    ['repo:acme@0x1/web@2:ref:refs/heads/main', ['malformed']],
    ['repo:acme', ['malformed']],
    ['repo:acme/web:ref:refs/heads/main', []],
    // IAM policy variables: `${*}` is a literal star, not a wildcard.
    ['repo:acme/web:environment:${*}', []],
  ])('GitHub %s', (v, issues) => {
    expect(judge('github-actions', v).issues).toEqual(issues);
  });

  test('StringEquals keeps `*` literal: not a wildcard, but not a valid repository name either', () => {
    expect(judge('github-actions', 'repo:acme/*', 'exact').issues).toEqual(['malformed']);
    expect(judge('github-actions', 'repo:acme/*', 'glob').issues).toEqual(['org-wide']);
  });

  test.each([
    ['gitlab-ci', 'project_path:acme/*:ref_type:branch:ref:main', ['org-wide']],
    ['gitlab-ci', 'project_path:acme*:ref_type:branch:ref:main', ['wildcard-identity']],
    ['gitlab-ci', 'project_path:acme/web:ref_type:branch:ref:*', ['any-ref']],
    ['gitlab-ci', 'project_path:acme/web:ref_type:branch:ref:release/*', ['ref-pattern']],
    ['gitlab-ci', 'project_path:acme/web:ref_type:tag:ref:v*', ['ref-pattern']],
    ['gitlab-ci', 'project_path:acme/w*:ref_type:branch:ref:release/*', ['org-wide']],
    ['gitlab-ci', 'project_path:ac*/web:ref_type:branch:ref:release/*', ['wildcard-identity']],
    ['gitlab-ci', 'project_id:42:ref_type:branch:ref:main', []],
    ['gitlab-ci', 'ref_type:branch:ref:main', ['user-claim']],
    ['buildkite', 'organization:acme:pipeline:*', ['org-wide']],
    ['buildkite', 'organization:acme:pipeline:deploy*:ref:refs/heads/main:commit:*:step:*', ['org-wide']],
    ['buildkite', 'organization:acme*:pipeline:deploy:ref:refs/heads/main:commit:*:step:*', ['wildcard-identity']],
    ['buildkite', 'organization:acme:pipeline:deploy:ref:refs/heads/*:commit:*:step:*', ['any-ref']],
    ['buildkite', 'organization:acme:pipeline:deploy:ref:refs/heads/release/*:commit:*:step:*', ['ref-pattern']],
    ['buildkite', '0191f956-042f-7ec4-aa62-8e5eeae396d0', ['opaque-id']],
    ['buildkite', 'organization:acme:pipeline:deploy:ref:*:commit:*:step:*', ['any-ref']],
    ['buildkite', 'organization:acme:pipeline:deploy:ref:refs/heads/main:commit:*:step:*', []],
    ['hcp-terraform', 'organization:acme:project:infra:workspace:prod:run_phase:*', ['run-phase-any']],
    ['hcp-terraform', 'organization:acme:project:infra:workspace:*:run_phase:apply', ['org-wide']],
    ['hcp-terraform', 'organization:acme:*', ['org-wide']],
    ['hcp-terraform', 'organization:acme*', ['wildcard-identity']],
    ['bitbucket-pipelines', '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}:*', []],
    // Literal text that is not a braced UUID never matches; a wildcard there is workspace-wide.
    ['bitbucket-pipelines', '2e9e429c-7b8b-404f-8648-8c40c27c9ebd:*', ['malformed']],
    ['bitbucket-pipelines', '{repositoryUuid}:*', ['malformed']],
    ['bitbucket-pipelines', '*', ['bitbucket-uuid']],
    ['circleci', 'org/o1/project/*/user/*', ['org-wide']],
    ['circleci', 'org/*/project/p1/user/*', ['wildcard-identity']],
  ] as const)('%s %s', (provider, v, issues) => {
    expect(judge(provider, v).issues).toEqual(issues);
  });

  test('real subjects from the token corpus parse as pinned identities', () => {
    const corpus = corpusTokens();
    const map: Record<string, Parameters<typeof analyseSubject>[0]> = {
      'github-actions': 'github-actions',
      'gitlab-ci': 'gitlab-ci',
      'buildkite': 'buildkite',
      'bitbucket-pipelines': 'bitbucket-pipelines',
      'hcp-terraform': 'hcp-terraform',
      'azure-devops': 'azure-devops',
    };
    for (const e of corpus) {
      const sub = String(e.claims.sub);
      const r = analyseSubject(map[e.provider], encodePattern(sub, 'exact')!);
      // Bitbucket settings-page templates carry `{repositoryUuid}` placeholders: no token starts with one.
      if (sub.startsWith('{repositoryUuid}')) expect(r.issues.map(i => i.issue)).toEqual(['malformed']);
      // A bare UUID (`--subject-claim`) pins whatever it is the id of: pinned, with the warning that says so.
      else if (/^[0-9a-f-]{36}$/.test(sub)) expect({ sub, level: r.level, issues: r.issues.map(i => i.issue) }).toEqual({ sub, level: 3, issues: ['opaque-id'] });
      else expect({ sub, level: r.level, issues: r.issues }).toEqual({ sub, level: 3, issues: [] });
    }
  });

  test('property: a wildcard in the owner crosses the tenant; one in the repository never pins it', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
    fc.assert(fc.property(name, name, fc.nat(), fc.constantFrom('*', '?'), fc.boolean(), (owner, repo, at, wc, inOwner) => {
      const target = inOwner ? owner : repo;
      const i = at % (target.length + 1);
      const bad = target.slice(0, i) + wc + target.slice(i);
      const sub = inOwner ? `repo:${bad}/${repo}:ref:refs/heads/main` : `repo:${owner}/${bad}:ref:refs/heads/main`;
      const r = judge('github-actions', sub);
      if (inOwner) expect(r.issues).toContain('wildcard-identity');
      else expect(r).toEqual({ level: 2, issues: ['org-wide'] });
    }));
  });

  test('property: every value of a list is judged, wherever the poisoned one sits', () => {
    const good = 'repo:acme@1/web@2:ref:refs/heads/main';
    fc.assert(fc.property(fc.nat(5), fc.nat(), fc.constantFrom('*', 'repo:*', 'environment:prod', 'repo:acme*', 'workflow:x:repo:acme@1/web@2:ref:refs/heads/main'), (n, at, poison) => {
      const values = Array.from({ length: n + 1 }, (_, k) => `${good}${k}`);
      values.splice(at % (values.length + 1), 0, poison);
      const t = extractCloudFormation('t.json', {
        Resources: {
          R: webIdentityRole('arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com', { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': values } }),
        },
      });
      const ids = new Set(scan(t).map(f => f.id));
      expect(ids.has('CIT-AWS-010')).toBe(true);
    }));
  });
});

describe('CEL', () => {
  const gcpConditions = () => fixtures('insecure').concat(fixtures('secure')).filter(f => f.startsWith('gcp-')).flatMap(f => {
    const kind = fixtures('insecure').includes(f) ? 'insecure' : 'secure';
    const trusts = extractAll(loadFiles(path.join(FIXTURES, kind), [f]));
    return trusts.filter(t => t.gcp?.attributeCondition).map(t => ({ file: f, t, cond: t.gcp!.attributeCondition! }));
  });

  test('our parser accepts exactly what @bufbuild/cel accepts (fixture conditions)', () => {
    for (const { file, cond } of gcpConditions()) {
      let ref = true;
      try { celParse(cond); } catch { ref = false; }
      let ours = true;
      try { parseCel(cond); } catch { ours = false; }
      expect({ file, ours }).toEqual({ file, ours: ref });
    }
  });

  test('pass-through verdicts agree with evaluation: foreign tokens get in exactly when flagged', () => {
    // A token from another organization (octo-org, from the corpus) must be refused by every
    // condition the scanner accepts, and is admitted by the ones it calls pass-through.
    const corpus = corpusTokens();
    const foreign = corpus[0].claims;
    for (const { file, t, cond } of gcpConditions()) {
      const out = celRun(cond, { assertion: foreign as any });
      if (isCelError(out)) continue; // unparseable fixture
      const ids = scan([t]).map(f => f.id);
      const passThrough = ids.includes('CIT-GCP-002');
      if (passThrough) {expect({ file, admitted: out }).toEqual({ file, admitted: true });} else if (!ids.some(id => ['CIT-GCP-003', 'CIT-GCP-006', 'CIT-GCP-009', 'CIT-GCP-017'].includes(id))) {
        expect({ file, admitted: out }).toEqual({ file, admitted: false });
      }
    }
  });

  test('string escapes, raw strings and ternaries', () => {
    const mk = (cond: string): TrustRelationship[] => extractTerraform('x.tf.json', {
      resource: {
        google_iam_workload_identity_pool_provider: {
          p: {
            workload_identity_pool_id: 'pool',
            attribute_mapping: { 'google.subject': 'assertion.sub' },
            attribute_condition: cond,
            oidc: [{ issuer_uri: 'https://token.actions.githubusercontent.com' }],
          },
        },
      },
    });
    expect(scan(mk("assertion.repository_id == \"2\" && assertion.repository_owner_id == r'1' && assertion.ref == 'refs/heads/main'")).map(f => f.id)).toEqual([]);
    expect(scan(mk("assertion.repository_id == '2' ? true : true")).map(f => f.id)).toEqual(['CIT-GCP-002']);
    expect(scan(mk("assertion.repository_id == 'a\\'b' || true")).map(f => f.id)).toContain('CIT-GCP-002');
  });
});

describe('extraction', () => {
  test('Azure subjects without an identity colon and malformed subjects', () => {
    const t = extractTerraform('a.tf.json', {
      resource: {
        azurerm_federated_identity_credential: {
          f: {
            parent_id: 'x', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/:ref:refs/heads/main', audience: ['api://AzureADTokenExchange'],
          },
        },
      },
    });
    expect(scan(t).map(f => f.id)).toEqual(['CIT-AZ-012']);
  });

  test('metadata is attached and shown as the identity sentence', () => {
    const [t] = extractAll(loadFiles(path.join(FIXTURES, 'secure'), ['aws-github-immutable-branch.template.json']));
    expect(t.metadata?.ciSnippet).toContain('id-token: write');
    expect(describeIdentity(t)).toBe(t.metadata!.description);
  });

  test('identity sentences are derived from subjects when there is no metadata', () => {
    const [t] = extractAll(loadFiles(path.join(FIXTURES, 'secure'), ['aws-gitlab-exact.template.json']));
    expect(describeIdentity(t)).toBe('GitLab CI jobs of acme/web on branch main');
    const [g] = extractAll(loadFiles(path.join(FIXTURES, 'insecure'), ['aws-name-only.template.json']));
    expect(describeIdentity(g)).toBe('GitHub Actions jobs of acme/web on branch main');
    const [a] = extractAll(loadFiles(path.join(FIXTURES, 'insecure'), ['aws-aud-only.template.json']));
    expect(describeIdentity(a)).toMatch(/^ANY GitHub Actions jobs that can get a token from https:\/\/token/);
  });

  test('network restrictions: trust conditions, session Deny policies, VPC-SC ingress', () => {
    const [aws] = extractAll(loadFiles(path.join(FIXTURES, 'secure'), ['aws-github-environment-network-deny.template.json']));
    expect(aws.network.join('\n')).toContain('aws:SourceIp');
    const [gcp] = extractAll(loadFiles(path.join(FIXTURES, 'secure'), ['gcp-direct-access-repository-id.tf.json']));
    expect(gcp.network.join('\n')).toContain('VPC-SC ingress');
    expect(gcp.gcp!.grants.map(g => g.resource)).toEqual(['google_storage_bucket_iam_member.artifacts']);
  });

  test('Azure role assignments are linked through principal_id references', () => {
    const [t] = extractAll(loadFiles(path.join(FIXTURES, 'secure'), ['azure-fic-immutable-environment.tf.json']));
    expect(t.azure!.roleAssignments.map(r => r.role)).toEqual(['Contributor']);
    const [f] = extractAll(loadFiles(path.join(FIXTURES, 'insecure'), ['azure-flexible-branch-pattern.tf.json']));
    expect(f.azure!.roleAssignments.map(r => r.role)).toEqual(['Reader']);
  });

  test('deterministic: file order does not change the result', () => {
    const dir = path.join(FIXTURES, 'insecure');
    const files = fixtures('insecure');
    const a = scan(extractAll(loadFiles(dir, files)));
    const b = scan(extractAll(loadFiles(dir, [...files].reverse())));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
