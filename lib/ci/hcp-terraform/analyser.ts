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
  if (segs[1] === undefined || segs[1] === '' || hasWild(segs[1])) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in the organization`);
  const want = ['organization', null, 'project', null, 'workspace', null];
  for (let i = 2; i < want.length; i++) {
    const s = segs[i];
    if (s === undefined) return refused('malformed', `subject \`${v}\` stops before the workspace`);
    // The organization is the tenant: a wildcard after it stays inside it.
    if (hasWild(s)) {
      return { level: 2, issues: [{ issue: 'org-wide', detail: `subject \`${v}\` pins organization ${segs[1]}; the wildcard in ${want[i] ?? want[i - 1]} position (\`${showPattern(s)}\`) admits its other and future workspaces` }], usesIds: false };
    }
    if (want[i] !== null && s !== want[i]) return refused('malformed', `subject \`${v}\`: expected \`${want[i]}\` at position ${i + 1}`);
  }
  // Every token carries run_phase: an exact subject without it never matches.
  if (segs.length === 6) return refused('malformed', `subject \`${v}\` has no \`run_phase\` field, which every HCP Terraform token carries`);
  const verdict = pinned(3);
  const phaseAt = segs.indexOf('run_phase', 6);
  if (hasWild(segs[6]) || (phaseAt >= 0 && allWild(segs[phaseAt + 1]))) {
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
    phase: ['terraform_run_phase'],
  },
  advice: {
    subject: '`organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE`',
    claims: '`terraform_workspace_id`',
    context: '`run_phase:apply` or `run_phase:plan` (claim `terraform_run_phase`)',
  },
};
