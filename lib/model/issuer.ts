import { TrustConfigError } from './errors';
import { MODEL_LIMITS } from './limits';
import { refuseUnresolvedToken } from './literal';
import { uniqSorted } from './text';

const AUDIENCE = MODEL_LIMITS.audienceLength;

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Validate an OIDC issuer URL the way a relying party should (mirrors octo-sts `IsValidIssuer`):
 * https only, a DNS host (compared exactly: the `iss` claim is matched byte for byte), no port other than 443, no userinfo, query or fragment,
 * no `.`/`..` or empty path segments, no trailing slash (the `iss` claim never has one; a cloud
 * that wants one, like GCP for GitLab, adds it when compiling).
 * @internal
 */
export function validateIssuer(issuer: string, where = 'issuer'): string {
  if (VALID_ISSUERS.has(issuer)) return issuer; // every trust re-checks its issuer: validate each URL once
  const bad = (problem: string, fix = 'give the exact `iss` value the CI provider puts in its tokens, e.g. https://token.actions.githubusercontent.com') => {
    throw new TrustConfigError(where, `${JSON.stringify(issuer)} ${problem}`, fix, 'CIT-M006');
  };
  if (typeof issuer !== 'string' || issuer.length === 0) bad('is empty');
  refuseUnresolvedToken(where, 'issuer', issuer);
  if (/[\s\x00-\x1f\x7f]/.test(issuer)) bad('contains whitespace or control characters');
  if (!issuer.startsWith('https://')) bad('is not an https URL');
  if (issuer.endsWith('/')) bad('ends with a slash; token issuers never do', 'drop the trailing slash');
  const rest = issuer.slice('https://'.length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (authority.includes('@')) bad('contains userinfo (user@host)');
  if (/[?#]/.test(issuer)) bad('contains a query or fragment');
  const [host, port] = authority.split(':');
  if (port !== undefined && port !== '443') bad(`uses port ${port}; cloud providers fetch discovery documents on 443`);
  if (!HOST.test(host)) bad(`has an invalid host ${JSON.stringify(host)}`);
  if (path) {
    const segs = path.slice(1).split('/');
    if (segs.some((s) => s === '' || s === '.' || s === '..')) bad('has an empty, "." or ".." path segment');
    if (segs.some((s) => !/^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/.test(s))) bad('has characters that are not allowed in a URL path');
  }
  if (VALID_ISSUERS.size < 1000) VALID_ISSUERS.add(issuer);
  return issuer;
}
const VALID_ISSUERS = new Set<string>();

/** Issuer without the scheme: the prefix of AWS condition keys (`host/path`). @internal */
export function issuerHostPath(issuer: string): string {
  return issuer.replace(/^https:\/\//, '');
}

/**
 * Validate audiences: non-empty, no wildcard, printable, within the smallest cloud limit (AWS client
 * ids; docs/limits.md#model).
 * @internal
 */
export function validateAudiences(audiences: string[], where = 'audiences'): string[] {
  if (!Array.isArray(audiences)) {
    // A string would be read letter by letter.
    throw new TrustConfigError(where, `audiences must be a list of strings, got ${typeof audiences === 'string' ? `the string ${JSON.stringify(audiences)}` : String(audiences)}`, typeof audiences === 'string' ? `wrap it in a list: [${JSON.stringify(audiences)}]` : 'give the audiences as a list of strings', 'CIT-M005');
  }
  if (audiences.length === 0) {
    throw new TrustConfigError(where, 'no audience given', 'give the audience the CI job requests, e.g. "sts.amazonaws.com"', 'CIT-M005');
  }
  // Every trust copy re-checks its audiences (the near-miss check compares each with every known
  // one): check each value once.
  if (audiences.every((a) => VALID_AUDIENCES.has(a))) return uniqSorted(audiences);
  for (const a of audiences) {
    if (typeof a === 'string') refuseUnresolvedToken(where, 'audience', a);
    if (typeof a !== 'string' || a.trim() === '' || /^[*?]+$/.test(a.trim()) || a.includes('*')) {
      throw new TrustConfigError(where, `audience ${JSON.stringify(a)} is empty or a wildcard; the audience is chosen by the workflow, so a wildcard accepts tokens minted for any service`, 'give the exact audience string', 'CIT-M005');
    }
    if (!/^[\x21-\x7e]+$/.test(a) || a.length > AUDIENCE.value) {
      throw new TrustConfigError(where, `audience ${JSON.stringify(a)} must be ${AUDIENCE.min}-${AUDIENCE.value} printable ASCII characters without spaces`, 'give the exact audience string', 'CIT-M005');
    }
  }
  for (const a of audiences) {
    const near = KNOWN_AUDIENCES.find((k) => k !== a && editDistance(k.toLowerCase(), a.toLowerCase()) <= 2);
    if (near !== undefined) {
      throw new TrustConfigError(where, `audience ${JSON.stringify(a)} is a near miss of ${JSON.stringify(near)}, the audience CI jobs request by default; no token would carry it`, `use ${JSON.stringify(near)}`, 'CIT-M020');
    }
  }
  for (const a of audiences) if (VALID_AUDIENCES.size < 1000) VALID_AUDIENCES.add(a);
  return uniqSorted(audiences);
}
const VALID_AUDIENCES = new Set<string>();

/**
 * Audiences the clouds' own tools request (AWS's actions and SDKs, HCP Terraform for AWS, Entra ID
 * in its three clouds). One within two edits of these is a typo that would only show as a denied
 * job in CI, so it is refused at synth.
 */
const KNOWN_AUDIENCES = ['sts.amazonaws.com', 'sts.amazonaws.com.cn', 'aws.workload.identity', 'api://AzureADTokenExchange', 'api://AzureADTokenExchangeUSGov', 'api://AzureADTokenExchangeChina'];

/** Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3; // only "within two" matters here
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
