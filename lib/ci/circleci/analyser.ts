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
  if (allWild(p) || hasWild(segs[0]) || (segs[0] === 'org' && hasWild(segs[1]))) return refused('wildcard-identity', `subject \`${v}\` does not pin the organization`);
  if (segs[0] !== 'org' || !segs[1]) return refused('malformed', `subject \`${v}\` does not start with \`org/ORG_ID/\``);
  // The organization is the tenant (and normally the issuer's too): a wildcard after it stays inside.
  const orgWide = (what: string): SubjectVerdict => ({ level: 2, issues: [{ issue: 'org-wide', detail: `subject \`${v}\` pins organization ${segs[1]}; ${what}` }], usesIds: true });
  if (segs[2] !== 'project') return hasWild(segs[2]) ? orgWide('any project of it qualifies') : pinned(2, true);
  if (hasWild(segs[3]) || !segs[3]) return orgWide('`project/*` trusts every project of it');
  return pinned(3, true);
}

/** @internal */
export const CIRCLECI_ANALYSER: SubjectAnalyser = {
  analyse,
  claims: {
    repository: ['oidc.circleci.com/project-id'],
    owner: ['oidc.circleci.com/org-id'],
  },
  advice: {
    subject: '`org/ORG_ID/project/PROJECT_ID/…`',
    claims: '`oidc.circleci.com/project-id`',
    context: '`oidc.circleci.com/vcs-ref` (in the v2 token)',
  },
};
