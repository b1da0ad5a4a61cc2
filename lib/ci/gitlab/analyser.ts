import { allWild, anyRefPattern, hasWild, IdentityLevel, partialRefPattern, refPatternIssue, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of GitLab's `sub` (https://docs.gitlab.com/ci/secrets/id_token_authentication/):
 * the project's configured components as `key:value` pairs, by default
 * `project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF`. Independent of builder.ts and subject.ts.
 * @internal
 */

const IDENTITY_KEYS: Record<string, IdentityLevel> = { project_path: 3, project_id: 3, namespace_path: 2, namespace_id: 2 };
/** Components that pin the ref or a protected context when exact. */
const CONTEXT_KEYS = new Set(['ref', 'ref_protected', 'environment_protected']);

/**
 * Only the leading identity components pin (the project chooses its components and their order;
 * GitLab does not encode `:` in values). The top-level group is the tenant: a wildcard inside it
 * crosses to other groups, one after it (`acme/*`) stays inside.
 */
function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const segs = p.split(':');
  if (allWild(p)) return refused('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (hasWild(segs[0])) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
  let level: IdentityLevel = 0;
  let usesIds = false;
  let i = 0;
  let open = false;
  const issues: SubjectVerdict['issues'] = [];
  for (; i < segs.length && IDENTITY_KEYS[segs[i]] !== undefined && !open; i += 2) {
    const key = segs[i];
    const value = segs[i + 1];
    if (value === undefined || value === '') return refused('malformed', `subject \`${v}\` has no value in \`${key}\``);
    if (hasWild(value)) {
      const slash = value.indexOf('/');
      const group = slash < 0 ? value : value.slice(0, slash);
      if (key.endsWith('_id') || hasWild(group)) {
        if (level >= 2) {
          open = true;
          break;
        }
        return refused('wildcard-identity', `subject \`${v}\` has a wildcard in \`${key}\` (\`${showPattern(value)}\` matches other groups)`);
      }
      issues.push({ issue: 'org-wide', detail: `subject \`${v}\` pins group ${group}; \`${showPattern(value)}\` admits other and future projects of it` });
      if (level < 2) level = 2;
      open = value.includes('\uE000') && i + 2 >= segs.length;
      continue;
    }
    if (key === 'project_path' && !value.includes('/')) return refused('malformed', `subject \`${v}\`: project_path \`${value}\` is not GROUP/PROJECT`);
    if (key.endsWith('_id') && !/^[1-9][0-9]*$/.test(value)) return refused('malformed', `subject \`${v}\`: \`${key}\` value \`${value}\` is not a positive decimal ID`);
    if (IDENTITY_KEYS[key] > level) level = IDENTITY_KEYS[key];
    if (key.endsWith('_id')) usesIds = true;
  }
  const rest = segs.slice(i);
  const laterIdentity = rest.find((k, j) => j % 2 === 0 && IDENTITY_KEYS[k] !== undefined);
  if (level === 0) {
    if (laterIdentity) return refused('user-claim', `subject \`${v}\` puts \`${segs[0]}\`, which the pipeline's own project chooses, ahead of \`${laterIdentity}\`, so another project can produce the whole subject`);
    return refused('user-claim', `subject \`${v}\` contains no project_path/project_id`);
  }
  const verdict: SubjectVerdict = { level, issues, usesIds };
  if (level === 2 && issues.length === 0) verdict.issues.push({ issue: 'org-wide', detail: `subject \`${v}\` pins only the group` });
  if (level === 3) {
    let context = false;
    let any = open;
    let pattern: string | undefined;
    let refType: string | undefined;
    for (let j = 0; j < rest.length && !any; j += 2) {
      const [key, value] = [rest[j], rest[j + 1]];
      if (hasWild(key) || (key === 'ref' && anyRefPattern(value))) any = true;
      else if (key === 'ref' || (CONTEXT_KEYS.has(key) && value === 'true')) context = true;
      if (key === 'ref' && partialRefPattern(value)) pattern = value;
      if (key === 'ref_type') refType = value;
    }
    if (any || !context) {
      verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any branch or tag${any ? '' : ' (no ref component)'}` });
    } else if (pattern !== undefined) {
      const what = refType === 'branch' ? 'branch' : refType === 'tag' ? 'tag' : 'branch or tag';
      verdict.issues.push(refPatternIssue(v, what, pattern, `push a matching ${what}`));
    }
  }
  return verdict;
}

function describe(enc: string): string | undefined {
  const segs = showPattern(enc).split(':');
  if (segs[0] !== 'project_path') return undefined;
  const refType = segs[segs.indexOf('ref_type') + 1];
  const ref = segs.indexOf('ref') >= 0 ? segs[segs.indexOf('ref') + 1] : undefined;
  return `GitLab CI jobs of ${segs[1]}${ref ? ` on ${refType === 'tag' ? 'tag' : refType === 'branch' ? 'branch' : 'ref'} ${ref}` : ''}`;
}

/** @internal */
export const GITLAB_ANALYSER: SubjectAnalyser = {
  analyse,
  describe,
  isKeyValueSubject: () => true,
  claims: {
    repository: ['project_path', 'project_id'],
    owner: ['namespace_path', 'namespace_id'],
    ids: ['project_id', 'namespace_id'],
    context: ['ref', 'ref_protected', 'environment', 'environment_protected'],
    paths: ['project_path', 'namespace_path'],
  },
  advice: {
    subject: '`project_path:GROUP/PROJECT:…` or `project_id:ID:…` (the project first)',
    claims: '`project_id` (or `project_path`)',
    context: '`ref_type:branch:ref:<branch>` (claims `ref`, `ref_protected`)',
  },
};
