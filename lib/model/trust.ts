import { cmp, Condition, ConditionTerm, Term, Test } from './condition';
import { TrustConfigError } from './errors';
import { globPrefix, globSource } from './glob';
import { validateAudiences, validateIssuer } from './issuer';
import { refuseUnresolvedToken } from './literal';
import { NetworkRestriction, RequestContext } from './network';
import { rule, RuleId, RuleLevel, UNSAFE_CHARS, Widening } from './rules';
import { shortHash } from './text';

/** A warning (or accepted widening) carried by a trust into every review of it. */
export interface TrustFinding {
  /** Rule id, e.g. `CIT-M013`. */
  readonly ruleId: string;
  /** Severity. */
  readonly level: RuleLevel;
  /** What it means for this trust. */
  readonly message: string;
}

/** The verdict on one token. */
export interface Decision {
  /** True when the trust allows the token (and request). */
  readonly allowed: boolean;
  /** Exact reasons for a denial: which claim, what was expected, what the token had. */
  readonly reasons: string[];
}

/**
 * What the model needs to know about a CI provider to judge a trust, cloud-neutral. Each
 * provider's spec (lib/ci/<provider>/provider-spec.ts) provides one; the model imports nothing from lib/ci.
 * @internal
 */
export interface CiProfile {
  readonly id: string;
  readonly displayName: string;
  /** Claims whose exact pin identifies the tenant's repository/project/pipeline. */
  readonly identityClaims: readonly string[];
  /** A `sub` value (or the literal prefix of a `sub` pattern) matching this pins the identity. */
  readonly subjectIdentity?: RegExp;
}

/** A widening the builder needed, with the reason. @internal */
export interface RequiredWidening { readonly ruleId: RuleId; readonly message: string }

/** @internal */
export interface TrustInit {
  readonly profile: CiProfile;
  readonly issuer: string;
  readonly audiences?: string[];
  readonly condition: Condition;
  readonly network?: NetworkRestriction;
  readonly description: string;
  readonly where: string;
  readonly warnings?: TrustFinding[];
  readonly needs?: RequiredWidening[];
  readonly accepted?: Widening[];
  /** Claims the token carries as AWS session tags (Buildkite `--aws-session-tag`). */
  readonly sessionTags?: string[];
  /**
   * Provider-specific facts for the CI snippet and the review: the provider's typed details
   * (lib/ci/<provider>/provider-spec.ts). Opaque here and to the compilers, which never read it.
   */
  readonly details?: object;
  /**
   * What would make the trust smaller, still exact, when a cloud's size limit is reached: a
   * provider-specific choice (GitHub's immutable subject lists one subject where the default lists
   * two). The clouds' size errors name it.
   */
  readonly sizeHint?: string;
  /**
   * Judge the audience as AWS STS reads it (set by the AWS compiler on the trusts it binds): `azp`
   * when the token has one, else `aud`, which must be one value (a string or a list of one).
   */
  readonly stsAudience?: boolean;
}

/**
 * One trust relationship in the claim-policy model: which issuer, which audiences, which claims,
 * from which networks. Built by a CI builder (`GitHubActions`, `GitLabCi`, `Buildkite`), validated
 * on creation (rules in `lib/model/rules.ts`), compiled by each cloud, and able to judge a token
 * itself (`evaluate`), so tests can compare the model with what a cloud would do.
 */
export class Trust {
  /** @internal */
  public static _create(init: TrustInit): Trust {
    return new Trust(init);
  }

  /** CI provider id, e.g. `github-actions`. */
  public readonly provider: string;
  /** CI provider display name. */
  public readonly providerName: string;
  /** Token issuer (`iss`). */
  public readonly issuer: string;
  /** Accepted audiences; undefined until bound (each cloud binds its default when compiling). */
  public readonly audiences?: string[];
  /** The claim condition, canonical. */
  public readonly condition: Condition;
  /** Network restrictions, if any. */
  public readonly network?: NetworkRestriction;
  /** Who is trusted, as a sentence for reviewers. */
  public readonly description: string;
  /** Warnings and accepted widenings, sorted by rule id. */
  public readonly findings: TrustFinding[];
  /** Accepted widenings that this trust actually uses. */
  public readonly widenings: string[];
  /** Claims carried as AWS session tags. */
  public readonly sessionTags: string[];
  /** @internal */
  public readonly _profile: CiProfile;
  /** @internal */
  public readonly _details: object;
  /** @internal */
  private readonly init: TrustInit;
  /** What would make it smaller when a size limit is reached (TrustInit.sizeHint). @internal */
  public get _sizeHint(): string | undefined {
    return this.init.sizeHint;
  }
  private cachedFingerprint?: string;

  /** `checked`: a trust built from the same init, so everything but the audiences already passed. */
  private constructor(init: TrustInit, checked?: Trust) {
    this.init = init;
    this._profile = init.profile;
    this._details = init.details ?? {};
    this.provider = init.profile.id;
    this.providerName = init.profile.displayName;
    this.issuer = checked ? checked.issuer : validateIssuer(init.issuer, `${init.where}.issuer`);
    this.audiences = init.audiences === undefined ? undefined : validateAudiences(init.audiences, `${init.where}.audiences`);
    this.condition = init.condition;
    this.network = init.network;
    this.description = init.description;
    if (checked) {
      this.sessionTags = checked.sessionTags;
      this.widenings = checked.widenings;
      this.findings = checked.findings;
      return;
    }
    // Most trusts have no session tags, needs or warnings: those lists are made only when there are some.
    this.sessionTags = init.sessionTags?.length ? [...new Set(init.sessionTags)].sort() : [];

    const findings: TrustFinding[] = init.warnings?.length ? [...init.warnings] : [];
    let widenings: string[] = [];
    if (init.needs?.length) {
      const used = new Set<string>();
      for (const need of init.needs) {
        const r = rule(need.ruleId);
        if (!r.widening || !init.accepted?.includes(r.widening)) {
          throw new TrustConfigError(init.where, need.message, r.fix, need.ruleId);
        }
        used.add(r.widening);
        findings.push({ ruleId: need.ruleId, level: RuleLevel.WARNING, message: `widened (${r.widening}): ${need.message}` });
      }
      widenings = [...used].sort();
    }
    this.widenings = widenings;
    checkCondition(init.where, init.profile, init.condition);
    this.findings = dedupeFindings(findings);
  }

  /** A copy bound to these audiences (compilers bind the cloud's default when none was given). */
  public withAudiences(audiences: string[]): Trust {
    // The rules do not depend on audiences and already passed: only the audiences are checked.
    const init = copyInit(this.init);
    init.audiences = audiences;
    return new Trust(init, this);
  }

  /**
   * A copy that judges the audience as the AWS compiler's bound trusts do (bound to `audiences`
   * when given, else to this trust's). AWS documents the
   * audience as one of the IAM OIDC provider's client IDs, and documents `azp` only for Google's
   * keys (`accounts.google.com:aud` is the token's `azp` when it has one, `:oaud` its `aud`); how
   * STS treats an `aud` listing several values is not documented. So: `azp` when present, else
   * `aud` as one value (a string or a list of one), and a list of several is denied (fail closed).
   * Sources: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif,
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
   * (docs/snippets.md#sts-and-a-list-audience).
   * @internal
   */
  public _withStsAudience(audiences?: string[]): Trust {
    // One copy for both: the AWS compiler binds its default audience here when none was given.
    const init = copyInit(this.init);
    init.audiences = audiences ?? this.audiences;
    init.stsAudience = true;
    return new Trust(init, this);
  }

  /**
   * A copy that also carries this warning (a compiler's finding about how the trust is deployed,
   * such as CIT-M021). Not part of the fingerprint: it changes no decision.
   * @internal
   */
  public _withFinding(finding: TrustFinding): Trust {
    const t = new Trust(this.init, this);
    (t as { findings: TrustFinding[] }).findings = dedupeFindings([...this.findings, finding]);
    return t;
  }

  /** A copy with these network restrictions. */
  public withNetwork(network: NetworkRestriction): Trust {
    const init = copyInit(this.init);
    init.network = network;
    return new Trust(init);
  }

  /**
   * Judge a token payload (and, for network-restricted trusts, where the request came from):
   * issuer, audience, every claim test and the network, with exact reasons for a denial.
   */
  public evaluate(claims: { [claim: string]: any }, request?: RequestContext): Decision {
    const reasons: string[] = [];
    if (claims.iss !== this.issuer) reasons.push(`claim iss: expected ${JSON.stringify(this.issuer)}, got ${claims.iss === undefined ? 'absent' : JSON.stringify(claims.iss)}`);
    if (this.audiences === undefined) {
      reasons.push('audience: the trust is not bound to an audience yet (compile it, or call withAudiences)');
    } else {
      const aud = this.init.stsAudience && typeof claims.azp === 'string' ? claims.azp : claims.aud;
      const auds = Array.isArray(aud) ? aud : [aud];
      if (this.init.stsAudience && auds.length > 1) {
        reasons.push(`claim aud: AWS STS reads one audience, the token lists ${auds.length} (${JSON.stringify(aud)}) and has no azp`);
      } else if (!auds.some((a) => typeof a === 'string' && this.audiences!.includes(a))) {
        reasons.push(`claim aud: expected ${this.audiences.length === 1 ? JSON.stringify(this.audiences[0]) : `one of ${JSON.stringify(this.audiences)}`}, got ${aud === undefined ? 'absent' : JSON.stringify(aud)}`);
      }
    }
    const c = this.condition.evaluate(claims);
    if (!c.matched) reasons.push(...c.reasons);
    if (this.network) {
      const n = this.network.check(request);
      if (n) reasons.push(n);
    }
    return { allowed: reasons.length === 0, reasons };
  }

  /** The canonical condition terms (for review and for your own tooling). */
  public get terms(): ConditionTerm[] {
    return this.condition.terms;
  }

  /**
   * A short stable id (8 hex characters) derived from what the trust allows: issuer, audiences,
   * condition and network. Equal trusts get equal ids on every machine; used for resource names.
   */
  public get fingerprint(): string {
    // Hashing the canonical text is the costliest read of a trust: compute it once.
    this.cachedFingerprint ??= shortHash(JSON.stringify([this.issuer, this.audiences ?? null, this.condition.toString(), this.network ?? null]));
    return this.cachedFingerprint;
  }

  /** Reviewer's text: the sentence, then the exact condition. */
  public explain(): string {
    return `${this.description}. Issuer ${this.issuer}; audience ${this.audiences ? this.audiences.join(', ') : '(cloud default)'}; condition: ${this.condition.toString()}${this.network ? `; network: ${this.network}` : ''}`;
  }
}

/**
 * A copy of an init, written field by field: the copies of every role's trust then share one
 * hidden class. An object spread here gave nearly every copy a class of its own in a process that
 * builds many trusts (V8 11), so each read of an init was a megamorphic one and each class cost
 * memory. The mapped type makes a field missing here a compile error.
 */
function copyInit(init: TrustInit): { -readonly [K in keyof Required<TrustInit>]: TrustInit[K] } {
  return {
    profile: init.profile,
    issuer: init.issuer,
    audiences: init.audiences,
    condition: init.condition,
    network: init.network,
    description: init.description,
    where: init.where,
    warnings: init.warnings,
    needs: init.needs,
    accepted: init.accepted,
    sessionTags: init.sessionTags,
    details: init.details,
    sizeHint: init.sizeHint,
    stsAudience: init.stsAudience,
  };
}

/**
 * A size error's fix with the trusts' own ways to be smaller (each once), for the clouds' size
 * limits: `split the trusts…; or set subjectFormat: GitHubSubjectFormat.IMMUTABLE…`.
 * @internal
 */
export function withSizeHints(fix: string, trusts: readonly Trust[]): string {
  const hints = [...new Set(trusts.map((t) => t._sizeHint).filter((h): h is string => h !== undefined))];
  return hints.length ? `${fix}; or ${hints.join('; or ')}` : fix;
}

function dedupeFindings(f: TrustFinding[]): TrustFinding[] {
  if (f.length < 2) return [...f]; // most trusts have none
  const m = new Map<string, TrustFinding>();
  for (const x of f) m.set(`${x.ruleId}\u0000${x.message}`, x);
  return [...m.values()].sort((a, b) => cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message));
}

/** The model's generic rules over a canonical condition (CIT-M001..M004, M007). */
function checkCondition(where: string, profile: CiProfile, condition: Condition): void {
  const terms = condition._terms();
  const fail = (id: RuleId, problem: string) => {
    throw new TrustConfigError(where, problem, rule(id).fix, id);
  };
  if (terms.length === 0) fail('CIT-M007', 'the condition can never match');
  for (const term of terms) {
    for (const t of term.tests) {
      if (t.claim === 'iss' || t.claim === 'aud') fail('CIT-M019', `claim ${t.claim} is tested in the condition`);
      checkValues(where, t, fail);
    }
    if (!pinsIdentity(term, profile, fail)) {
      fail('CIT-M001', `the alternative \`${Condition._fromTerms([term]).toString()}\` pins no ${profile.displayName} identity (one of ${[...profile.identityClaims, ...(profile.subjectIdentity ? ['an identifying sub'] : [])].join(', ')})`);
    }
  }
}

function checkValues(where: string, t: Test, fail: (id: RuleId, p: string) => never): void {
  const values = t.kind === 'like' ? t.patterns.flatMap((p) => p.parts) : t.values;
  for (const v of values) {
    refuseUnresolvedToken(where, `claim ${t.claim}: value`, v, 'value');
    if (UNSAFE_CHARS.test(v)) fail('CIT-M004', `claim ${t.claim}: value ${JSON.stringify(v)} contains a control, invisible or bidirectional character`);
  }
  if (t.kind !== 'like') {
    for (const v of t.values) {
      if (v.trim() === '' || /^[*?]+$/.test(v.trim())) fail('CIT-M003', `claim ${t.claim}: value ${JSON.stringify(v)} is empty or wildcard-only`);
    }
  } else {
    for (const p of t.patterns) {
      if (p.parts.join('').trim() === '') fail('CIT-M003', `claim ${t.claim}: pattern ${JSON.stringify(globSource(p))} is wildcard-only`);
    }
  }
}

/**
 * Does this test pin the tenant's identity (CIT-M001)? The one home of the rule: the model checks
 * it here, and the GCP and Azure compilers re-check their output with it. Pinned: an exact test on
 * an identity claim, or a `sub` test whose every literal head (an exact value, or the text before a
 * pattern's first wildcard) already holds the complete identity. An exact value ends the subject,
 * so it closes its last field as ':' would. A list membership never identifies a tenant.
 * @internal
 */
export function testPinsIdentity(t: Test, profile: CiProfile): boolean {
  if (t.kind === 'has') return false;
  if (t.kind === 'in' && profile.identityClaims.includes(t.claim)) return true;
  if (t.claim !== 'sub' || !profile.subjectIdentity) return false;
  const n = t.kind === 'in' ? t.values.length : t.patterns.length;
  for (let i = 0; i < n; i++) {
    const head = t.kind === 'in' ? `${t.values[i]}:` : globPrefix(t.patterns[i]);
    if (!profile.subjectIdentity.test(head)) return false;
  }
  return n > 0;
}

function pinsIdentity(term: Term, profile: CiProfile, fail: (id: RuleId, p: string) => never): boolean {
  for (const t of term.tests) {
    if (t.kind !== 'like') continue;
    if (profile.identityClaims.includes(t.claim)) {
      fail('CIT-M002', `claim ${t.claim} identifies the tenant and must be exact, got pattern ${JSON.stringify(t.patterns.map(globSource))}`);
    }
    if (t.claim === 'sub' && profile.subjectIdentity && !testPinsIdentity(t, profile)) {
      fail('CIT-M002', `sub pattern ${JSON.stringify(t.patterns.map(globSource))} has a wildcard before the ${profile.displayName} identity is complete`);
    }
  }
  return term.tests.some((t) => testPinsIdentity(t, profile));
}
