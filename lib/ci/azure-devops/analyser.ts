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
    if ([m[2], m[3], m[4]].some((s) => hasWild(s) || s === '')) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in the organization, project or connection`);
    return pinned(3);
  }
  return analyseOpaqueSubject(p);
}

/** @internal */
export const AZURE_DEVOPS_ANALYSER: SubjectAnalyser = { analyse };
