/**
 * Token generators for the differential tests of every cloud: realistic tokens for a trust, near
 * misses, and adversarial values. Each cloud test evaluates the same generated tokens with the
 * model (`trust.evaluate`) and with its own oracle on the compiled artifact; they must agree.
 */
import fc from 'fast-check';
import { renderBitbucketSubject } from '../../lib/ci/bitbucket/subject';
import { renderBuildkiteSubject } from '../../lib/ci/buildkite/subject';
import { renderCircleCiSubject } from '../../lib/ci/circleci/subject';
import { renderSubject } from '../../lib/ci/github/subject';
import { renderGitLabSubject } from '../../lib/ci/gitlab/subject';
import { renderHcpTerraformSubject } from '../../lib/ci/hcp-terraform/subject';
import { Glob } from '../../lib/model/glob';
import { RequestContext } from '../../lib/model/network';
import { Trust } from '../../lib/model/trust';

/** Characters that break naive escaping in IAM, CEL, JSON, Terraform templates, regexes and subjects. */
export const HAZARDS = [':', '*', '?', "'", '"', '\\', '$', '${', '%{', '$${', '}', '{', '/', '%3A', '\n', '\t', ' ', '.', '@', '|', '(', ')', '[', ']', '^', '+', 'é', 'e\u0301', 'р', '🙂', '\u202e', '\u200d', 'A', 'a', 'Z', '0', '9', '-', '_'];

/** Short strings made of hazards and letters. */
export const adversarialString: fc.Arbitrary<string> = fc.array(fc.constantFrom(...HAZARDS), { maxLength: 6 }).map((a) => a.join(''));

/** Mutations that make near misses of a real value. */
export function mutate(value: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(value),
    fc.constant(value.toUpperCase()),
    fc.constant(value.toLowerCase()),
    fc.constant(value + '-evil'),
    fc.constant(value.slice(0, -1)),
    fc.constant(''),
    adversarialString.map((s) => value + s),
    adversarialString.map((s) => s + value),
    fc.tuple(fc.nat(value.length), adversarialString).map(([i, s]) => value.slice(0, i) + s + value.slice(i)),
    adversarialString,
  );
}

/** A string matching the glob, with hazards in the wildcards. */
function instantiate(g: Glob): fc.Arbitrary<string> {
  if (g.parts.length === 1) return fc.constant(g.parts[0]);
  return fc.array(adversarialString, { minLength: g.parts.length - 1, maxLength: g.parts.length - 1 })
    .map((fill) => g.parts.map((p, i) => p + (fill[i] ?? '')).join(''));
}

/** Values the condition expects for each claim (exact values and instances of its patterns). */
function expectedValues(trust: Trust): Map<string, fc.Arbitrary<string>[]> {
  const m = new Map<string, fc.Arbitrary<string>[]>();
  for (const term of trust.condition._terms()) {
    for (const t of term.tests) {
      if (t.kind === 'has') continue; // list claims: see listValues()
      const list = m.get(t.claim) ?? [];
      if (t.kind === 'in') list.push(...t.values.map((v) => fc.constant(v)));
      else list.push(...t.patterns.map(instantiate));
      m.set(t.claim, list);
    }
  }
  return m;
}

/** List claims (e.g. CircleCI context ids): lists with and without an expected element, or not a list. */
function listValues(trust: Trust): Record<string, fc.Arbitrary<unknown>> {
  const out: Record<string, fc.Arbitrary<unknown>> = {};
  for (const term of trust.condition._terms()) {
    for (const t of term.tests) {
      if (t.kind !== 'has') continue;
      const element = fc.oneof(fc.constantFrom(...t.values), adversarialString, fc.constantFrom(...t.values).chain(mutate));
      out[t.claim] = fc.oneof(
        { weight: 6, arbitrary: fc.array(element, { maxLength: 4 }) },
        { weight: 1, arbitrary: fc.constantFrom(undefined, t.values[0], null, 7) },
      );
    }
  }
  return out;
}

/** A value for a claim: mostly an expected one, often a near miss, sometimes absent or not a string. */
function claimValue(expected: fc.Arbitrary<string>[]): fc.Arbitrary<unknown> {
  const good = fc.oneof(...expected);
  return fc.oneof(
    { weight: 6, arbitrary: good },
    { weight: 3, arbitrary: good.chain(mutate) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 123, true, null, ['x']) },
  );
}

/**
 * Tokens for a bound trust (audiences set): about half allowed, the rest near misses on one or
 * more claims, the subject, the issuer or the audience. The `sub` is either rendered from the
 * generated claims with the provider's grammar (as the CI provider would), one of the subjects
 * the trust expects, or a mutation of it.
 */
export function tokenFor(trust: Trust): fc.Arbitrary<Record<string, unknown>> {
  const expected = expectedValues(trust);
  const claimNames = [...expected.keys()].filter((c) => c !== 'sub').sort();
  const base = baseClaims(trust);
  const claimArbs: Record<string, fc.Arbitrary<unknown>> = {};
  for (const c of claimNames) claimArbs[c] = claimValue(expected.get(c)!);
  Object.assign(claimArbs, listValues(trust));
  const subs = expected.get('sub') ?? [fc.constant('')];
  const aud = trust.audiences?.[0] ?? 'sts.amazonaws.com';
  return fc.record({
    claims: fc.record(claimArbs),
    subKind: fc.constantFrom('rendered', 'expected', 'expected', 'mutated'),
    expectedSub: fc.oneof(...subs),
    mutatedSub: fc.oneof(...subs).chain(mutate),
    iss: fc.oneof({ weight: 9, arbitrary: fc.constant(trust.issuer) }, { weight: 1, arbitrary: mutate(trust.issuer) }),
    aud: fc.oneof(
      { weight: 7, arbitrary: fc.constant<unknown>(aud) },
      { weight: 1, arbitrary: fc.constant<unknown>([aud, 'https://other.example']) },
      { weight: 2, arbitrary: mutate(aud) },
    ),
  }).map((g) => {
    const claims: Record<string, unknown> = { ...base, iss: g.iss, aud: g.aud };
    for (const [k, v] of Object.entries(g.claims)) {
      if (v === undefined) delete claims[k];
      else claims[k] = v;
    }
    claims.sub = g.subKind === 'rendered' ? renderFor(trust, claims) : g.subKind === 'expected' ? g.expectedSub : g.mutatedSub;
    if (trust.sessionTags.length) {
      // The agent copies the configured claims into session tags (numbers as strings, null as "").
      claims['https://aws.amazon.com/tags'] = {
        principal_tags: Object.fromEntries(trust.sessionTags.map((k) => [k, [claims[k] === undefined || claims[k] === null ? '' : String(claims[k])]])),
      };
    }
    return claims;
  });
}

/** Typical other claims of each provider, so tokens look real. */
function baseClaims(trust: Trust): Record<string, unknown> {
  const d = trust._details as Record<string, any>;
  switch (trust.provider) {
    case 'github-actions':
      return {
        repository: `${d.owner}/${d.repository}`,
        repository_owner: d.owner,
        repository_owner_id: d.ownerId ?? '1',
        repository_id: d.repositoryId ?? '2',
        ref: 'refs/heads/main',
        event_name: 'push',
        runner_environment: 'github-hosted',
        jti: 'x',
        iat: 1,
        exp: 2,
        ...(d.environments?.length ? { environment: d.environments[0] } : {}),
      };
    case 'gitlab-ci':
      return { project_path: d.projectPath, project_id: d.projectId ?? '1', ref_type: 'branch', ref: d.branches?.[0] ?? 'main', ref_protected: 'true', pipeline_source: 'push', namespace_path: String(d.projectPath).split('/')[0] };
    case 'buildkite':
      return { organization_slug: d.organization, pipeline_slug: d.pipeline, build_branch: 'main', build_commit: '9f3182061f1e2cca4702c368cbc039b7dc9d4485', step_key: 'deploy', build_number: 7, build_source: 'webhook', runner_environment: 'self-hosted' };
    case 'hcp-terraform':
      return {
        terraform_organization_name: d.organization,
        terraform_project_name: d.project,
        terraform_workspace_name: d.workspace,
        terraform_run_phase: d.phases?.[0] ?? 'apply',
        terraform_workspace_id: d.workspaceId ?? 'ws-AAAAAAAAAAAAAAAA',
        terraform_organization_id: d.organizationId ?? 'org-AAAAAAAAAAAAAAAA',
      };
    case 'bitbucket-pipelines':
      return { repositoryUuid: d.repositoryUuid, workspaceUuid: d.workspaceUuid, stepUuid: '{11111111-2222-3333-4444-555555555555}', branchName: d.branches?.[0] ?? 'main', ...(d.environments?.length ? { deploymentEnvironmentUuid: d.environments[0] } : {}) };
    case 'circleci':
      return {
        'oidc.circleci.com/project-id': d.projectId,
        'oidc.circleci.com/vcs-origin': d.vcsOrigin ?? 'github.com/acme/web',
        'oidc.circleci.com/vcs-ref': d.refs?.[0] ?? 'refs/heads/main',
      };
    default:
      return {};
  }
}

/** Render `sub` from the claims with the provider's grammar and the trust's subject settings. */
function renderFor(trust: Trust, claims: Record<string, unknown>): string {
  const d = trust._details as Record<string, any>;
  switch (trust.provider) {
    case 'github-actions':
      return renderSubject(claims, d.subjectFormat === 'IMMUTABLE' || (d.subjectFormat === 'BOTH' && String(claims.jti).length % 2 === 0), d.subjectTemplate);
    case 'gitlab-ci':
      return renderGitLabSubject(claims, d.subjectComponents);
    case 'buildkite':
      return d.subject === 'PIPELINE_ID' ? String(claims.pipeline_id ?? d.pipelineId) : renderBuildkiteSubject(claims);
    case 'hcp-terraform':
      return renderHcpTerraformSubject(claims);
    case 'bitbucket-pipelines':
      return renderBitbucketSubject(claims);
    case 'circleci':
      return renderCircleCiSubject(claims, d.organizationId, d.users?.[0] ?? '00000000-0000-4000-8000-000000000001', String(claims['oidc.circleci.com/vcs-ref']).length % 2 === 0);
    case 'azure-devops':
      return String(d.subject);
    default:
      return String(claims.sub ?? '');
  }
}

/** Request contexts for network-restricted trusts: listed networks, neighbours and unknowns. */
export function requestFor(trust: Trust): fc.Arbitrary<RequestContext | undefined> {
  const n = trust.network;
  if (!n) return fc.constant(undefined);
  const ips = n.sourceIpCidrs.map((c) => c.split('/')[0]);
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...[...ips, '198.51.100.7', '2001:db8::1', '10.0.0.1']).map((sourceIp) => ({ sourceIp })),
    fc.constantFrom(...[...n.awsVpcEndpointIds, 'vpce-0000000000000000f']).map((awsVpcEndpointId) => ({ awsVpcEndpointId, sourceIp: ips[0] })),
    fc.constantFrom(...[...n.awsVpcIds, 'vpc-0000000000000000f']).map((awsVpcId) => ({ awsVpcId, awsVpcEndpointId: 'vpce-0123456789abcdef0' })),
  );
}
