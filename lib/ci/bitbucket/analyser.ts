import { hasWild, pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

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
  if (/^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/.test(first)) return pinned(3, true);
  // A wildcard there admits every repository of the workspace (the issuer's tenant); literal text
  // that is not a UUID (a copied `{repositoryUuid}` placeholder, a slug) never matches a token.
  if (hasWild(first) || first === '') return refused('bitbucket-uuid', `subject \`${v}\` does not start with a braced repository UUID`);
  return refused('malformed', `subject \`${v}\` starts with \`${first}\`, not a braced repository UUID, so no token matches`);
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
  advice: {
    subject: '`{REPOSITORY_UUID}:…` (the braced repository UUID first)',
    claims: '`repositoryUuid`',
    context: 'the deployment environment UUID (`{REPOSITORY_UUID}:{ENVIRONMENT_UUID}:*`)',
  },
};
