export { CiOidcProvider, CiOidcProviderProps, ICiOidcProvider } from './provider';
export { CiOidcPrincipal, CiOidcPrincipalOptions } from './principal';
export { CiOidcRole, CiOidcRoleProps } from './role';
export { AwsTrustSimulator, AwsSimulatorOptions, AwsAssumeRequest, AwsSessionCallRequest, AwsSimulation } from './simulator';
