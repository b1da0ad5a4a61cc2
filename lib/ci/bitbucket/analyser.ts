import { pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of Bitbucket Pipelines' `sub`
 * (https://support.atlassian.com/bitbucket-cloud/docs/integrate-pipelines-with-resource-servers-using-oidc/):
 * `{REPOSITORY_UUID}[:{ENVIRONMENT_UUID}]:{STEP_UUID}`, braces kept. The repository UUID is the
 * identity. Independent of builder.ts and subject.ts.
 * @internal
 */

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const first = p.split(':')[0];
  if (!/^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/.test(first)) {
    return refused('bitbucket-uuid', `subject \`${v}\` does not start with a braced repository UUID`);
  }
  return pinned(3, true);
}

function describe(enc: string): string {
  return `Bitbucket Pipelines steps of repository ${showPattern(enc).split(':')[0]}`;
}

/** @internal */
export const BITBUCKET_ANALYSER: SubjectAnalyser = {
  analyse,
  describe,
  claims: {
    repository: ['repositoryuuid'],
    owner: ['workspaceuuid'],
    opaqueIds: ['repositoryuuid', 'workspaceuuid'],
  },
};
