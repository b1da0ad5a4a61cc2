import type { RequestContext } from '../model/network';

/**
 * One token exchange to simulate, for every simulator: the token's claims, and where the request
 * came from under the model's `RequestContext` names. A simulator refuses (TrustConfigError) the
 * fields it cannot judge instead of ignoring them.
 */
export interface SimulationRequest extends RequestContext {
  /** The decoded ID-token payload (JWT claims). */
  readonly claims: { [claim: string]: any };

  /**
   * AWS only: the IAM OIDC provider STS resolved for this token. Its URL must equal the token's
   * `iss` (without `https://`).
   *
   * @default - `arn:<partition>:iam::<account>:oidc-provider/<iss without https://>`
   */
  readonly awsProviderArn?: string;

  /**
   * GCP only: also check that the exchanged identity is in this IAM member
   * (`principalSet://…/attribute.NAME/VALUE`, `principal://…/subject/SUBJECT` or `principalSet://…/POOL/*`).
   *
   * @default - only the provider is checked
   */
  readonly gcpMember?: string;
}

/** One check that denied a request, structured for tests and for people. */
export interface SimulationFailure {
  /**
   * What was checked: an IAM condition (`StringEquals token.actions.githubusercontent.com:sub`),
   * `Principal`, `Action`, `Allow`, `explicit Deny`, `issuer`, `audience`, `session tags`,
   * `attribute_condition`, `attribute_mapping <attribute>`, `google.subject`, `member`, `iss`, `sub`, `aud`, ….
   */
  readonly check: string;

  /**
   * The policy element the check belongs to: an AWS statement, a GCP provider or member, an Azure credential.
   *
   * @default - the request as a whole
   */
  readonly element?: string;

  /**
   * The token claim the check read.
   *
   * @default - the check reads no claim (or a non-claim key such as `aws:SourceIp`)
   */
  readonly claim?: string;

  /**
   * What the check expected, as text.
   *
   * @default - not stated
   */
  readonly expected?: string;

  /**
   * What the request had, as text (`absent` when it had nothing).
   *
   * @default - not stated
   */
  readonly actual?: string;

  /**
   * For a false boolean expression made of `&&` terms (a GCP `attribute_condition`): the terms
   * that are not true, each as written, so the failure names the part of the expression that failed.
   * When the expression is an `||` of alternatives, each term is prefixed `alternative N: `.
   *
   * @default - the check is not such an expression, or every term is true on its own
   */
  readonly falseTerms?: string[];

  /** The failure in one line. */
  readonly message: string;
}

/** The verdict of every simulator. */
export interface SimulationResult {
  /** Whether the cloud would accept the request. */
  readonly allowed: boolean;

  /**
   * Why it was denied, one line per failure (the failures' messages); empty when allowed. The same
   * meaning as the model's `Decision.reasons`.
   */
  readonly reasons: string[];

  /** The checks that denied the request; empty when allowed. */
  readonly failures: SimulationFailure[];

  /** Every check made, in order, then the verdict (`ALLOWED: …` or `DENIED: …`). */
  readonly trace: string[];

  /**
   * The policy elements all of whose checks passed, in evaluation order: AWS statements (Allow
   * and Deny alike, also when the call fails elsewhere), the GCP provider and member, the Azure
   * credential.
   */
  readonly matched: string[];
}
