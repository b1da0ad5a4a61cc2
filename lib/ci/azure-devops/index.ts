export { AzureDevOps, AzureDevOpsTrustBuilder, AzureDevOpsProps, AzureDevOpsEntraProps } from './builder';
