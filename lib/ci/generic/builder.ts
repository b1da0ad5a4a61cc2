import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { validateIssuer } from '../../model/issuer';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { Widening } from '../../model/rules';
import { RequiredWidening, Trust } from '../../model/trust';
import { requireText, uniqSorted } from '../values';

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
  public static readonly PROVIDER_ID = 'generic';

  /** Start a trust for tokens of this issuer. */
  public static issuer(props: GenericOidcProps): GenericOidcTrustBuilder {
    return new GenericOidcTrustBuilder(props);
  }
}

/** Builds a generic trust from exact claim pins (and patterns with Widening.REF_PATTERN). */
export class GenericOidcTrustBuilder {
  private readonly props: GenericOidcProps;
  private readonly exact = new Map<string, string[]>();
  private readonly patterns = new Map<string, string>();
  private auds?: string[];
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Use GenericOidc.issuer(). */
  public constructor(props: GenericOidcProps) {
    const w = 'GenericOidc.issuer';
    requireText(`${w}(name)`, props.name, 'name');
    validateIssuer(props.issuer, `${w}(issuer)`);
    if (!props.identityClaims || props.identityClaims.length === 0) {
      throw new TrustConfigError(`${w}(identityClaims)`, 'no identity claim is declared, so no trust could be judged to pin a tenant', 'name the claim(s) that identify one job or workload, e.g. ["sub"]', 'CIT-M001');
    }
    this.props = props;
  }

  /** Pin a claim to one of these exact values. */
  public withClaim(claim: string, ...values: string[]): GenericOidcTrustBuilder {
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
    if (this.props.identityClaims.includes(claim)) {
      throw new TrustConfigError(`GenericOidcTrustBuilder.withClaimPattern(${claim})`, `${claim} is an identity claim and must be exact`, 'use withClaim()', 'CIT-M002');
    }
    this.patterns.set(claim, requireText(`GenericOidcTrustBuilder.withClaimPattern(${claim})`, pattern, 'pattern'));
    return this;
  }

  /** Audiences the tokens carry (required: generic issuers have no default). */
  public withAudience(...audiences: string[]): GenericOidcTrustBuilder {
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): GenericOidcTrustBuilder {
    this.net = NetworkRestriction.of(network);
    return this;
  }

  /** Accept named widenings (shown in the review). */
  public accept(...widenings: Widening[]): GenericOidcTrustBuilder {
    this.accepted.push(...widenings);
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
    return Trust._create({
      profile: { id: GenericOidc.PROVIDER_ID, displayName: p.name, identityClaims: p.identityClaims },
      where: w,
      issuer: p.issuer,
      audiences: this.auds,
      condition: Condition.allOf(...tests),
      network: this.net,
      description: `${p.name} tokens with ${[...pins, ...[...this.patterns.entries()].sort().map(([c, pt]) => `${c} like ${pt}`)].join(', ')}`,
      needs,
      accepted: this.accepted,
      details: { name: p.name },
    });
  }
}
