import type { RuleId } from './rules';

/**
 * The error every validation in ci-oidc-trust throws: it says what was wrong, where, and how to fix it.
 *
 * `where` names the field or construct path (for example `GitHub.repository(owner)`),
 * `fix` is the concrete change that makes the input valid.
 */
export class TrustConfigError extends Error {
  /** Where the problem is (field, builder method or construct path). */
  public readonly where: string;
  /** How to fix it. */
  public readonly fix: string;
  /** The rule id, when the error comes from a named rule (for example `CIT-M001`). */
  public readonly ruleId?: RuleId;

  public constructor(where: string, problem: string, fix: string, ruleId?: RuleId) {
    super(`${where}: ${problem}${ruleId ? ` [${ruleId}]` : ''}. Fix: ${fix}`);
    this.name = 'TrustConfigError';
    this.where = where;
    this.fix = fix;
    this.ruleId = ruleId;
    Object.setPrototypeOf(this, TrustConfigError.prototype);
  }
}
