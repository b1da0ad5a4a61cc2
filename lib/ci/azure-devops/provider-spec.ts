import { gcpFacts, ProviderSpec, SUBJECT_ONLY_FIXES, withReviewParts } from '../provider-spec';

/** What the Azure DevOps builder records for the CI snippet and the review. @internal */
export interface AzureDevOpsDetails {
  /** The exact subject. */
  readonly subject: string;
  /** `sc` (service connection), `p` (pipeline token) or `entra` (service connection, Entra issuer). */
  readonly kind: 'sc' | 'p' | 'entra';
}

/**
 * The audience of every Azure DevOps token, whatever cloud it is for: the job cannot request
 * another (https://learn.microsoft.com/en-us/rest/api/azure/devops/distributedtask/oidctoken/create).
 * @internal
 */
export const AZURE_DEVOPS_AUDIENCE = 'api://AzureADTokenExchange';

/** Azure DevOps Pipelines (one issuer per organization). @internal */
export const AZURE_DEVOPS_SPEC: ProviderSpec<AzureDevOpsDetails> = withReviewParts<AzureDevOpsDetails>({
  id: 'azure-devops',
  displayName: 'Azure DevOps',
  reviewLabel: 'Azure DevOps',
  reviewerNoun: 'Azure DevOps pipelines',
  subjectShapes: [/^(sc|p):\/\//],
  profile: {
    id: 'azure-devops',
    displayName: 'Azure DevOps',
    identityClaims: [],
    subjectIdentity: /^((sc|p):\/\/[^/]+\/[^/]+\/[^/]+|\/eid1\/c\/pub\/t\/[^/]+\/a\/[^/]+\/sc\/[0-9a-f-]{36}\/[0-9a-f-]{36}):/,
  },
  // Service connections converted to Entra get tokens from the tenant's Entra issuer, which signs
  // for far more than Azure DevOps: not recognized as this provider's.
  issuers: [
    { pattern: /^vstoken\.dev\.azure\.com\//, shared: false, label: 'an Azure DevOps organization' },
    { pattern: /^app\.vstoken\.visualstudio\.com/, shared: false, label: 'an Azure DevOps organization (legacy host)' },
  ],
  tenant: undefined, // every issuer is one organization's or one Entra tenant's
  // The only audience the jobs get, so AWS's tools' default (sts.amazonaws.com) is not the one to warn about (CIT-M021).
  aws: { defaultAudience: AZURE_DEVOPS_AUDIENCE, fixForUnseenClaim: SUBJECT_ONLY_FIXES.aws },
  azure: { fixForUnseenClaims: SUBJECT_ONLY_FIXES.azure, fixForSubjectPattern: SUBJECT_ONLY_FIXES.azurePattern },
  // Long organization, project and connection names exceed 127 bytes, and no claim is a short
  // unique id: such a token fails the exchange.
  gcp: gcpFacts(undefined),
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).AZURE_DEVOPS_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).azureDevOpsSnippet,
}));
