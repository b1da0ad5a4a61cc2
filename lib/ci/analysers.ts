import { SubjectAnalyser } from './analyser';
import { AZURE_DEVOPS_ANALYSER } from './azure-devops/analyser';
import { BITBUCKET_ANALYSER } from './bitbucket/analyser';
import { BUILDKITE_ANALYSER } from './buildkite/analyser';
import { CIRCLECI_ANALYSER } from './circleci/analyser';
import { GENERIC_ANALYSER } from './generic/analyser';
import { GITHUB_ANALYSER } from './github/analyser';
import { GITLAB_ANALYSER } from './gitlab/analyser';
import { HCP_TERRAFORM_ANALYSER } from './hcp-terraform/analyser';
import { JENKINS_ANALYSER } from './jenkins/analyser';

/**
 * The review scanner's providers, one line each: how to recognise a provider in a template this
 * library did not write (by issuer, else by subject shape), how to read its subjects, and what to
 * call its workloads. lib/review/scan consults only this list, never a provider id.
 * (Temporary home: to be folded into lib/ci/registry.ts.)
 * @internal
 */
export interface AnalyserEntry {
  /** Provider id, as in `Trust.provider` and the review's `ciProvider`. */
  readonly id: string;
  readonly analyser: SubjectAnalyser;
  /** Recognise the issuer, tested on the URL without scheme, lower case. */
  readonly issuers: readonly RegExp[];
  /** Issuers (normalized, lower case) that sign tokens for every customer of the platform (no tenant in the issuer). */
  readonly sharedIssuers: readonly string[];
  /** Recognise the provider from a `sub` value, for trusts whose issuer could not be resolved. */
  readonly subjects: readonly RegExp[];
  /** The workloads, for who-sentences: "GitHub Actions jobs". */
  readonly noun: string;
}

/**
 * First match wins, so the loosest issuer recogniser (GitLab: any `gitlab.` host, for
 * self-managed instances) comes last. Subject recognisers are disjoint.
 * @internal
 */
export const ANALYSERS = [
  {
    id: 'github-actions',
    analyser: GITHUB_ANALYSER,
    // github.com, GHE.com data residency, GitHub Enterprise Server (`https://HOST/_services/token`).
    issuers: [/^token\.actions\.githubusercontent\.com(\/|$)/, /^token\.actions\.[^/]+\.ghe\.com(\/|$)/, /\/_services\/token$/],
    sharedIssuers: ['https://token.actions.githubusercontent.com'],
    subjects: [/^repo:/],
    noun: 'GitHub Actions jobs',
  },
  {
    id: 'buildkite',
    analyser: BUILDKITE_ANALYSER,
    issuers: [/^agent\.buildkite\.com(\/|$)/],
    sharedIssuers: ['https://agent.buildkite.com'],
    subjects: [/^organization:[^:]*:pipeline:/],
    noun: 'Buildkite jobs',
  },
  {
    id: 'circleci',
    analyser: CIRCLECI_ANALYSER,
    issuers: [/^oidc\.circleci\.com(\/|$)/],
    // Tenants normally get `…/org/<id>`; the bare host is not scoped to one.
    sharedIssuers: ['https://oidc.circleci.com'],
    subjects: [/^org\/[^/]+\/project\//],
    noun: 'CircleCI jobs',
  },
  {
    id: 'bitbucket-pipelines',
    analyser: BITBUCKET_ANALYSER,
    issuers: [/^api\.bitbucket\.org\/2\.0\/workspaces\/[^/]+\/pipelines-config\/identity\/oidc$/],
    sharedIssuers: [],
    subjects: [/^\{/],
    noun: 'Bitbucket Pipelines steps',
  },
  {
    id: 'hcp-terraform',
    analyser: HCP_TERRAFORM_ANALYSER,
    issuers: [/^app(\.eu)?\.terraform\.io(\/|$)/],
    sharedIssuers: ['https://app.terraform.io', 'https://app.eu.terraform.io'],
    subjects: [/^organization:[^:]*:(project|workspace):/],
    noun: 'HCP Terraform runs',
  },
  {
    id: 'azure-devops',
    analyser: AZURE_DEVOPS_ANALYSER,
    issuers: [/^vstoken\.dev\.azure\.com\//, /^app\.vstoken\.visualstudio\.com/],
    sharedIssuers: [],
    subjects: [/^(sc|p):\/\//],
    noun: 'Azure DevOps pipelines',
  },
  {
    id: 'jenkins',
    analyser: JENKINS_ANALYSER,
    // The oidc-provider plugin's issuer at the root or a folder: any host, path ending in /oidc.
    issuers: [/^[^/]+(\/[^/]+)*\/oidc$/],
    sharedIssuers: [],
    subjects: [/^https:\/\/[^/]+(\/[^/]+)*?\/job\//],
    noun: 'Jenkins builds',
  },
  {
    id: 'gitlab-ci',
    analyser: GITLAB_ANALYSER,
    issuers: [/(^|\.)gitlab\.|^gitlab\b/],
    sharedIssuers: ['https://gitlab.com'],
    subjects: [/^(project_path|project_id):/],
    noun: 'GitLab CI jobs',
  },
] as const satisfies readonly AnalyserEntry[];

/** A provider the scanner recognises, or `unknown`. @internal */
export type ScannedProvider = (typeof ANALYSERS)[number]['id'] | 'unknown';

/** What the scanner uses for an issuer it does not recognise (and for GenericOidc trusts). @internal */
export const UNKNOWN_PROVIDER: AnalyserEntry = {
  id: 'unknown',
  analyser: GENERIC_ANALYSER,
  issuers: [],
  sharedIssuers: [],
  subjects: [],
  noun: 'Workloads',
};

const BY_ID = new Map<string, AnalyserEntry>(ANALYSERS.map((e) => [e.id, e]));

/** The entry for a provider id; the generic reading for ids the scanner does not know. @internal */
export function analyserFor(provider: string): AnalyserEntry {
  return BY_ID.get(provider) ?? UNKNOWN_PROVIDER;
}

/** Which CI platform an issuer belongs to. @internal */
export function providerForIssuer(issuer: string | undefined): ScannedProvider {
  if (!issuer) return 'unknown';
  const u = issuer.replace(/^[a-z]+:\/\//i, '').toLowerCase();
  return ANALYSERS.find((e) => e.issuers.some((re) => re.test(u)))?.id ?? 'unknown';
}

/** Guess from a subject's shape, for trusts whose issuer could not be resolved. @internal */
export function providerForSubject(sub: string): ScannedProvider {
  return ANALYSERS.find((e) => e.subjects.some((re) => re.test(sub)))?.id ?? 'unknown';
}

/** Is this issuer shared by every customer of its platform? A missing issuer counts as shared: tenant scoping cannot be proven. @internal */
export function isSharedIssuer(issuer: string | undefined): boolean {
  if (!issuer) return true;
  const i = issuer.toLowerCase();
  return ANALYSERS.some((e) => (e.sharedIssuers as readonly string[]).includes(i));
}
