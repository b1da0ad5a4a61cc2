import { hasWild, pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of a Jenkins `sub` (the job URL, https://plugins.jenkins.io/oidc-provider/):
 * pinned when it is one job's complete URL; a wildcard in a job name trusts every job of a folder or
 * of the instance. Independent of builder.ts and subject.ts.
 * @internal
 */
function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const m = /^https:\/\/[^/]+(?:\/[^/]+)*?\/job\/(.*)$/.exec(p);
  if (!m || hasWild(p.slice(0, p.indexOf('/job/')))) return refused('wildcard-identity', `subject \`${v}\` is not a Jenkins job URL on one instance`);
  if (hasWild(m[1])) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in the job path (it trusts other jobs of the folder or instance)`);
  return pinned(3);
}

/** @internal */
export const JENKINS_ANALYSER: SubjectAnalyser = { analyse, describe: (p) => `Jenkins builds of ${showPattern(p)}` };
