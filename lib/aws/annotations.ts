import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { trustWarnings } from '../emit/annotations';
import { Trust } from '../model/trust';

/**
 * The trusts' warnings as CDK warnings with their rule id (`cdk synth` prints them, and each can be
 * acknowledged: `Annotations.of(scope).acknowledgeWarning('CIT-M013', 'why')`).
 * @internal
 */
export function annotateTrusts(scope: IConstruct, trusts: readonly Trust[]): void {
  if (trusts.every((t) => t.findings.length === 0)) return; // most roles: nothing to say
  for (const w of trustWarnings(trusts)) Annotations.of(scope).addWarningV2(w.id, w.message);
}
