export { GitLabCi, GitLabTrustBuilder, GitLabProjectProps, GitLabSubjectComponent, GitLabDeploymentTier } from './builder';
