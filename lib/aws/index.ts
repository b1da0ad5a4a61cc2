export { CiOidcProvider, CiOidcProviderProps, ICiOidcProvider } from './provider';
export { CiOidcPrincipal, CiOidcPrincipalOptions } from './principal';
export { CiOidcRole, CiOidcRoleProps } from './role';
