// Public surface of the model (jsii sees only what is exported here).
// TrustConfigError is not exported through jsii (it cannot extend Error); catch Error and read its message.
export { Condition, ClaimOperator, ClaimTest, ConditionTerm, ConditionResult } from './condition';
export { NetworkRestriction, NetworkRestrictionProps, RequestContext } from './network';
export { RuleLevel, Widening, RuleDefinition } from './rules';
export { Trust, TrustFinding, Decision } from './trust';
