import { allWild, ANY_CASE_UUID, anyRefPattern, hasWild, partialRefPattern, pinned, refPatternIssue, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of Buildkite's `sub` (https://buildkite.com/docs/agent/v3/cli-oidc):
 * `organization:ORG:pipeline:PIPE:ref:REF:commit:SHA:step:KEY`, or an immutable id such as the
 * pipeline UUID (`--subject-claim pipeline_id`). Independent of builder.ts and subject.ts.
 * @internal
 */

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  if (ANY_CASE_UUID.test(p)) {
    // `--subject-claim` lets the job choose which immutable id becomes `sub` (pipeline_id, cluster_id,
    // organization_id…): a bare UUID pins whatever it names, which the template does not say.
    const verdict = pinned(3, true);
    verdict.issues.push({ issue: 'opaque-id', detail: `subject \`${v}\` is a bare id: one pipeline if it is a pipeline_id, every pipeline on a cluster or of the organization if it is a cluster_id or organization_id (the job chooses with \`--subject-claim\`)` });
    return verdict;
  }
  const segs = p.split(':');
  if (allWild(p)) return refused('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (segs[0] !== 'organization') {
    if (hasWild(segs[0])) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
    return refused('malformed', `subject \`${v}\` does not start with \`organization:\` and is not a UUID`);
  }
  if (hasWild(segs[1]) || !segs[1]) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in the organization`);
  // The organization is the tenant: what follows a pinned organization stays inside it.
  const orgWide = (what: string): SubjectVerdict => ({ level: 2, issues: [{ issue: 'org-wide', detail: `subject \`${v}\` pins organization ${segs[1]}; ${what}` }], usesIds: false });
  if (segs.length < 3) return hasWild(p) ? orgWide('any pipeline of it qualifies') : refused('malformed', `subject \`${v}\` has no pipeline`);
  if (hasWild(segs[2])) return orgWide('any pipeline of it qualifies');
  if (segs[2] !== 'pipeline') return refused('malformed', `subject \`${v}\`: expected \`pipeline\` after the organization`);
  if (segs.length < 4 || !segs[3]) return hasWild(p) ? orgWide('any pipeline of it qualifies') : refused('malformed', `subject \`${v}\` has no pipeline`);
  if (hasWild(segs[3])) return orgWide(`\`pipeline:${showPattern(segs[3])}\` admits other and future pipelines of it`);
  const verdict = pinned(3);
  if (segs.length === 4 || hasWild(segs[4]) || (segs[4] === 'ref' && anyRefPattern(segs[5]))) {
    verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any branch or tag of pipeline ${segs[3]}` });
  } else if (segs[4] === 'ref' && partialRefPattern(segs[5])) {
    verdict.issues.push(refPatternIssue(v, `ref of pipeline ${segs[3]}`, segs[5], 'start a build of a matching branch'));
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
    context: ['build_branch', 'build_tag'],
  },
  advice: {
    subject: '`organization:ORG:pipeline:PIPELINE:…` (or the pipeline UUID with `--subject-claim pipeline_id`)',
    claims: '`pipeline_id` (session tag or claim; `organization_slug` + `pipeline_slug` by name)',
    context: '`ref:refs/heads/<branch>` in `sub`, or the `build_branch` session tag',
  },
};
