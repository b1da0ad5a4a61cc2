// Public surface of the model (jsii sees only what is exported here).
// TrustConfigError cannot be a jsii type (it extends Error): TrustErrors recognizes it and reads its parts.
export { TrustErrors, TrustErrorDetails } from './errors';
export { Condition, ClaimOperator, ClaimTest, ConditionTerm, ConditionResult } from './condition';
export { NetworkRestriction, NetworkRestrictionProps, RequestContext } from './network';
export { RuleLevel, Widening, RuleDefinition } from './rules';
export { Trust, TrustFinding, Decision } from './trust';
