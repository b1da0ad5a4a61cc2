import { allWild, ANY_CASE_UUID, hasWild, pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of Buildkite's `sub` (https://buildkite.com/docs/agent/v3/cli-oidc):
 * `organization:ORG:pipeline:PIPE:ref:REF:commit:SHA:step:KEY`, or an immutable id such as the
 * pipeline UUID (`--subject-claim pipeline_id`). Independent of builder.ts and subject.ts.
 * @internal
 */

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  if (ANY_CASE_UUID.test(p)) return pinned(3, true); // --subject-claim pipeline_id (or another immutable id)
  const segs = p.split(':');
  if (allWild(p)) return refused('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (segs[0] !== 'organization') {
    if (hasWild(segs[0])) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
    return refused('malformed', `subject \`${v}\` does not start with \`organization:\` and is not a UUID`);
  }
  if (hasWild(segs[1]) || !segs[1]) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in the organization`);
  if (segs.length < 4 || segs[2] !== 'pipeline' || hasWild(segs[3]) || !segs[3]) {
    if (segs.length < 3 && !hasWild(p)) return refused('malformed', `subject \`${v}\` has no pipeline`);
    return refused('wildcard-identity', `subject \`${v}\` does not pin an exact pipeline (\`pipeline:*\` trusts every pipeline of the organization)`);
  }
  const verdict = pinned(3);
  if (segs.length === 4 || hasWild(segs[4]) || (segs[4] === 'ref' && allWild(segs[5]))) {
    verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any branch or tag of pipeline ${segs[3]}` });
  }
  return verdict;
}

function describe(enc: string): string | undefined {
  const segs = showPattern(enc).split(':');
  if (segs[0] !== 'organization') return undefined;
  const ref = segs[5];
  return `Buildkite jobs of pipeline ${segs[1]}/${segs[3] ?? '*'}${ref ? ` on ${ref.replace(/^refs\/heads\//, 'branch ').replace(/^refs\/tags\//, 'tag ')}` : ''}`;
}

/** @internal */
export const BUILDKITE_ANALYSER: SubjectAnalyser = {
  analyse,
  describe,
  // The pipeline-UUID subject is one value, not a key:value sequence.
  isKeyValueSubject: (subject) => !ANY_CASE_UUID.test(subject),
  claims: {
    repository: ['pipeline_id'],
    owner: ['organization_slug', 'organization_id'],
    scoped: ['pipeline_slug'],
    ids: ['pipeline_id', 'organization_id'],
  },
};
