import { analyseOpaqueSubject, hasWild, pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of Azure DevOps subjects
 * (https://learn.microsoft.com/en-us/azure/devops/pipelines/library/connect-to-azure):
 * `sc://ORG/PROJECT/CONNECTION` (service connection), `p://ORG/PROJECT/PIPELINE` (pipeline token),
 * anything else (the Entra-issued `/eid1/…` form) is read as an opaque subject. Independent of
 * builder.ts.
 * @internal
 */

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const m = /^(sc|p):\/\/([^/]*)\/([^/]*)\/(.*)$/.exec(p);
  if (m) {
    if (hasWild(m[2]) || m[2] === '') return refused('wildcard-identity', `subject \`${v}\` has a wildcard in the organization`);
    // The organization is the tenant (and the issuer's): a wildcard after it stays inside it.
    if ([m[3], m[4]].some((s) => hasWild(s))) return { level: 2, issues: [{ issue: 'org-wide', detail: `subject \`${v}\` pins organization ${m[2]}; the wildcard admits its other projects, connections or pipelines` }], usesIds: false };
    if ([m[3], m[4]].some((s) => s === '')) return refused('malformed', `subject \`${v}\` has an empty project or connection`);
    return pinned(3);
  }
  return analyseOpaqueSubject(p);
}

/** @internal */
export const AZURE_DEVOPS_ANALYSER: SubjectAnalyser = {
  analyse,
  advice: {
    subject: '`sc://ORG/PROJECT/CONNECTION` (or `p://ORG/PROJECT/PIPELINE`)',
    claims: 'the service connection in `sub`',
  },
};
