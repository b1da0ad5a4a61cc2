export { GitHubActions, GitHubTrustBuilder, GitHubRepositoryProps, GitHubSubjectFormat } from './builder';
export { GitHubIssuer } from './issuer';
