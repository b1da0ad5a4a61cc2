export { Buildkite, BuildkiteTrustBuilder, BuildkitePipelineProps, BuildkiteSubject, BuildkiteBuildSource } from './builder';
