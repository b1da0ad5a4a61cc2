import { allWild, hasWild, IdentityLevel, pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of GitHub's `sub` (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect):
 * `repo:OWNER[@ID]/REPO[@ID]:context`, or a customized template of `key:value` pairs
 * (`include_claim_keys`). Independent of builder.ts and subject.ts.
 * @internal
 */

const IDENTITY_KEYS: Record<string, IdentityLevel> = {
  repo: 3, repository: 3, repository_id: 3, repository_owner: 2, repository_owner_id: 2, enterprise_id: 2, enterprise: 2,
};
/** Claims any workflow author controls: a template starting with one says nothing about the repository. */
const USER_KEYS = new Set(['workflow', 'workflow_ref', 'workflow_sha', 'environment', 'ref', 'ref_type', 'context', 'head_ref', 'base_ref', 'job_workflow_ref', 'job_workflow_sha', 'event_name', 'actor', 'actor_id', 'runner_environment', 'repository_visibility', 'pull_request', 'sha']);

/** Does the context (the segments after `repo:O/R`) admit any ref, environment or pull request? */
function anyRefContext(ctx: string[]): boolean {
  if (ctx.length === 0) return false;
  const [kind, ...rest] = ctx;
  if (hasWild(kind)) return true;
  if (kind === 'ref') {
    const ref = rest.join(':');
    return ref === '' || allWild(ref) || /^refs\/?[\uE000\uE001]/.test(ref);
  }
  if (kind === 'environment') return rest.length === 0 || allWild(rest[0]);
  return false;
}

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const segs = p.split(':');
  if (allWild(p)) return refused('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (hasWild(segs[0])) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
  if (segs[0] === 'repo') {
    if (segs.length < 2 || segs[1] === '') return refused('malformed', `subject \`${v}\` has no owner/repository after \`repo:\``);
    const ownerRepo = segs[1];
    if (hasWild(ownerRepo)) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in the owner/repository \`${showPattern(ownerRepo)}\``);
    const m = /^([A-Za-z0-9_.-]+)(?:@([^/]*))?\/([A-Za-z0-9_.-]+)(?:@(.*))?$/.exec(ownerRepo);
    if (!m) return refused('malformed', `subject \`${v}\`: \`${ownerRepo}\` is not \`OWNER[@ID]/REPO[@ID]\``);
    for (const id of [m[2], m[4]]) {
      if (id !== undefined && !/^[1-9][0-9]*$/.test(id)) return refused('malformed', `subject \`${v}\`: \`@${id}\` is not a positive decimal ID`);
    }
    const usesIds = m[2] !== undefined && m[4] !== undefined;
    const ctx = segs.slice(2);
    const verdict = pinned(3, usesIds);
    if (anyRefContext(ctx)) verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any ref, environment or pull request of ${m[1]}/${m[3]}` });
    else if (ctx[0] === 'pull_request') verdict.issues.push({ issue: 'pull-request', detail: `subject \`${v}\` is the pull-request subject` });
    return verdict;
  }
  // Customized subject template: `key:value` pairs (GitHub include_claim_keys).
  let level: IdentityLevel = 0;
  let usesIds = false;
  let workflow = false;
  for (let i = 0; i < segs.length; i++) {
    const key = segs[i];
    if (key === 'job_workflow_ref') workflow = true;
    const idLevel = IDENTITY_KEYS[key];
    if (idLevel === undefined) continue;
    const value = segs[i + 1];
    if (value === undefined || hasWild(value)) return refused('wildcard-identity', `subject \`${v}\` has a wildcard or no value for \`${key}\``);
    if (key.endsWith('_id') && !/^[1-9][0-9]*$/.test(value)) return refused('malformed', `subject \`${v}\`: \`${key}\` value \`${value}\` is not a positive decimal ID`);
    if (key === 'repo' && !value.includes('/')) return refused('malformed', `subject \`${v}\`: \`repo\` value \`${value}\` is not OWNER/REPO`);
    if (key.endsWith('_id')) usesIds = true;
    if (idLevel > level) level = idLevel;
  }
  if (level === 0) {
    if (workflow) return refused('reusable-only', `subject \`${v}\` pins \`job_workflow_ref\` but no caller repository or owner`, 1);
    const first = segs[0];
    const what = USER_KEYS.has(first) ? `starts with the user-controllable claim \`${first}\`` : 'contains no repository or owner claim';
    return refused('user-claim', `subject \`${v}\` ${what}`);
  }
  const verdict = pinned(level, usesIds);
  const envAt = segs.indexOf('environment');
  if (envAt >= 0 && allWild(segs[envAt + 1])) verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any environment` });
  return verdict;
}

function describe(enc: string): string | undefined {
  const v = showPattern(enc);
  const segs = v.split(':');
  if (segs[0] !== 'repo' || !segs[1] || hasWild(enc.split(':')[1] ?? '')) return undefined;
  const m = /^([^/@]+)(?:@(\d+))?\/([^/@]+)(?:@(\d+))?$/.exec(segs[1]);
  const who = m ? `${m[1]}/${m[3]}${m[2] && m[4] ? ` (owner ID ${m[2]}, repository ID ${m[4]})` : ''}` : segs[1];
  const ctx = segs.slice(2);
  const refStr = ctx.slice(1).join(':');
  let where = '';
  if (ctx.length === 0) where = '';
  else if (ctx[0] === '*' || anyRefContext(enc.split(':').slice(2))) where = ' on any branch, tag, environment or pull request';
  else if (ctx[0] === 'ref' && refStr.startsWith('refs/heads/')) where = ` on branch ${refStr.slice(11)}`;
  else if (ctx[0] === 'ref' && refStr.startsWith('refs/tags/')) where = ` on tag ${refStr.slice(10)}`;
  else if (ctx[0] === 'ref') where = ` on ref ${refStr}`;
  else if (ctx[0] === 'environment') where = ` in environment ${decodeURIComponent(ctx[1] ?? '').replace(/%3A/gi, ':')}`;
  else if (ctx[0] === 'pull_request') where = ' for pull requests';
  else where = ` with context \`${ctx.join(':')}\``;
  return `GitHub Actions jobs of ${who}${where}`;
}

/** @internal */
export const GITHUB_ANALYSER: SubjectAnalyser = {
  analyse,
  describe,
  isKeyValueSubject: () => true,
  flagsNameOnly: true,
  claims: {
    repository: ['repository', 'repository_id', 'repo'],
    owner: ['repository_owner', 'repository_owner_id', 'enterprise', 'enterprise_id'],
    ids: ['repository_id', 'repository_owner_id', 'enterprise_id'],
  },
};
