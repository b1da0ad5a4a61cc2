import { cidrContains, parseIp } from './cidr';
import { Context } from './context';
import { IamStringOperator, matchIamString, unresolvedPolicyVariables } from './iam-strings';
import { NEGATED_OPS, ParsedCondition, ParsedStatement, PrincipalSpec } from './policy';
import { fmtActual, fmtList, q } from './text';
import type { SimulationFailure } from '../../result';

/*
 * IAM policy evaluation ([COND], [OPS], [MULTI], [EVAL] in ../simulator.ts): statements, condition
 * operators with set qualifiers and IfExists, and the Allow/Deny decision.
 */

export const TAG_ACTION = 'sts:TagSession';

export interface StatementEval {
  /** Per requested action: does the statement apply (principal, action, conditions)? */
  readonly applies: Map<string, boolean>;
  readonly lines: string[];
  /** Failed checks for an action (principal, that action, conditions), in trace order. */
  readonly failuresFor: (action: string) => SimulationFailure[];
}

export function evaluateStatement(
  s: ParsedStatement,
  ctx: Context,
  actions: string[],
  principalCheck: (p: PrincipalSpec) => { ok: boolean; text: string },
  resourceMode: 'resource' | undefined,
): StatementEval {
  const lines: string[] = [];
  const applies = new Map<string, boolean>();
  const failures: SimulationFailure[] = [];
  const actionFailures = new Map<string, SimulationFailure>();
  const element = s.label;
  let principalOk = true;
  if (s.principal) {
    const r = principalCheck(s.principal);
    principalOk = r.ok;
    lines.push(`${s.label}: principal ${r.ok ? 'matches' : 'does not match'}: ${r.text}`);
    if (!r.ok) failures.push({ check: 'Principal', element, message: lines[lines.length - 1] });
  } else if (s.notPrincipal) {
    const r = principalCheck(s.notPrincipal);
    principalOk = !r.ok;
    lines.push(`${s.label}: NotPrincipal ${r.ok ? 'lists' : 'does not list'} the caller (${r.text}) -> principal ${principalOk ? 'matches' : 'does not match'}`);
    if (!principalOk) failures.push({ check: 'NotPrincipal', element, message: lines[lines.length - 1] });
  } else if (resourceMode === undefined) {
    principalOk = false;
    lines.push(`${s.label}: no Principal: a trust-policy statement without one applies to no caller`);
    failures.push({ check: 'Principal', element, message: lines[lines.length - 1] });
  }
  const actionOk = new Map<string, boolean>();
  for (const a of actions) {
    const ok = s.actions ? s.actions.some((p) => actionMatches(p, a)) : !s.notActions!.some((p) => actionMatches(p, a));
    actionOk.set(a, ok);
    const spec = s.actions ? `Action ${fmtList(s.actions)}` : `NotAction ${fmtList(s.notActions!)}`;
    lines.push(`${s.label}: ${a} ${ok ? 'is' : 'is not'} covered by ${spec}`);
    if (!ok) actionFailures.set(a, { check: s.actions ? 'Action' : 'NotAction', element, expected: spec, actual: a, message: lines[lines.length - 1] });
  }
  if (resourceMode === 'resource' && s.resources && !s.resources.includes('*')) {
    lines.push(`${s.label}: Resource ${fmtList(s.resources)} not evaluated (the request names no resource); assumed to match`);
  }
  let condOk = true;
  const conditionFailures: SimulationFailure[] = [];
  for (const c of s.conditions) {
    const r = evaluateCondition(c, ctx, s.policyVariables);
    lines.push(`${s.label}: ${r.text}`);
    if (!r.ok) {
      condOk = false;
      const claim = ctx.claimOf(c.key);
      conditionFailures.push({ check: `${c.operatorText} ${c.key}`, element, ...(claim !== undefined ? { claim } : {}), expected: r.expected, actual: r.actual, message: lines[lines.length - 1] });
    }
  }
  for (const a of actions) {
    const ok = principalOk && actionOk.get(a)! && condOk;
    applies.set(a, ok);
  }
  const applied = actions.filter((a) => applies.get(a));
  lines.push(`${s.label}: ${applied.length ? `applies to ${applied.join(', ')}` : 'does not apply'}`);
  const failuresFor = (a: string) => [...failures, ...(actionFailures.has(a) ? [actionFailures.get(a)!] : []), ...conditionFailures];
  return { applies, lines, failuresFor };
}

/**
 * [EVAL]: per action, an explicit Deny wins, else some Allow must apply. Appends the decision to
 * the trace and returns the failures of the denied actions (deduplicated, in trace order).
 */
export function decide(
  evals: StatementEval[],
  actions: string[],
  statements: ParsedStatement[],
  trace: string[],
): { allowed: boolean; matched: number[]; failures: SimulationFailure[] } {
  const matched: number[] = [];
  evals.forEach((e, i) => {
    if (actions.some((a) => e.applies.get(a))) matched.push(i);
  });
  let allowed = true;
  const failures: SimulationFailure[] = [];
  const add = (f: SimulationFailure) => {
    if (!failures.some((x) => x.message === f.message)) failures.push(f);
  };
  for (const a of actions) {
    const denies = statements.filter((s, i) => s.effect === 'Deny' && evals[i].applies.get(a));
    const allows = statements.filter((s, i) => s.effect === 'Allow' && evals[i].applies.get(a));
    if (denies.length > 0) {
      allowed = false;
      const message = `explicit Deny of ${a} by ${denies.map((s) => s.label).join(', ')} (an explicit Deny overrides any Allow)`;
      trace.push(`DENIED: ${message}`);
      add({ check: 'explicit Deny', element: denies.map((s) => s.label).join(', '), actual: a, message });
    } else if (allows.length === 0) {
      allowed = false;
      const extra = a === TAG_ACTION ? ' (the token carries session tags, so AssumeRoleWithWebIdentity fails without it)' : '';
      const message = `no Allow statement applies to ${a}${extra}`;
      trace.push(`DENIED: ${message}`);
      statements.forEach((s, i) => {
        if (s.effect === 'Allow') evals[i].failuresFor(a).forEach(add);
      });
      add({ check: 'Allow', expected: `an Allow statement that applies to ${a}`, actual: 'none', message });
    } else {
      trace.push(`${a} allowed by ${allows.map((s) => s.label).join(', ')}`);
    }
  }
  return { allowed, matched, failures };
}

/** IAM action names: case-insensitive, `*` and `?` wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  const esc = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${esc}$`, 's').test(action.toLowerCase());
}

/** One value test for a (non-negated) base operator. */
function matchOne(c: ParsedCondition, pv: string, pvIndex: number, actual: string, policyVariables: boolean, unresolved: Set<string>): boolean {
  const opts = { policyVariables };
  const str = (op: IamStringOperator): boolean => {
    const r = matchIamString(op, pv, actual, opts);
    if (r === 'unresolvable') {
      unresolvedPolicyVariables(pv, opts).forEach((v) => unresolved.add(v));
      return false;
    }
    return r;
  };
  switch (c.base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return str('StringEquals');
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return str('StringEqualsIgnoreCase');
    case 'StringLike':
    case 'StringNotLike':
      return str('StringLike');
    case 'Bool':
      return pv.toLowerCase() === actual.toLowerCase();
    case 'IpAddress':
    case 'NotIpAddress': {
      const ip = parseIp(actual);
      return ip !== undefined && cidrContains(c.cidrs![pvIndex], ip);
    }
    case 'ArnEquals':
    case 'ArnNotEquals':
    case 'ArnLike':
    case 'ArnNotLike':
      // ARN operators: each of the six colon-delimited components is matched separately, with
      // `*`/`?` wildcards ([OPS]); ArnEquals behaves like ArnLike.
      return arnMatches(pv, actual, (p, a) => likeOrUnresolved(p, a, opts, unresolved));
    case 'NumericEquals':
    case 'NumericNotEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals': {
      const x = Number(actual);
      const y = Number(pv);
      if (actual.trim() === '' || Number.isNaN(x) || Number.isNaN(y)) return false;
      switch (c.base) {
        case 'NumericLessThan': return x < y;
        case 'NumericLessThanEquals': return x <= y;
        case 'NumericGreaterThan': return x > y;
        case 'NumericGreaterThanEquals': return x >= y;
        default: return x === y;
      }
    }
    default:
      return false;
  }
}

function likeOrUnresolved(p: string, a: string, opts: { policyVariables: boolean }, unresolved: Set<string>): boolean {
  const r = matchIamString('StringLike', p, a, opts);
  if (r === 'unresolvable') {
    unresolvedPolicyVariables(p, opts).forEach((v) => unresolved.add(v));
    return false;
  }
  return r;
}

function arnMatches(pattern: string, arn: string, like: (p: string, a: string) => boolean): boolean {
  const pp = splitArn(pattern);
  const aa = splitArn(arn);
  if (!pp || !aa) return like(pattern, arn);
  return pp.every((p, i) => like(p, aa[i]));
}

function splitArn(s: string): string[] | undefined {
  const parts = s.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * Evaluates one (operator, key) pair against the context ([COND], [OPS], [MULTI]).
 * Choices (documented AWS behaviour where it exists):
 * - Absent key: positive operator false; negated operator true; `...IfExists` true;
 *   `ForAllValues` true; `ForAnyValue` false.
 * - Present key, no set qualifier: positive = some context value matches some policy value;
 *   negated = no context value matches any policy value. (So a plain StringEquals on an array
 *   `aud` passes if any element matches.)
 * - `ForAllValues`: every context value satisfies the (possibly negated) per-value test;
 *   `ForAnyValue`: at least one does. Negation applies per context value.
 */
interface ConditionEval {
  readonly ok: boolean;
  readonly text: string;
  readonly expected: string;
  readonly actual: string;
}

function evaluateCondition(c: ParsedCondition, ctx: Context, policyVariables: boolean): ConditionEval {
  const expected = c.base === 'Null' ? (c.values[0]?.toLowerCase() === 'true' ? 'key absent' : 'key present') : `${NEGATED_OPS.has(c.base) ? 'none of' : 'one of'} ${fmtList(c.values)}`;
  const head = `${c.operatorText} ${q(c.key)}: expected ${expected}`;
  const entry = ctx.get(c.key);
  if (c.base === 'Null') {
    // Null: "true" = key absent; several values OR ([COND]).
    const absent = entry === undefined || entry.values.length === 0;
    const ok = c.values.some((v) => (v.toLowerCase() === 'true') === absent);
    const actual = absent ? ctx.whyAbsent(c.key) : fmtActual(entry!.values);
    return { ok, text: `${head}, actual ${actual} -> ${ok}`, expected, actual };
  }
  if (entry === undefined || entry.values.length === 0) {
    let ok: boolean;
    let why: string;
    if (c.qualifier === 'ForAllValues') {
      ok = true;
      why = 'ForAllValues is true when the key is absent';
    } else if (c.ifExists) {
      ok = true;
      why = 'IfExists is true when the key is absent';
    } else if (c.qualifier === 'ForAnyValue') {
      ok = false;
      why = 'ForAnyValue is false when the key is absent';
    } else if (NEGATED_OPS.has(c.base)) {
      ok = true;
      why = 'a negated operator is true when the key is absent';
    } else {
      ok = false;
      why = 'a positive operator is false when the key is absent';
    }
    const actual = ctx.whyAbsent(c.key);
    return { ok, text: `${head}, actual ${actual} -> ${ok} (${why})`, expected, actual };
  }
  const negated = NEGATED_OPS.has(c.base);
  const unresolved = new Set<string>();
  const perValue = entry.values.map((value) => {
    const hit = c.values.some((pv, i) => matchOne(c, pv, i, value, policyVariables, unresolved));
    return negated ? !hit : hit;
  });
  let ok: boolean;
  if (c.qualifier === 'ForAllValues') ok = perValue.every((x) => x);
  else if (c.qualifier === 'ForAnyValue') ok = perValue.some((x) => x);
  else ok = negated ? perValue.every((x) => x) : perValue.some((x) => x);
  const actual = fmtActual(entry.values);
  let text = `${head}, actual ${actual} -> ${ok}`;
  if (unresolved.size > 0) {
    text += ` (policy variable ${[...unresolved].join(', ')} is not resolved by the simulator; that value is treated as no match)`;
  }
  return { ok, text, expected, actual };
}
