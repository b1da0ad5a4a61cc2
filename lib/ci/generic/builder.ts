import { GENERIC_SPEC, GenericOidcDetails } from './provider-spec';
import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { parseGlob } from '../../model/glob';
import { validateIssuer } from '../../model/issuer';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { Widening } from '../../model/rules';
import { RequiredWidening, Trust } from '../../model/trust';
import { SharedIssuerMatch, sharedIssuer } from '../registry';
import { guardMethods, requireAudienceArgs, requireNetworkProps, requireProps, requireStringList, requireStrings, requireText, requireWidenings, uniqSorted } from '../values';

/** A self-hosted or otherwise unknown OIDC issuer (Jenkins, Forgejo, Kubernetes service accounts, …). */
export interface GenericOidcProps {
  /** Display name for reviews, e.g. `Jenkins (ci.acme.com)`. */
  readonly name: string;
  /** Issuer URL (`iss`). */
  readonly issuer: string;
  /**
   * Claims whose exact value identifies one tenant's job or workload (e.g. `sub` for Jenkins, whose
   * subject is the job URL). Every trust must pin one of them exactly.
   */
  readonly identityClaims: string[];
}

/** Longest exact value accepted (Azure allows 600 per subject; IAM policies 2,048 in all). */
const MAX_VALUE = 600;

/** Trusts for any OIDC issuer, with the same validation and defaults as the built-in providers. */
export class GenericOidc {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = GENERIC_SPEC.id;

  /** Start a trust for tokens of this issuer. */
  public static issuer(props: GenericOidcProps): GenericOidcTrustBuilder {
    return GenericOidcTrustBuilder._create(props);
  }

  private constructor() {}
}

/** Builds a generic trust from exact claim pins (and patterns with Widening.REF_PATTERN). */
export class GenericOidcTrustBuilder {
  /** @internal */
  public static _create(props: GenericOidcProps): GenericOidcTrustBuilder {
    return new GenericOidcTrustBuilder(props);
  }

  private readonly props: GenericOidcProps;
  private readonly exact = new Map<string, string[]>();
  private readonly patterns = new Map<string, string>();
  private auds?: string[];
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Validates the props: builders come from GenericOidc.issuer() only. */
  private constructor(props: GenericOidcProps) {
    const w = 'GenericOidc.issuer';
    requireProps(w, props);
    requireText(`${w}(name)`, props.name, 'name');
    validateIssuer(props.issuer, `${w}(issuer)`);
    // A string here would be matched by substring ('repository_id'.includes('id')): refuse it.
    if (props.identityClaims !== undefined) requireStringList(`${w}(identityClaims)`, props.identityClaims, 'identityClaims');
    if (!props.identityClaims || props.identityClaims.length === 0) {
      throw new TrustConfigError(`${w}(identityClaims)`, 'no identity claim is declared, so no trust could be judged to pin a tenant', 'name the claim(s) that identify one job or workload, e.g. ["sub"]', 'CIT-M001');
    }
    this.props = props;
  }

  /** Pin a claim to one of these exact values. */
  public withClaim(claim: string, ...values: string[]): GenericOidcTrustBuilder {
    requireStrings('GenericOidcTrustBuilder.withClaim', [claim, ...values], 'claim name and value');
    if (values.length === 0) throw new TrustConfigError(`GenericOidcTrustBuilder.withClaim(${claim})`, 'no value given', 'give at least one exact value');
    const w = `GenericOidcTrustBuilder.withClaim(${claim})`;
    for (const v of values) {
      requireText(w, v, claim);
      // Exact values: a literal * or ? would read as a wildcard to a reviewer (IAM escapes it, but
      // nobody should have to know that); ':' and '$' are fine (URLs, and compilers escape '$').
      if (/[*?]/.test(v)) throw new TrustConfigError(w, `value ${JSON.stringify(v)} contains * or ?`, 'give the exact value, or use withClaimPattern() with Widening.REF_PATTERN for a non-identity claim', 'CIT-M002');
      if (v.length > MAX_VALUE) throw new TrustConfigError(w, `value is ${v.length} characters, over the limit of ${MAX_VALUE}`, 'pin a shorter, stable claim');
    }
    this.exact.set(claim, [...(this.exact.get(claim) ?? []), ...values]);
    return this;
  }

  /** Pin a non-identity claim to an anchored `*` pattern. Requires Widening.REF_PATTERN. */
  public withClaimPattern(claim: string, pattern: string): GenericOidcTrustBuilder {
    requireStrings('GenericOidcTrustBuilder.withClaimPattern', [claim, pattern], 'claim name and pattern');
    if (this.props.identityClaims.includes(claim)) {
      throw new TrustConfigError(`GenericOidcTrustBuilder.withClaimPattern(${claim})`, `${claim} is an identity claim and must be exact`, 'use withClaim()', 'CIT-M002');
    }
    this.patterns.set(claim, requireText(`GenericOidcTrustBuilder.withClaimPattern(${claim})`, pattern, 'pattern'));
    return this;
  }

  /** Audiences the tokens carry (required: generic issuers have no default). */
  public withAudience(...audiences: string[]): GenericOidcTrustBuilder {
    requireAudienceArgs('GenericOidcTrustBuilder.withAudience', audiences);
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): GenericOidcTrustBuilder {
    this.net = NetworkRestriction.of(requireNetworkProps('GenericOidcTrustBuilder.restrictNetwork', network));
    return this;
  }

  /** Accept named widenings (shown in the review). */
  public accept(...widenings: Widening[]): GenericOidcTrustBuilder {
    this.accepted.push(...requireWidenings('GenericOidcTrustBuilder.accept', widenings));
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    const p = this.props;
    const w = `GenericOidc(${p.name})`;
    if (!this.auds) throw new TrustConfigError(w, 'no audience given; a generic issuer has no default audience', 'call withAudience() with the audience the job requests', 'CIT-M005');
    const needs: RequiredWidening[] = [];
    if (this.patterns.size) needs.push({ ruleId: 'CIT-M012', message: `patterns on ${[...this.patterns.keys()].sort().join(', ')}` });
    const tests = [
      ...[...this.exact.entries()].sort().map(([c, v]) => Condition.oneOf(c, uniqSorted(v))),
      ...[...this.patterns.entries()].sort().map(([c, pt]) => Condition.like(c, pt)),
    ];
    const pins = [...this.exact.entries()].sort().map(([c, v]) => `${c} ${uniqSorted(v).join(' or ')}`);
    const shared = sharedIssuer(p.issuer);
    if (shared) needs.push(...sharedIssuerNeeds(w, p.issuer, shared, this.exact, this.patterns));
    return Trust._create({
      profile: {
        ...GENERIC_SPEC.profile,
        displayName: p.name,
        identityClaims: shared ? uniqSorted([...p.identityClaims, ...shared.tenant.immutableClaims, ...shared.tenant.nameClaims]) : p.identityClaims,
      },
      where: w,
      issuer: p.issuer,
      audiences: this.auds,
      condition: Condition.allOf(...tests),
      network: this.net,
      description: `${p.name} tokens with ${[...pins, ...[...this.patterns.entries()].sort().map(([c, pt]) => `${c} like ${pt}`)].join(', ')}`,
      needs,
      accepted: this.accepted,
      details: {
        name: p.name,
        ...(this.exact.size ? { claims: Object.fromEntries([...this.exact.entries()].sort().map(([c, v]) => [c, uniqSorted(v)])) } : {}),
        ...(this.patterns.size ? { patterns: Object.fromEntries([...this.patterns.entries()].sort()) } : {}),
      } satisfies GenericOidcDetails,
    });
  }
}

/**
 * On an issuer shared by every tenant of a platform, the declared identity claims do not decide:
 * any tenant chooses its workflow names, environments, branches and owner names. The trust must
 * pin the platform's repository/project/pipeline identity, by immutable id, or by name behind
 * Widening.NAME_ONLY_IDENTITY, exactly as the typed builder requires.
 */
function sharedIssuerNeeds(
  w: string, issuer: string, shared: SharedIssuerMatch, exact: Map<string, string[]>, patterns: Map<string, string>,
): RequiredWidening[] {
  const tenant = shared.tenant;
  const sub = exact.get('sub');
  const subPattern = patterns.get('sub');
  // An exact value ends the subject, which closes its last field as ':' would (as the model's rule).
  const heads = sub ? sub.map((v) => `${v}:`) : subPattern !== undefined ? [parseGlob(subPattern).parts[0]] : [];
  const immutable = tenant.immutableClaims.some((c) => exact.has(c))
    || (heads.length > 0 && tenant.immutableSubject !== undefined && heads.every((h) => tenant.immutableSubject!.test(h)));
  const named = tenant.nameClaims.some((c) => exact.has(c))
    || (heads.length > 0 && heads.every((h) => tenant.nameSubject.test(h) || !!tenant.immutableSubject?.test(h)));
  if (!immutable && !named) {
    const chosen = [...exact.keys(), ...patterns.keys()].sort();
    throw new TrustConfigError(w,
      `${issuer} signs tokens for every ${shared.name} tenant, and this trust pins no ${tenant.unit} (${chosen.length ? `${chosen.join(', ')} can be chosen by any tenant` : 'no claim is pinned'})`,
      `use ${tenant.builder}, or pin ${tenant.immutableClaims.join(' or ')} exactly with withClaim()`, 'CIT-M001');
  }
  return immutable ? [] : [{ ruleId: 'CIT-M010', message: `the ${shared.name} ${tenant.unit} is pinned by name only (${[...tenant.nameClaims, 'sub'].filter((c) => exact.has(c) || (c === 'sub' && subPattern !== undefined)).join(', ')}); a deleted or renamed one can be re-registered by anyone` }];
}

guardMethods(GenericOidcTrustBuilder);
guardMethods(GenericOidc, GenericOidc);
