import type { GitHubDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { firstAudience, UNKNOWN_REGION, UNKNOWN_TENANT } from '../snippet-parts';

/** The workflow: permissions, the trigger the trust pins, and the cloud's login action. @internal */
export function githubSnippet(source: SnippetSource<GitHubDetails>, t: SnippetTarget): string {
  const d = source._details;
  const aud = firstAudience(source);
  const env = d.environments?.length ? `    environment: ${d.environments[0]}\n` : '';
  const branch = d.refs?.find((r) => r.startsWith('refs/heads/'));
  const on = branch ? `on:\n  push:\n    branches: [${branch.slice('refs/heads/'.length)}]\n` : 'on: workflow_dispatch\n';
  const step = t.cloud === 'aws'
    ? `      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: ${t.principal}\n          aws-region: ${t.region ?? UNKNOWN_REGION}\n          audience: ${aud}\n`
    : t.cloud === 'gcp'
      ? `      - uses: google-github-actions/auth@v2\n        with:\n          workload_identity_provider: ${t.principal}\n${t.extra ? `          service_account: ${t.extra}\n` : ''}${aud && !aud.startsWith('//') && !aud.startsWith('https://iam.googleapis.com') ? `          audience: ${aud}\n` : ''}`
      : `      - uses: azure/login@v2\n        with:\n          client-id: ${t.principal}\n          tenant-id: ${t.extra ?? UNKNOWN_TENANT}\n          allow-no-subscriptions: true\n          audience: ${aud}\n`;
  const template = d.subjectTemplate ? `# The repository's OIDC subject template must be ${JSON.stringify(d.subjectTemplate)} (PUT /repos/${d.owner}/${d.repository}/actions/oidc/customization/sub).\n` : '';
  const format = d.subjectFormat === 'IMMUTABLE' ? `# The repository must emit the immutable subject (repo:${d.owner}@${d.ownerId}/${d.repository}@${d.repositoryId}:…).\n` : '';
  return `${template}${format}# .github/workflows/deploy.yml\n${on}permissions:\n  id-token: write\n  contents: read\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n${env}    steps:\n${step}`;
}
