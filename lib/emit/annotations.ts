import type { IConstruct } from 'constructs';
import { RULES, RuleId } from '../model/rules';
import { Trust } from '../model/trust';

/*
 * The warnings a trust carries (model warnings and accepted widenings) as synth-time annotations,
 * where users look: the CDK and CDKTF CLIs print them at synth. One text for every cloud: the rule
 * id, the message, the fix and the trust's sentence, so the warning says which trust it is about
 * and what to do.
 */

/** One annotation: the rule id (CDK acknowledges warnings by it) and the text. @internal */
export interface TrustWarning { readonly id: string; readonly message: string }

/** The warnings of the trusts, in order (trust by trust, rule id by rule id). @internal */
export function trustWarnings(trusts: readonly Trust[]): TrustWarning[] {
  return trusts.flatMap((t) => t.findings.map((f) => ({ id: f.ruleId, message: `${f.ruleId}: ${f.message}. Fix: ${RULES[f.ruleId as RuleId].fix} (trust: ${t.description})` })));
}

/**
 * Add the warnings to a CDKTF construct (`cdktf synth` prints them; the stack's manifest lists them).
 * As cdktf's `Annotations.of(scope).addWarning` does, without the stack trace it would record: a
 * trace holds absolute paths, and the manifest must be the same on every machine.
 * cdktf is required here, when a CDKTF construct calls it, so the package root loads none.
 * @internal
 */
export function annotateCdktf(scope: IConstruct, trusts: readonly Trust[]): void {
  const warnings = trustWarnings(trusts);
  if (warnings.length === 0) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AnnotationMetadataEntryType } = require('cdktf') as typeof import('cdktf');
  for (const w of warnings) scope.node.addMetadata(AnnotationMetadataEntryType.WARN, w.message, { stackTrace: false });
}
