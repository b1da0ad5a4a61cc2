/**
 * The Jenkins oidc-provider plugin's default `sub`: the build's `${JOB_URL}`, the Jenkins root URL
 * followed by `job/<name>/` per folder level, names URL-encoded (a multibranch pipeline's branch is
 * one more level, so `feature/x` is `job/feature%2Fx/`).
 * https://plugins.jenkins.io/oidc-provider/ (README "Claim templates").
 * @internal
 */
export function jenkinsJobUrl(jenkinsUrl: string, jobPath: readonly string[]): string {
  return `${jenkinsUrl}/${jobPath.map((name) => `job/${encodeURIComponent(name)}/`).join('')}`;
}
