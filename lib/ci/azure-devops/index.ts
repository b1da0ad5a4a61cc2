export { AzureDevOps, AzureDevOpsTrustBuilder, AzureDevOpsProps, AzureDevOpsServiceConnectionProps, AzureDevOpsPipelineProps, AzureDevOpsEntraProps } from './builder';
