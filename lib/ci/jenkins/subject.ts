/**
 * Jenkins' encoding of one URL path segment (`hudson.Util.rawEncode`): letters, digits and
 * `!$&'()*+,-.=@_` stay; everything else, non-ASCII as UTF-8, becomes `%XX`. `encodeURIComponent`
 * differs (it encodes `$&+,=@` and keeps `~`), so it is not used.
 * https://github.com/jenkinsci/jenkins/blob/master/core/src/main/java/hudson/Util.java
 */
function rawEncode(segment: string): string {
  return [...segment].map((ch) => (/^[A-Za-z0-9!$&'()*+,\-.=@_]$/.test(ch)
    ? ch
    : [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))).join('');
}

/**
 * A multibranch pipeline names each branch's job by the branch name with `#%/?[]\` escaped
 * (branch-api's `NameEncoder`), so `feature/x` is the job `feature%2Fx`, whose URL segment is then
 * `feature%252Fx`. https://github.com/jenkinsci/branch-api-plugin/blob/master/src/main/java/jenkins/branch/NameEncoder.java
 */
function branchJobName(branch: string): string {
  if (branch === '.') return '%2E';
  if (branch === '..') return '%2E.';
  const esc: Record<string, string> = { '#': '%23', '%': '%25', '/': '%2F', '?': '%3F', '[': '%5B', ']': '%5D', '\\': '%5C' };
  return [...branch].map((ch) => esc[ch] ?? ch).join('');
}

/**
 * The Jenkins oidc-provider plugin's default `sub`: the build's `${JOB_URL}`, the Jenkins root URL
 * followed by `job/<name>/` per folder level (each name encoded as Jenkins encodes URL segments); a
 * multibranch pipeline's branch is one more level, named as branch-api names branch jobs.
 * https://plugins.jenkins.io/oidc-provider/ (README "Claim templates").
 * @param branch the branch of a multibranch pipeline, if `jobPath` is one
 * @internal
 */
export function jenkinsJobUrl(jenkinsUrl: string, jobPath: readonly string[], branch?: string): string {
  const names = branch === undefined ? jobPath : [...jobPath, branchJobName(branch)];
  return `${jenkinsUrl}/${names.map((name) => `job/${rawEncode(name)}/`).join('')}`;
}
