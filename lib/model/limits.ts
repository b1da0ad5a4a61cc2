/**
 * Limits as data. Each cloud has one limits module (lib/aws/limits.ts, lib/gcp/limits.ts,
 * lib/azure/limits.ts) and the model has this one; the code reads the number from there and nowhere
 * else, and the README and docs/limits.md tables are generated from the same records
 * (scripts/docs-tables.ts), so a limit, its message and its documentation cannot drift apart.
 * @internal
 */

/** One limit: the number, what it bounds, who checks it, where it is documented. @internal */
export interface LimitSpec {
  /** The largest allowed value (or the exact bound the check uses). */
  readonly value: number;
  /** The smallest allowed value, for ranges. */
  readonly min?: number;
  /** What it bounds, for the docs table. */
  readonly what: string;
  /** The unit, e.g. `characters`; `code point` renders the value as U+XXXX. */
  readonly unit: string;
  /** Which construct, compiler or builder checks it. */
  readonly checkedBy: string;
  /** A public URL documenting the limit, or a docs/limits.md anchor for the library's own bounds. */
  readonly source: string;
  /** A short remark for the docs table. */
  readonly note?: string;
}

/** `2048` as `2,048` (fixed, locale-independent: messages must be byte-identical everywhere). @internal */
export function formatNumber(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** The limit as the docs show it: `4–32 characters`, `2,048 characters`, `U+00FF`. @internal */
export function formatLimit(l: LimitSpec): string {
  if (l.unit === 'code point') return `U+${l.value.toString(16).toUpperCase().padStart(4, '0')}`;
  const range = l.min === undefined ? formatNumber(l.value) : `${formatNumber(l.min)}–${formatNumber(l.value)}`;
  return `${range} ${l.unit}`;
}

/** The model's own bounds (not a cloud's): docs/limits.md#model says why each exists. @internal */
export const MODEL_LIMITS = {
  alternatives: {
    value: 256,
    what: 'Alternatives (OR of ANDs) in one canonical condition',
    unit: 'alternatives',
    checkedBy: '`Condition`, every builder',
    source: 'docs/limits.md#model',
    note: 'a condition this large is a mistake; AWS writes one statement per alternative into a 2 KB policy',
  },
  subjectsPerTrust: {
    value: 200,
    what: 'Subjects one builder call expands to (refs × environments × …)',
    unit: 'subjects',
    checkedBy: 'CI builders',
    source: 'docs/limits.md#model',
  },
  claimNameLength: {
    min: 1,
    value: 256,
    what: 'Claim name in a condition',
    unit: 'printable ASCII characters',
    checkedBy: '`Condition`',
    source: 'docs/limits.md#model',
  },
  audienceLength: {
    min: 1,
    value: 255,
    what: 'Audience of a trust',
    unit: 'printable ASCII characters',
    checkedBy: '`Trust`, every builder',
    source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html',
    note: 'the smallest cloud limit (an AWS client id), so a trust fits every cloud',
  },
} as const satisfies Record<string, LimitSpec>;
