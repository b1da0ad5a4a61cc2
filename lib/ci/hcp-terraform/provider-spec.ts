import { gcpFacts, ProviderSpec, SUBJECT_ONLY_FIXES, withReviewParts } from '../provider-spec';

/** The audience HCP Terraform requests for AWS unless `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE` says otherwise. @internal */
export const HCP_TERRAFORM_AWS_AUDIENCE = 'aws.workload.identity';

/** What the HCP Terraform builder records for the CI snippet and the review. @internal */
export interface HcpTerraformDetails {
  readonly organization: string;
  readonly project: string;
  readonly workspace: string;
  readonly workspaceId?: string;
  readonly organizationId?: string;
  readonly hostname?: string;
  /** Run phases (`plan`, `apply`), sorted. */
  readonly phases: readonly string[];
}

/** HCP Terraform and Terraform Enterprise. @internal */
export const HCP_TERRAFORM_SPEC: ProviderSpec<HcpTerraformDetails> = withReviewParts<HcpTerraformDetails>({
  id: 'hcp-terraform',
  displayName: 'HCP Terraform',
  reviewLabel: 'HCP Terraform',
  reviewerNoun: 'HCP Terraform runs',
  subjectShapes: [/^organization:[^:]*:(project|workspace):/],
  profile: {
    id: 'hcp-terraform',
    displayName: 'HCP Terraform',
    identityClaims: ['terraform_workspace_id'],
    subjectIdentity: /^organization:[A-Za-z0-9_-]+:project:[A-Za-z0-9 _-]+:workspace:[A-Za-z0-9_-]+:/,
  },
  // Terraform Enterprise issuers are the instance's own host: not recognizable by name.
  issuers: [{ pattern: /^app(\.eu)?\.terraform\.io(\/|$)/, shared: true, label: 'HCP Terraform' }],
  tenant: {
    unit: 'workspace',
    builder: 'HcpTerraform.workspace()',
    immutableClaims: ['terraform_workspace_id'],
    nameClaims: [],
    immutableSubject: undefined,
    nameSubject: /^organization:[A-Za-z0-9_-]+:project:[A-Za-z0-9 _-]+:workspace:[A-Za-z0-9_-]+:/,
  },
  aws: {
    defaultAudience: HCP_TERRAFORM_AWS_AUDIENCE,
    fixForUnseenClaim: () => 'AWS sees only sub for HCP Terraform: leave out workspaceId/organizationId and accept Widening.NAME_ONLY_IDENTITY (the subject pins organization, project, workspace and run phase)',
  },
  azure: {
    fixForUnseenClaims: (claims) => `Azure sees only the subject for HCP Terraform (organization, project, workspace, run phase), not ${claims.join(', ')}: leave out workspaceId/organizationId and accept Widening.NAME_ONLY_IDENTITY, or trust the workspace from GCP, which checks the ids`,
    fixForSubjectPattern: SUBJECT_ONLY_FIXES.azurePattern,
  },
  // Long organization, project and workspace names exceed 127 bytes, and no claim is a short
  // unique id of the run: such a token fails the exchange.
  gcp: gcpFacts(undefined),
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).HCP_TERRAFORM_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).hcpTerraformSnippet,
}));
