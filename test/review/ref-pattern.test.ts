/**
 * Partial branch, tag and environment patterns (`ref:refs/heads/release/*`, `environment:prod-*`)
 * after a pinned identity: the scanner's own warning (CIT-AWS-024, CIT-GCP-022, CIT-AZ-018, model
 * rule CIT-M012), distinct from any-ref (the whole field open) and from the identity findings (a
 * wildcard in the owner or repository). A trust ci-oidc-trust built with Widening.REF_PATTERN is
 * shown as one built with Widening.ANY_REF is: the scanner's finding next to the declared warning.
 */
import { App, Stack } from 'aws-cdk-lib';
import { TerraformResource, TerraformStack, Testing } from 'cdktf';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { TrustReport } from '../../lib/review';
import { extractCloudFormation, extractTerraform } from '../../lib/review/scan/extract';
import { findingDefinition } from '../../lib/review/scan/findings';
import { scan } from '../../lib/review/scan/scanner';
import { webIdentityRole } from '../support/templates';

const GH = 'token.actions.githubusercontent.com';

/** One AWS role trusting GitHub with these conditions besides `aud`. */
function awsRole(conditions: Record<string, Record<string, string | string[]>>, issuer = GH, aud = 'sts.amazonaws.com') {
  const cond: Record<string, Record<string, string | string[]>> = { StringEquals: { [`${issuer}:aud`]: aud } };
  for (const [op, pins] of Object.entries(conditions)) cond[op] = { ...cond[op], ...pins };
  return scan(extractCloudFormation('t.json', { Resources: { R: webIdentityRole(`arn:aws:iam::1:oidc-provider/${issuer}`, cond) } }));
}
const sub = (v: string | string[]) => awsRole({ StringLike: { [`${GH}:sub`]: v } });

/** One GCP provider trusting GitHub with this attribute condition, granted on repository_id 2002. */
function gcpProvider(condition: string) {
  return scan(extractTerraform('main.tf.json', {
    resource: {
      google_iam_workload_identity_pool: { ci: { workload_identity_pool_id: 'ci-pool', project: 'acme-prod' } },
      google_iam_workload_identity_pool_provider: {
        github: {
          workload_identity_pool_id: '${google_iam_workload_identity_pool.ci.workload_identity_pool_id}',
          workload_identity_pool_provider_id: 'github',
          attribute_mapping: { 'google.subject': 'assertion.sub', 'attribute.repository_id': 'assertion.repository_id' },
          oidc: [{ issuer_uri: `https://${GH}` }],
          attribute_condition: condition,
        },
      },
      google_service_account_iam_member: {
        wif: {
          service_account_id: '${google_service_account.deploy.name}',
          role: 'roles/iam.workloadIdentityUser',
          member: 'principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/attribute.repository_id/2002',
        },
      },
    },
  }));
}

/** One Flexible FIC trusting GitHub with this expression. */
function azureFlexible(expression: string) {
  return scan(extractTerraform('main.tf.json', {
    resource: {
      azuread_application: { app: { display_name: 'deploy' } },
      azuread_service_principal: { app: { client_id: '${azuread_application.app.client_id}' } },
      azurerm_role_assignment: { app: { scope: '/subscriptions/0000', role_definition_name: 'Reader', principal_id: '${azuread_service_principal.app.object_id}' } },
      azuread_application_flexible_federated_identity_credential: {
        gh: {
          application_id: '${azuread_application.app.id}',
          display_name: 'gh',
          issuer: `https://${GH}`,
          audience: 'api://AzureADTokenExchange',
          claims_matching_expression: expression,
        },
      },
    },
  }));
}

const ids = (fs: { id: string }[]) => [...new Set(fs.map(f => f.id))].sort();
const IMMUTABLE = 'repo:acme@1001/web@2002';

describe('the ref-pattern finding', () => {
  test.each(['CIT-AWS-024', 'CIT-GCP-022', 'CIT-AZ-018'] as const)('%s is a warning linked to CIT-M012 whose fix names the widening', (id) => {
    const d = findingDefinition(id);
    expect(d).toMatchObject({ class: 'warning', severity: 'warning', model: 'CIT-M012' });
    expect(d.fix).toContain('Widening.REF_PATTERN');
    expect(d.fix).toContain('required reviewers');
  });
});

describe('AWS StringLike', () => {
  test.each([
    [`${IMMUTABLE}:ref:refs/heads/release/*`, 'branch', 'refs/heads/release/*'],
    [`${IMMUTABLE}:ref:refs/tags/v*`, 'tag', 'refs/tags/v*'],
    [`${IMMUTABLE}:environment:prod-*`, 'environment', 'prod-*'],
  ])('%s gets exactly CIT-AWS-024, naming the pattern', (value, what, pattern) => {
    const fs = sub(value);
    expect(fs.map(f => [f.id, f.severity])).toEqual([['CIT-AWS-024', 'warning']]);
    expect(fs[0].message).toContain(`admits every ${what} matching \`${pattern}\``);
    expect(fs[0].fix).toContain('`ref:refs/heads/<branch>`');
  });

  test('the whole ref open is any-ref only; an exact ref is neither', () => {
    expect(ids(sub(`${IMMUTABLE}:*`))).toEqual(['CIT-AWS-003']);
    expect(ids(sub(`${IMMUTABLE}:ref:refs/heads/*`))).toEqual(['CIT-AWS-003']);
    expect(ids(sub(`${IMMUTABLE}:environment:*`))).toEqual(['CIT-AWS-003']);
    expect(ids(sub(`${IMMUTABLE}:ref:refs/heads/main`))).toEqual([]);
    expect(ids(awsRole({ StringEquals: { [`${GH}:sub`]: `${IMMUTABLE}:environment:prod` } }))).toEqual([]);
  });

  test('adversarial: a wildcard in the owner or repository is the identity finding, not this one', () => {
    expect(ids(sub('repo:ac*/web:ref:refs/heads/release/*'))).toEqual(['CIT-AWS-002']);
    expect(ids(sub('repo:acme@1001/w*:ref:refs/heads/release/*'))).toEqual(['CIT-AWS-019']);
    // Under StringEquals a `*` is text: it never matches (broken), it is not a pattern.
    expect(ids(awsRole({ StringEquals: { [`${GH}:sub`]: `${IMMUTABLE}:ref:refs/heads/release/*` } }))).toEqual(['CIT-AWS-021']);
  });

  test('a pattern in one value of a list is reported; the exact values are not', () => {
    const fs = sub([`${IMMUTABLE}:ref:refs/heads/main`, `${IMMUTABLE}:ref:refs/heads/release/*`]);
    expect(fs.map(f => f.id)).toEqual(['CIT-AWS-024']);
    expect(fs[0].message).toContain('release/*');
  });

  test('a user-claim subject with the repository pinned by another condition: the pattern is reported', () => {
    const fs = awsRole({ StringLike: { [`${GH}:sub`]: 'environment:prod-*' }, StringEquals: { [`${GH}:repository_id`]: '2002' } });
    expect(ids(fs)).toEqual(['CIT-AWS-024']);
    // Without a repository pin the user claim is the error, and the pattern inside it is moot.
    expect(ids(sub('environment:prod-*'))).toEqual(['CIT-AWS-005']);
  });

  test('GitLab: a partial ref after a pinned project', () => {
    const gl = (v: string) => awsRole({ StringLike: { 'gitlab.com:sub': v } }, 'gitlab.com', 'https://gitlab.com');
    const fs = gl('project_path:acme/web:ref_type:branch:ref:release/*');
    expect(fs.map(f => f.id)).toEqual(['CIT-AWS-024']);
    expect(fs[0].message).toContain('admits every branch matching `release/*`');
    expect(fs[0].fix).toContain('`ref_type:branch:ref:<branch>`');
    expect(ids(gl('project_path:acme/web:ref_type:tag:ref:v*'))).toEqual(['CIT-AWS-024']);
    expect(ids(gl('project_path:acme/web:ref_type:branch:ref:*'))).toEqual(['CIT-AWS-003']);
    expect(ids(gl('project_path:acme/web:ref_type:branch:ref:main'))).toEqual([]);
    expect(ids(gl('project_path:ac*/web:ref_type:branch:ref:release/*'))).toEqual(['CIT-AWS-002']);
  });
});

describe('GCP CEL', () => {
  test('startsWith on sub and on the ref or environment claim gets exactly CIT-GCP-022', () => {
    const s = gcpProvider(`assertion.repository_id == '2002' && assertion.sub.startsWith('${IMMUTABLE}:ref:refs/heads/release/')`);
    expect(s.map(f => [f.id, f.severity])).toEqual([['CIT-GCP-022', 'warning']]);
    expect(s[0].message).toContain('`refs/heads/release/*`');
    const env = gcpProvider('assertion.repository_id == \'2002\' && assertion.environment.startsWith(\'prod-\')');
    expect(env.map(f => f.id)).toEqual(['CIT-GCP-022']);
    expect(env[0].message).toContain('`environment` pattern `prod-*`');
    expect(ids(gcpProvider('assertion.repository_id == \'2002\' && assertion.ref.startsWith(\'refs/tags/v\')'))).toEqual(['CIT-GCP-022']);
  });

  test('matches (a regular expression) reads the same; one pattern branch of a disjunction is reported', () => {
    const m = gcpProvider('assertion.repository_id == \'2002\' && assertion.ref.matches(\'^refs/heads/release/.*$\')');
    expect(m.map(f => f.id)).toEqual(['CIT-GCP-022']);
    expect(m[0].message).toContain('`ref` pattern `refs/heads/release/*`');
    expect(ids(gcpProvider(`assertion.repository_id == '2002' && assertion.sub.matches('^${IMMUTABLE}:environment:prod-.*$')`))).toEqual(['CIT-GCP-022']);
    expect(ids(gcpProvider('assertion.repository_id == \'2002\' && assertion.ref.matches(\'^refs/heads/.*$\')'))).toEqual(['CIT-GCP-007']);
    expect(ids(gcpProvider('assertion.repository_id == \'2002\' && (assertion.ref == \'refs/heads/main\' || assertion.ref.startsWith(\'refs/heads/release/\'))'))).toEqual(['CIT-GCP-022']);
    expect(ids(gcpProvider('assertion.repository_id == \'2002\' && assertion.ref in [\'refs/heads/main\', \'refs/heads/dev\']'))).toEqual([]);
  });

  test('the whole ref open is any-ref only; an exact ref is neither; an exact ref claim narrows a sub pattern', () => {
    expect(ids(gcpProvider(`assertion.repository_id == '2002' && assertion.sub.startsWith('${IMMUTABLE}:')`))).toEqual(['CIT-GCP-007']);
    expect(ids(gcpProvider('assertion.repository_id == \'2002\' && assertion.ref.startsWith(\'refs/heads/\')'))).toEqual(['CIT-GCP-007']);
    expect(ids(gcpProvider('assertion.repository_id == \'2002\' && assertion.ref == \'refs/heads/main\''))).toEqual([]);
    expect(ids(gcpProvider(`assertion.repository_id == '2002' && assertion.sub.startsWith('${IMMUTABLE}:ref:refs/heads/release/') && assertion.ref == 'refs/heads/release/1'`))).toEqual([]);
  });

  test('adversarial: a prefix inside the owner is the identity finding', () => {
    // (The grant pins the repository id with no ref: that is any-ref.)
    const r = ids(gcpProvider('assertion.sub.startsWith(\'repo:ac\')'));
    expect(r).toContain('CIT-GCP-006');
    expect(r).not.toContain('CIT-GCP-022');
  });
});

describe('Azure Flexible FIC', () => {
  test('matches with a partial ref or environment gets exactly CIT-AZ-018; the whole ref open is any-ref only', () => {
    const f = azureFlexible(`claims['sub'] matches '${IMMUTABLE}:environment:prod-*'`);
    expect(f.map(x => [x.id, x.severity])).toEqual([['CIT-AZ-018', 'warning']]);
    expect(f[0].message).toContain('admits every environment matching `prod-*`');
    expect(ids(azureFlexible(`claims['sub'] matches '${IMMUTABLE}:ref:refs/heads/release/*'`))).toEqual(['CIT-AZ-018']);
    expect(ids(azureFlexible(`claims['sub'] matches '${IMMUTABLE}:*'`))).toEqual(['CIT-AZ-006']);
    expect(ids(azureFlexible(`claims['sub'] eq '${IMMUTABLE}:ref:refs/heads/main'`))).toEqual([]);
    expect(ids(azureFlexible('claims[\'sub\'] matches \'repo:ac*/web:ref:refs/heads/release/*\''))).toEqual(['CIT-AZ-005']);
  });
});

describe('trusts ci-oidc-trust built', () => {
  const web = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456' });
  const review = (trust: Trust) => {
    const stack = new Stack(new App(), 'S');
    new CiOidcRole(stack, 'R', { trusts: [trust] });
    return JSON.parse(TrustReport.fromCdkStack(stack).toJson());
  };

  test('Widening.REF_PATTERN is shown as Widening.ANY_REF is: the finding per subject form next to the declared warning', () => {
    const anyRef = review(web().onAnyRef().accept(Widening.ANY_REF).toTrust());
    const pattern = review(web().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust());
    for (const [r, id, rule, widening] of [[anyRef, 'CIT-AWS-003', 'CIT-M011', 'ANY_REF'], [pattern, 'CIT-AWS-024', 'CIT-M012', 'REF_PATTERN']]) {
      // Both subject forms (name and immutable) carry the pattern: one finding each, nothing else.
      expect(r.findings.map((f: any) => f.id)).toEqual([id, id]);
      expect(r.trusts[0].findings).toEqual([id]);
      expect(r.trusts[0].metadata.widenings).toEqual([widening]);
      expect(r.trusts[0].metadata.warnings.map((w: any) => w.id)).toContain(rule);
      // Findings and declared warnings are counted apart, each once.
      expect(r.summary.warnings).toBe(r.findings.length + r.summary.declaredWarnings);
      expect(r.summary.result).toBe('pass');
    }
    expect(pattern.findings.map((f: any) => f.message).join('\n')).toContain('admits every branch matching `refs/heads/release/*`');
  });

  test('exact branches built by ci-oidc-trust get no finding', () => {
    expect(review(web().onBranch('main').toTrust()).findings).toEqual([]);
  });

  test('GCP: Widening.REF_PATTERN is shown as Widening.ANY_REF is, from the pool the constructs wrote', () => {
    const reviewGcp = (trust: Trust) => {
      const stack = new TerraformStack(Testing.app(), 'ci');
      const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-deploy' });
      pool.addProvider('GitHub', { providerId: 'github', trusts: [trust] }).grantServiceAccountImpersonation('deploy@acme-prod.iam.gserviceaccount.com');
      return JSON.parse(TrustReport.fromCdktfStack(stack).toJson());
    };
    const anyRef = reviewGcp(web().onAnyRef().accept(Widening.ANY_REF).toTrust());
    const pattern = reviewGcp(web().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust());
    for (const [r, id, rule, widening] of [[anyRef, 'CIT-GCP-007', 'CIT-M011', 'ANY_REF'], [pattern, 'CIT-GCP-022', 'CIT-M012', 'REF_PATTERN']]) {
      // One CEL clause per subject form, each carrying the pattern: one finding each, nothing else.
      expect(r.findings.map((f: any) => f.id)).toEqual([id, id]);
      expect(r.trusts.map((t: any) => t.findings)).toEqual([[id]]);
      expect(r.trusts[0].metadata.widenings).toEqual([widening]);
      expect(r.trusts[0].metadata.warnings.map((w: any) => w.id)).toContain(rule);
      expect(r.summary.warnings).toBe(r.findings.length + r.summary.declaredWarnings);
      expect(r.summary.result).toBe('pass');
    }
  });

  test('Azure: a ref pattern is refused at synth (a federated credential matches the subject exactly), naming the fix', () => {
    const stack = new TerraformStack(Testing.app(), 'az');
    const trust = web().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust();
    expect(() => new FederatedManagedIdentity(stack, 'Id', { name: 'deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [trust] }))
      .toThrow(/match the subject exactly, without wildcards.*Fix: enumerate the branches, tags or environments instead of a pattern/s);
    // Nothing half-built: the trusts are checked before the identity resource is made.
    expect(stack.node.findAll().filter((c) => c instanceof TerraformResource)).toEqual([]);
    expect(JSON.parse(Testing.synth(stack)).resource).toBeUndefined();
  });

  test('GitLab onBranchPattern', () => {
    const r = review(GitLabCi.project({ projectPath: 'platform/infra', projectId: '4242' }).onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust());
    expect([...new Set(r.findings.map((f: any) => f.id))]).toEqual(['CIT-AWS-024']);
    expect(r.trusts[0].metadata.warnings.map((w: any) => w.id)).toContain('CIT-M012');
  });
});
