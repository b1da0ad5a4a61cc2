import * as fs from 'fs';
import * as path from 'path';
import { isCelError, parse as celParse, run as celRun } from '@bufbuild/cel';
import * as fc from 'fast-check';
import { renderCatalogueTable } from '../../lib/review/render';
import { extractAll, extractCloudFormation, extractTerraform, loadFiles, TrustRelationship } from '../../lib/review/scan/extract';
import { FINDING_IDS, FINDINGS, SUBJECT_ISSUE_IDS } from '../../lib/review/scan/findings';
import { analyseSubject, describeIdentity, encodePattern, parseCel, scan } from '../../lib/review/scan/scanner';
import { corpusTokens } from '../support/corpus';

const FIXTURES = path.join(__dirname, 'fixtures');

/** Exact finding-id set per insecure fixture: one fixture per rule / research case. */
const EXPECTED: Record<string, string[]> = {
  'aws-any-ref.template.json': ['CIT-AWS-003'],
  'aws-aud-only.template.json': ['CIT-AWS-001'],
  'aws-audience-wildcard.template.json': ['CIT-AWS-012'],
  'aws-bare-star.template.json': ['CIT-AWS-002'],
  'aws-bitbucket-no-uuid.template.json': ['CIT-AWS-016'],
  'aws-buildkite-pipeline-wildcard.template.json': ['CIT-AWS-002'],
  'aws-buildkite-session-tag-org-only.template.json': ['CIT-AWS-019'],
  'aws-cdk-cfnjson-aud-only.template.json': ['CIT-AWS-001'],
  'aws-circleci-no-sub.template.json': ['CIT-AWS-018'],
  'aws-custom-sub-environment-only.template.json': ['CIT-AWS-005'],
  'aws-custom-sub-workflow-first.template.json': ['CIT-AWS-005'],
  'aws-federated-wildcard.template.json': ['CIT-AWS-013'],
  'aws-forallvalues.template.json': ['CIT-AWS-007'],
  'aws-gitlab-any-ref.template.json': ['CIT-AWS-003'],
  'aws-gitlab-group-wildcard.template.json': ['CIT-AWS-002'],
  'aws-hcp-run-phase-any.template.json': ['CIT-AWS-015'],
  'aws-hcp-workspace-wildcard.template.json': ['CIT-AWS-002'],
  'aws-ifexists.template.json': ['CIT-AWS-008'],
  'aws-ignore-case.template.json': ['CIT-AWS-009'],
  // `${jsonencode({...})}` of literal values is evaluated now (it read as not analysable, a
  // warning, before): the policy it encodes has a Federated principal and no condition at all.
  'aws-jsonencode-unresolvable.tf.json': ['CIT-AWS-001', 'CIT-AWS-011'],
  'aws-malformed-owner-id.template.json': ['CIT-AWS-017'],
  'aws-malformed-repo.template.json': ['CIT-AWS-017'],
  'aws-missing-aud.template.json': ['CIT-AWS-011'],
  'aws-name-only.template.json': ['CIT-AWS-014'],
  'aws-owner-id-repo-wildcard.template.json': ['CIT-AWS-002'],
  'aws-owner-only-custom-sub.template.json': ['CIT-AWS-019'],
  'aws-poisoned-list-third-value.template.json': ['CIT-AWS-005', 'CIT-AWS-010'],
  'aws-poisoned-list.template.json': ['CIT-AWS-002', 'CIT-AWS-010'],
  'aws-policy-document-org-wildcard.tf.json': ['CIT-AWS-002'],
  'aws-policy-document-poisoned-second-value.tf.json': ['CIT-AWS-002', 'CIT-AWS-010'],
  'aws-pull-request.template.json': ['CIT-AWS-004'],
  'aws-repo-app-prefix.template.json': ['CIT-AWS-002'],
  'aws-repo-org-prefix.template.json': ['CIT-AWS-002'],
  'aws-repo-org-wildcard.template.json': ['CIT-AWS-002'],
  'aws-repo-question-mark.template.json': ['CIT-AWS-002'],
  'aws-repo-star.template.json': ['CIT-AWS-002'],
  'aws-reusable-workflow-only.template.json': ['CIT-AWS-006'],
  'aws-role-inline-json-aud-only.tf.json': ['CIT-AWS-001'],
  // The negated condition does not count as a pin, so the role is also aud-only.
  'aws-string-not-like.template.json': ['CIT-AWS-001', 'CIT-AWS-008'],
  'aws-unresolved-condition.template.json': ['CIT-AWS-020'],
  'azure-fic-audience-wildcard.tf.json': ['CIT-AZ-013'],
  'azure-fic-bitbucket-no-uuid.tf.json': ['CIT-AZ-011'],
  'azure-fic-empty-subject.tf.json': ['CIT-AZ-001'],
  'azure-fic-environment-only.tf.json': ['CIT-AZ-004'],
  'azure-fic-name-only.tf.json': ['CIT-AZ-009'],
  'azure-fic-no-colon.tf.json': ['CIT-AZ-002'],
  'azure-fic-pull-request.tf.json': ['CIT-AZ-007'],
  'azure-fic-reusable-workflow-only.tf.json': ['CIT-AZ-008'],
  'azure-fic-wildcard.tf.json': ['CIT-AZ-003'],
  'azure-flexible-any-ref.tf.json': ['CIT-AZ-006'],
  'azure-flexible-hcp-run-phase.tf.json': ['CIT-AZ-010'],
  'azure-flexible-unparseable.tf.json': ['CIT-AZ-014'],
  // The wildcard voids the repository pin; what is left pins only the owner.
  'azure-flexible-wildcard.tf.json': ['CIT-AZ-005', 'CIT-AZ-015'],
  'gcp-condition-true.tf.json': ['CIT-GCP-002'],
  'gcp-direct-access-whole-pool.tf.json': ['CIT-GCP-004'],
  'gcp-disjunct-escape.tf.json': ['CIT-GCP-003'],
  'gcp-gitlab-namespace-wildcard.tf.json': ['CIT-GCP-006'],
  'gcp-has-only.tf.json': ['CIT-GCP-002'],
  'gcp-name-only.tf.json': ['CIT-GCP-011'],
  'gcp-no-condition-environment-grant.tf.json': ['CIT-GCP-001', 'CIT-GCP-005'],
  'gcp-no-condition.tf.json': ['CIT-GCP-001'],
  'gcp-no-identity-claim.tf.json': ['CIT-GCP-002'],
  'gcp-or-true.tf.json': ['CIT-GCP-002'],
  'gcp-owner-only.tf.json': ['CIT-GCP-015'],
  'gcp-passthrough-condition.tf.json': ['CIT-GCP-002'],
  'gcp-poisoned-in-list.tf.json': ['CIT-GCP-009', 'CIT-GCP-017'],
  'gcp-prefix-wildcard-repository.tf.json': ['CIT-GCP-006'],
  'gcp-sub-any-ref.tf.json': ['CIT-GCP-007'],
  'gcp-sub-matches-wildcard.tf.json': ['CIT-GCP-006'],
  'gcp-sub-pull-request.tf.json': ['CIT-GCP-008'],
  'gcp-sub-startswith-org.tf.json': ['CIT-GCP-006'],
  'gcp-unparseable-condition.tf.json': ['CIT-GCP-016'],
  'gcp-whole-pool-grant.tf.json': ['CIT-GCP-004'],
  'gcp-reusable-workflow-only.tf.json': ['CIT-GCP-010'],
  'gcp-hcp-run-phase-any.tf.json': ['CIT-GCP-012'],
  'gcp-bitbucket-no-uuid.tf.json': ['CIT-GCP-013'],
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
    ['repo:acme/*', ['wildcard-identity']],
    ['repo:acme*', ['wildcard-identity']],
    ['repo:acme/app*', ['wildcard-identity']],
    ['repo:acme@1/*', ['wildcard-identity']],
    ['repo:acme@*/web@*:ref:refs/heads/main', ['wildcard-identity']],
    ['repo:acme/web:*', ['any-ref']],
    ['repo:acme/web:ref:*', ['any-ref']],
    ['repo:acme/web:environment:*', ['any-ref']],
    ['repo:acme/web:ref:refs/heads/*', []],
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
    expect(judge('github-actions', 'repo:acme/*', 'glob').issues).toEqual(['wildcard-identity']);
  });

  test.each([
    ['gitlab-ci', 'project_path:acme/*:ref_type:branch:ref:main', ['wildcard-identity']],
    ['gitlab-ci', 'project_path:acme*:ref_type:branch:ref:main', ['wildcard-identity']],
    ['gitlab-ci', 'project_path:acme/web:ref_type:branch:ref:*', ['any-ref']],
    ['gitlab-ci', 'project_id:42:ref_type:branch:ref:main', []],
    ['gitlab-ci', 'ref_type:branch:ref:main', ['user-claim']],
    ['buildkite', 'organization:acme:pipeline:*', ['wildcard-identity']],
    ['buildkite', 'organization:acme:pipeline:deploy*:ref:refs/heads/main:commit:*:step:*', ['wildcard-identity']],
    ['buildkite', 'organization:acme:pipeline:deploy:ref:*:commit:*:step:*', ['any-ref']],
    ['buildkite', 'organization:acme:pipeline:deploy:ref:refs/heads/main:commit:*:step:*', []],
    ['hcp-terraform', 'organization:acme:project:infra:workspace:prod:run_phase:*', ['run-phase-any']],
    ['hcp-terraform', 'organization:acme:project:infra:workspace:*:run_phase:apply', ['wildcard-identity']],
    ['hcp-terraform', 'organization:acme:*', ['wildcard-identity']],
    ['bitbucket-pipelines', '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}:*', []],
    ['bitbucket-pipelines', '2e9e429c-7b8b-404f-8648-8c40c27c9ebd:*', ['bitbucket-uuid']],
    ['bitbucket-pipelines', '*', ['bitbucket-uuid']],
    ['circleci', 'org/o1/project/*/user/*', ['wildcard-identity']],
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
      // Bitbucket settings-page templates carry `{repositoryUuid}` placeholders, correctly refused.
      if (sub.startsWith('{repositoryUuid}')) expect(r.issues.map(i => i.issue)).toEqual(['bitbucket-uuid']);
      else expect({ sub, level: r.level, issues: r.issues }).toEqual({ sub, level: 3, issues: [] });
    }
  });

  test('property: a wildcard anywhere in owner or repository is always refused', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
    fc.assert(fc.property(name, name, fc.nat(), fc.constantFrom('*', '?'), fc.boolean(), (owner, repo, at, wc, inOwner) => {
      const target = inOwner ? owner : repo;
      const i = at % (target.length + 1);
      const bad = target.slice(0, i) + wc + target.slice(i);
      const sub = inOwner ? `repo:${bad}/${repo}:ref:refs/heads/main` : `repo:${owner}/${bad}:ref:refs/heads/main`;
      expect(judge('github-actions', sub).issues).toContain('wildcard-identity');
    }));
  });

  test('property: every value of a list is judged, wherever the poisoned one sits', () => {
    const good = 'repo:acme@1/web@2:ref:refs/heads/main';
    fc.assert(fc.property(fc.nat(5), fc.nat(), fc.constantFrom('*', 'repo:*', 'environment:prod', 'repo:acme/*'), (n, at, poison) => {
      const values = Array.from({ length: n + 1 }, (_, k) => `${good}${k}`);
      values.splice(at % (values.length + 1), 0, poison);
      const t = extractCloudFormation('t.json', {
        Resources: {
          R: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {
                Statement: [{
                  Effect: 'Allow',
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Principal: { Federated: 'arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com' },
                  Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': values } },
                }],
              },
            },
          },
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
    expect(scan(mk("assertion.repository_id == \"2\" && assertion.repository_owner_id == r'1'")).map(f => f.id)).toEqual([]);
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
    const [f] = extractAll(loadFiles(path.join(FIXTURES, 'secure'), ['azure-flexible-ids.tf.json']));
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
