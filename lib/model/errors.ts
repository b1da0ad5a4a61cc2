import type { RuleId } from './rules';
// A brand rather than instanceof: it survives two copies of the package in one node_modules, and
// TrustConfigError (a subclass of Error) cannot be a jsii type, so other languages never see it.
const BRAND = Symbol.for('ci-oidc-trust.TrustConfigError');
// The message shape, read back by TrustErrors.parseMessage: `where: problem [rule]. Fix: fix`.
const MESSAGE = /^(.+?): ([\s\S]+?)(?: \[([A-Z][A-Z0-9]*-[A-Z0-9-]+)\])?\. Fix: ([\s\S]+)$/;

/**
 * The error every validation in ci-oidc-trust throws: it says what was wrong, where, and how to fix it.
 *
 * `where` names the field or construct path (for example `GitHub.repository(owner)`),
 * `fix` is the concrete change that makes the input valid.
 */
export class TrustConfigError extends Error {
  /** Where the problem is (field, builder method or construct path). */
  public readonly where: string;
  /** What is wrong. */
  public readonly problem: string;
  /** How to fix it. */
  public readonly fix: string;
  /** The rule id, when the error comes from a named rule (for example `CIT-M001`). */
  public readonly ruleId?: RuleId;

  public constructor(where: string, problem: string, fix: string, ruleId?: RuleId) {
    super(`${where}: ${problem}${ruleId ? ` [${ruleId}]` : ''}. Fix: ${fix}`);
    this.name = 'TrustConfigError';
    this.where = where;
    this.problem = problem;
    this.fix = fix;
    this.ruleId = ruleId;
    Object.setPrototypeOf(this, TrustConfigError.prototype);
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** The parts of a ci-oidc-trust configuration error. */
export interface TrustErrorDetails {
  /** Where the problem is (field, builder method or construct path). */
  readonly where: string;
  /** What is wrong. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
  /** The rule or limit id, when the error comes from a named rule (for example `CIT-M001`). @default - none */
  readonly ruleId?: string;
  /** The whole message. */
  readonly message: string;
}

/**
 * Recognize the errors ci-oidc-trust throws for bad input (`TrustConfigError`) and read their parts,
 * like aws-cdk-lib's `Errors.isValidationError`.
 *
 * In TypeScript/JavaScript pass the caught error to `isTrustConfigError` / `detailsOf`. In Python,
 * Java, .NET and Go only the error's message reaches your code (the jsii runtime raises its own
 * exception type), so pass the message to `parseMessage`.
 */
export class TrustErrors {
  /** Whether `x` is an error ci-oidc-trust threw for bad input. */
  public static isTrustConfigError(x: any): x is TrustConfigError {
    return x !== null && typeof x === 'object' && (x as any)[BRAND] === true;
  }

  /** The parts of `x` when it is a TrustConfigError. @returns undefined for anything else */
  public static detailsOf(x: any): TrustErrorDetails | undefined {
    if (!TrustErrors.isTrustConfigError(x)) return undefined;
    return { where: x.where, problem: x.problem, fix: x.fix, message: x.message, ...(x.ruleId ? { ruleId: x.ruleId } : {}) };
  }

  /**
   * The parts of a TrustConfigError read back from its message (`where: problem [rule]. Fix: fix`),
   * for languages where only the message crosses. `where` is read up to the first `: `.
   * @returns undefined when the text does not have that shape
   */
  public static parseMessage(message: string): TrustErrorDetails | undefined {
    const m = typeof message === 'string' ? MESSAGE.exec(message) : null;
    if (!m) return undefined;
    return { where: m[1], problem: m[2], fix: m[4], message, ...(m[3] ? { ruleId: m[3] } : {}) };
  }

  private constructor() {}
}
