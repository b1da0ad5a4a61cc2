export { BitbucketPipelines, BitbucketTrustBuilder, BitbucketRepositoryProps } from './builder';
