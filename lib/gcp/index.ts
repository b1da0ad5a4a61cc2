// Public surface of the GCP compiler and constructs. Statically this loads no cdktf code: provider
// classes are required lazily (./providers.ts) and only `import type` is used for their types.
export { GcpCel } from './cel';
export { GcpWorkloadIdentityPool, GcpWorkloadIdentityPoolProps, GcpWorkloadIdentityProvider, GcpWorkloadIdentityProviderOptions } from './pool';
