export { GenericOidc, GenericOidcTrustBuilder, GenericOidcProps } from './builder';
