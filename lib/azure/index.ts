// Public surface of the Azure compiler and constructs. Provider classes load lazily (providers.ts),
// so importing this module loads no cdktf code.
export { AzureCloud, AzureCredentialSpec, AzureCompileOptions, AzureLimits, AzureFederation } from './compile';
export { AzureGrantOptions, FederatedManagedIdentityProps, ExistingManagedIdentityProps, FederatedIdentityBase, FederatedManagedIdentity } from './identity';
