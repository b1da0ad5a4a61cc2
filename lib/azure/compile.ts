import { AZURE_LIMITS } from './limits';
import { providerSpec } from '../ci/registry';
import { cmp, Term, Test } from '../model/condition';
import { TrustConfigError } from '../model/errors';
import { UNSAFE_CHARS } from '../model/rules';
import { shortHash } from '../model/text';
import { testPinsIdentity, Trust } from '../model/trust';

/*
 * Azure federated identity credentials (FICs) match `iss`, `sub` and one audience exactly and
 * case-sensitively, with no wildcards and no other claim (docs/limits.md#azure, docs/security.md#f16).
 * A trust compiles only when every alternative of its condition is an exact test on `sub`;
 * then the credentials are the cross product of those subjects and the trust's audiences.
 */

/** The Azure cloud the identity lives in; it decides the default token audience. */
export enum AzureCloud {
  /** Azure public cloud: `api://AzureADTokenExchange`. */
  PUBLIC = 'PUBLIC',
  /** Azure US Government: `api://AzureADTokenExchangeUSGov`. */
  US_GOVERNMENT = 'US_GOVERNMENT',
  /** Azure operated by 21Vianet (China): `api://AzureADTokenExchangeChina`. */
  CHINA = 'CHINA',
}

/** One federated identity credential a trust compiles to. */
export interface AzureCredentialSpec {
  /** Credential name: a readable slug of the subject plus a hash of issuer and subject (stable, unique per identity). */
  readonly name: string;
  /** Token issuer, matched exactly. */
  readonly issuer: string;
  /** Token subject, matched exactly and case-sensitively. */
  readonly subject: string;
  /** The one audience the credential accepts (it must be in the token's `aud`). */
  readonly audience: string;
  /** Fingerprint of the trust the credential came from (as given, before binding the default audience). */
  readonly trustFingerprint: string;
}

/** Options for compiling a trust to Azure credentials. */
export interface AzureCompileOptions {
  /** The Azure cloud, for the default audience. @default AzureCloud.PUBLIC */
  readonly cloud?: AzureCloud;
}

/** Entra's limits on federated identity credentials (docs/limits.md#azure). */
export class AzureLimits {
  /** Federated identity credentials per user-assigned identity or app registration. */
  public static readonly MAX_CREDENTIALS_PER_IDENTITY: number = AZURE_LIMITS.credentialsPerIdentity.value;
  /** Longest issuer, subject, audience and description, in characters. */
  public static readonly MAX_FIELD_LENGTH: number = AZURE_LIMITS.fieldLength.value;
  /** Longest credential name, in characters. */
  public static readonly MAX_NAME_LENGTH: number = AZURE_LIMITS.credentialName.value;

  private constructor() {}
}

/** Compiles trusts to the exact federated identity credentials Azure can hold. */
export class AzureFederation {
  /** The token audience Entra expects by default in this cloud. */
  public static defaultAudience(cloud?: AzureCloud): string {
    switch (cloud ?? AzureCloud.PUBLIC) {
      case AzureCloud.US_GOVERNMENT: return 'api://AzureADTokenExchangeUSGov';
      case AzureCloud.CHINA: return 'api://AzureADTokenExchangeChina';
      default: return 'api://AzureADTokenExchange';
    }
  }

  /** The trust bound to the cloud's default audience when it names none (what the credentials accept). */
  public static bind(trust: Trust, options?: AzureCompileOptions): Trust {
    return trust.audiences === undefined ? trust.withAudiences([AzureFederation.defaultAudience(options?.cloud)]) : trust;
  }

  /**
   * The exact set of credentials the trust allows, sorted by name. Throws a TrustConfigError when the
   * trust cannot be expressed (a pattern, or a pin on a claim other than `sub`), naming the fix.
   */
  public static credentials(trust: Trust, options?: AzureCompileOptions): AzureCredentialSpec[] {
    return compileTrust(trust, options?.cloud ?? AzureCloud.PUBLIC).credentials;
  }

  private constructor() {}
}

/** @internal */
export interface CompiledTrust {
  readonly trust: Trust;
  readonly credentials: AzureCredentialSpec[];
}

/** @internal */
export function compileTrust(input: Trust, cloud: AzureCloud): CompiledTrust {
  const trust = AzureFederation.bind(input, { cloud });
  const where = `Azure(${trust.description})`;
  const terms = trust.condition._terms();
  const subjects = new Set<string>();
  for (const term of terms) {
    for (const s of expressibleSubjects(trust, term, where)) subjects.add(s);
  }
  if (subjects.size === 0) {
    throw new TrustConfigError(where, 'the condition allows no subject', 'pin the subject the CI job presents');
  }
  const issuer = checkField(where, 'issuer', trust.issuer);
  const credentials: AzureCredentialSpec[] = [];
  for (const subject of [...subjects].sort(cmp)) {
    checkSubject(trust, where, subject);
    for (const audience of trust.audiences!) {
      credentials.push({
        name: credentialName(issuer, subject),
        issuer,
        subject,
        audience: checkField(where, 'audience', audience),
        trustFingerprint: input.fingerprint,
      });
    }
  }
  return { trust, credentials: credentials.sort((a, b) => cmp(a.name, b.name) || cmp(a.audience, b.audience)) };
}

/** The `sub` values one alternative allows, or a TrustConfigError naming why Azure cannot hold it. */
function expressibleSubjects(trust: Trust, term: Term, where: string): readonly string[] {
  const condition = JSON.stringify(trust.condition.toString());
  const sub = term.tests.filter((t) => t.claim === 'sub');
  const others = term.tests.filter((t) => t.claim !== 'sub');
  for (const t of sub) {
    if (t.kind === 'like') {
      throw new TrustConfigError(where,
        `Azure federated credentials match the subject exactly, without wildcards, but the condition ${condition} has the subject pattern ${JSON.stringify(renderPatterns(t))}`,
        providerSpec(trust.provider).azure.fixForSubjectPattern(AzureLimits.MAX_CREDENTIALS_PER_IDENTITY));
    }
    if (t.kind === 'has') {
      throw new TrustConfigError(where, `Azure federated credentials match the subject as one string, but the condition ${condition} tests sub as a list`, 'pin the subject to exact values');
    }
  }
  if (others.length > 0) {
    const claims = [...new Set(others.map((t) => t.claim))].sort(cmp);
    throw new TrustConfigError(where,
      `Azure federated credentials check only iss, sub and aud, but the condition ${condition} also pins ${claims.join(', ')}; dropping ${claims.length === 1 ? 'it' : 'them'} would widen the trust`,
      providerSpec(trust.provider).azure.fixForUnseenClaims(claims, trust.issuer));
  }
  if (sub.length === 0) {
    throw new TrustConfigError(where, `the condition ${condition} has an alternative without a subject`, 'pin the subject');
  }
  // Canonical terms hold one exact test per claim; intersect anyway, so a hand-built term can't widen.
  let values = [...(sub[0] as Extract<Test, { kind: 'in' }>).values];
  for (const t of sub.slice(1)) values = values.filter((v) => (t as Extract<Test, { kind: 'in' }>).values.includes(v));
  return values;
}

function renderPatterns(t: Extract<Test, { kind: 'like' }>): string[] {
  return t.patterns.map((p) => p.parts.join('*'));
}

function checkField(where: string, field: string, value: string): string {
  if (value.length > AzureLimits.MAX_FIELD_LENGTH) {
    throw new TrustConfigError(where, `the ${field} is ${value.length} characters long; Azure allows at most ${AzureLimits.MAX_FIELD_LENGTH}`, `shorten the ${field}`);
  }
  return value;
}

/** Defense in depth: the model rules already refuse these; a compiled credential must never carry them. */
function checkSubject(trust: Trust, where: string, subject: string): void {
  checkField(where, 'subject', subject);
  if (subject.trim() === '') throw new TrustConfigError(where, 'a subject is empty or blank', 'pin the exact subject', 'CIT-M003');
  if (subject.includes('*')) {
    throw new TrustConfigError(where, `the subject ${JSON.stringify(subject)} contains "*"; Azure has no wildcards, so it would match only a literal star (or be mistaken for a pattern by reviewers)`, 'pin the exact subject');
  }
  if (UNSAFE_CHARS.test(subject)) {
    throw new TrustConfigError(where, `the subject ${JSON.stringify(subject)} contains a control, invisible or bidirectional character`, 'use the plain subject', 'CIT-M004');
  }
  const profile = trust._profile;
  // The model's own rule (lib/model/trust.ts), applied to each compiled subject.
  if (!testPinsIdentity({ kind: 'in', claim: 'sub', values: [subject] }, profile)) {
    throw new TrustConfigError(where, `the subject ${JSON.stringify(subject)} carries no ${profile.displayName} identity (repository, project or pipeline), so any tenant of the shared issuer could present it`, 'pin the repository, project or pipeline in the subject', 'CIT-M001');
  }
}

/**
 * `<slug>-<hash>`: the slug makes the Azure portal readable, the hash (of issuer and subject,
 * exactly, so `Acme` and `acme` differ) makes it unique and stable across runs. The audience is
 * not hashed: Azure updates it in place, whereas a new name would replace the credential.
 * @internal
 */
export function credentialName(issuer: string, subject: string): string {
  const hash = shortHash(`${issuer}\u0000${subject}`, 12);
  const slug = subject.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '');
  const room = AzureLimits.MAX_NAME_LENGTH - hash.length - 1;
  const head = slug.slice(0, room).replace(/-+$/, '');
  return head ? `${head}-${hash}` : `fic-${hash}`;
}

/** Credential name rules (`[A-Za-z0-9_-]`, alphanumeric first, docs/limits.md#azure). @internal */
export const CREDENTIAL_NAME = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{${AZURE_LIMITS.credentialName.min - 1},${AZURE_LIMITS.credentialName.value - 1}}$`);
