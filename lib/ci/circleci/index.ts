export { CircleCi, CircleCiTrustBuilder, CircleCiProjectProps } from './builder';
