import { TrustConfigError } from '../../model/errors';
import { validateIssuer } from '../../model/issuer';
import { guardMethods, requireName, requireOptionalBoolean } from '../values';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/i;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Which GitHub signs the tokens (docs/claims.md#github-actions): github.com, a GitHub Enterprise Cloud enterprise
 * with its own issuer, GHE.com (data residency), or a GitHub Enterprise Server host.
 */
export class GitHubIssuer {
  /** github.com and GHEC without an enterprise issuer: `https://token.actions.githubusercontent.com`. */
  public static readonly GITHUB_COM = new GitHubIssuer('https://token.actions.githubusercontent.com', 'https://github.com', true, 'github.com');

  /**
   * GHEC with `include_enterprise_slug: true`: `https://token.actions.githubusercontent.com/<slug>`.
   * The issuer path is part of the AWS condition keys.
   */
  public static enterpriseCloud(enterpriseSlug: string): GitHubIssuer {
    const slug = requireName('GitHubIssuer.enterpriseCloud(enterpriseSlug)', enterpriseSlug, 'enterprise slug', SLUG, 'letters, digits and inner hyphens');
    return new GitHubIssuer(`https://token.actions.githubusercontent.com/${slug}`, 'https://github.com', true, `the ${slug} enterprise on github.com`);
  }

  /** GHE.com data residency: `https://token.actions.<subdomain>.ghe.com` (optionally with the enterprise path). */
  public static dataResidency(subdomain: string, enterpriseIssuer?: boolean): GitHubIssuer {
    requireOptionalBoolean('GitHubIssuer.dataResidency(enterpriseIssuer)', enterpriseIssuer, 'enterpriseIssuer');
    const sub = requireName('GitHubIssuer.dataResidency(subdomain)', subdomain, 'subdomain', /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens');
    const base = `https://token.actions.${sub}.ghe.com`;
    return new GitHubIssuer(enterpriseIssuer ? `${base}/${sub}` : base, `https://${sub}.ghe.com`, true, `${sub}.ghe.com`);
  }

  /** GitHub Enterprise Server: `https://HOSTNAME/_services/token` (no immutable subject format there). */
  public static enterpriseServer(hostname: string): GitHubIssuer {
    const host = requireName('GitHubIssuer.enterpriseServer(hostname)', hostname, 'hostname', HOSTNAME, 'a DNS host name without scheme or path');
    return new GitHubIssuer(`https://${host}/_services/token`, `https://${host}`, false, host);
  }

  /** Issuer URL (`iss`). */
  public readonly url: string;
  /** Web URL of the GitHub instance (the default audience is `<webUrl>/<owner>`). */
  public readonly webUrl: string;
  /** Whether this GitHub emits the immutable `repo:OWNER@ID/REPO@ID` subject (not GHES). */
  public readonly supportsImmutableSubject: boolean;
  /** Short human name, for review sentences. */
  public readonly label: string;

  private constructor(url: string, webUrl: string, immutable: boolean, label: string) {
    try {
      this.url = validateIssuer(url, 'GitHubIssuer');
    } catch (e) {
      throw e instanceof TrustConfigError ? e : new TrustConfigError('GitHubIssuer', String(e), 'check the host name');
    }
    this.webUrl = webUrl;
    this.supportsImmutableSubject = immutable;
    this.label = label;
  }
}

guardMethods(GitHubIssuer, GitHubIssuer);
