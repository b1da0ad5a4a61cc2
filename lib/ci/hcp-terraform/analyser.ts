import { allWild, hasWild, pinned, refused, showPattern, SubjectAnalyser, SubjectVerdict } from '../analyser';

/**
 * The review's reading of HCP Terraform's `sub`
 * (https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens):
 * `organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE`. Independent of builder.ts
 * and subject.ts.
 * @internal
 */

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const segs = p.split(':');
  if (allWild(p)) return refused('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (segs[0] !== 'organization') return hasWild(segs[0]) ? refused('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`) : refused('malformed', `subject \`${v}\` does not start with \`organization:\``);
  const want = ['organization', null, 'project', null, 'workspace', null];
  for (let i = 0; i < want.length; i++) {
    const s = segs[i];
    if (s === undefined) return refused('malformed', `subject \`${v}\` stops before the workspace`);
    if (hasWild(s)) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in ${want[i] ?? want[i - 1]} position (\`${showPattern(s)}\`)`);
    if (want[i] !== null && s !== want[i]) return refused('malformed', `subject \`${v}\`: expected \`${want[i]}\` at position ${i + 1}`);
  }
  const verdict = pinned(3);
  const phaseAt = segs.indexOf('run_phase', 6);
  if (segs.length > 6 && (hasWild(segs[6]) || (phaseAt >= 0 && allWild(segs[phaseAt + 1])))) {
    verdict.issues.push({ issue: 'run-phase-any', detail: `subject \`${v}\` matches both plan and apply runs` });
  }
  return verdict;
}

function describe(enc: string): string | undefined {
  const segs = showPattern(enc).split(':');
  if (segs[0] !== 'organization') return undefined;
  return `HCP Terraform runs of workspace ${segs[5] ?? '*'} (project ${segs[3] ?? '*'}, organization ${segs[1]})${segs[7] ? `, ${segs[7] === '*' ? 'any' : segs[7]} phase` : ''}`;
}

/** @internal */
export const HCP_TERRAFORM_ANALYSER: SubjectAnalyser = {
  analyse,
  describe,
  isKeyValueSubject: () => true,
  claims: {
    repository: ['terraform_workspace_id', 'terraform_full_workspace'],
    owner: ['terraform_organization_id', 'terraform_organization_name'],
    scoped: ['terraform_workspace_name', 'terraform_project_id', 'terraform_project_name'],
    ids: ['terraform_workspace_id', 'terraform_organization_id'],
  },
};
