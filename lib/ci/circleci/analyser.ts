import { allWild, hasWild, pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of CircleCI's `sub` (https://circleci.com/docs/openid-connect-tokens/):
 * `org/ORG_ID/project/PROJECT_ID/user/USER_ID`, the v2 token appending
 * `/vcs-origin/ORIGIN/vcs-ref/REF`. Independent of builder.ts and subject.ts.
 * @internal
 */

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const segs = p.split('/');
  if (allWild(p) || segs[0] !== 'org' || hasWild(segs[1])) return refused('wildcard-identity', `subject \`${v}\` does not pin the organization`);
  if (segs[2] !== 'project') return hasWild(segs[2]) ? refused('wildcard-identity', `subject \`${v}\` does not pin a project`) : pinned(2, true);
  if (hasWild(segs[3]) || !segs[3]) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in the project (\`project/*\` trusts every project of the organization)`);
  return pinned(3, true);
}

/** @internal */
export const CIRCLECI_ANALYSER: SubjectAnalyser = {
  analyse,
  claims: {
    repository: ['oidc.circleci.com/project-id'],
    owner: ['oidc.circleci.com/org-id'],
  },
};
