import { allWild, hasWild, IdentityLevel, pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of GitLab's `sub` (https://docs.gitlab.com/ci/secrets/id_token_authentication/):
 * the project's configured components as `key:value` pairs, by default
 * `project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF`. Independent of builder.ts and subject.ts.
 * @internal
 */

const IDENTITY_KEYS = new Set(['project_path', 'project_id', 'namespace_path', 'namespace_id']);

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const segs = p.split(':');
  if (allWild(p)) return refused('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (hasWild(segs[0])) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
  let level: IdentityLevel = 0;
  let usesIds = false;
  let identityEnd = -1;
  for (let i = 0; i < segs.length; i += 2) {
    const key = segs[i];
    const value = segs[i + 1];
    if (IDENTITY_KEYS.has(key)) {
      if (value === undefined || value === '' || hasWild(value)) return refused('wildcard-identity', `subject \`${v}\` has a wildcard or no value in \`${key}\`${value ? ` (\`${showPattern(value)}\`)` : ''}`);
      if (key === 'project_path' && !value.includes('/')) return refused('malformed', `subject \`${v}\`: project_path \`${value}\` is not GROUP/PROJECT`);
      if (key.endsWith('_id') && !/^[1-9][0-9]*$/.test(value)) return refused('malformed', `subject \`${v}\`: \`${key}\` value \`${value}\` is not a positive decimal ID`);
      const l: IdentityLevel = key.startsWith('project') ? 3 : 2;
      if (l > level) level = l;
      if (key.endsWith('_id')) usesIds = true;
      identityEnd = i + 2;
    }
  }
  if (level === 0) return refused('user-claim', `subject \`${v}\` contains no project_path/project_id`);
  const verdict = pinned(level, usesIds);
  const rest = segs.slice(identityEnd);
  const refAt = rest.indexOf('ref');
  if ((rest.length > 0 && allWild(rest[0])) || (refAt >= 0 && allWild(rest[refAt + 1]))) {
    verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any branch or tag` });
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
  },
};
