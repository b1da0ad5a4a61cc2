/**
 * The GCP workload identity federation limits the library checks at synth: the one place their
 * numbers live (docs/limits.md#gcp is generated from these records). @internal
 */
import type { LimitSpec } from '../model/limits';

const PROVIDER = 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers';
const POOL = 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools';
const POOL_CREATE = 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create';

/** @internal */
export const GCP_LIMITS = {
  id: {
    min: 4,
    value: 32,
    what: 'Pool and provider id',
    unit: 'characters of `[a-z0-9-]`',
    checkedBy: '`GcpWorkloadIdentityPool`, `addProvider`',
    source: POOL_CREATE,
    note: 'not starting with `gcp-`; a deleted id stays reserved for about 30 days (`idSuffix`)',
  },
  displayName: {
    value: 32,
    what: 'Pool and provider display name',
    unit: 'characters',
    checkedBy: '`GcpWorkloadIdentityPool`, `addProvider`',
    source: POOL,
  },
  description: {
    value: 256,
    what: 'Pool and provider description',
    unit: 'characters',
    checkedBy: '`GcpWorkloadIdentityPool`, `addProvider` (a generated description is truncated)',
    source: POOL,
  },
  attributeCondition: {
    value: 4096,
    what: 'Attribute condition (CEL)',
    unit: 'characters',
    checkedBy: 'GCP compiler, `GcpCel.attributeCondition`',
    source: PROVIDER,
  },
  mappingExpression: {
    value: 2048,
    what: 'One attribute-mapping expression',
    unit: 'characters',
    checkedBy: 'GCP compiler',
    source: PROVIDER,
  },
  customAttributes: {
    value: 50,
    what: 'Custom attributes per provider (one per trust)',
    unit: 'attributes',
    checkedBy: 'GCP compiler',
    source: PROVIDER,
  },
  attributeKeyLength: {
    value: 100,
    what: 'Custom attribute key',
    unit: 'characters of `[a-z0-9_]`',
    checkedBy: 'GCP compiler',
    source: PROVIDER,
  },
  subjectBytes: {
    value: 127,
    what: '`google.subject`',
    unit: 'bytes (UTF-8)',
    checkedBy: 'GCP compiler (maps a shorter unique fallback when `sub` can be longer; without one, refuses an exact `sub` over the limit)',
    source: PROVIDER,
  },
  audiences: {
    value: 10,
    what: 'Allowed audiences per provider',
    unit: 'audiences',
    checkedBy: '`addProvider`',
    source: PROVIDER,
  },
  audienceLength: {
    value: 256,
    what: 'Allowed audience length',
    unit: 'characters',
    checkedBy: '`addProvider`',
    source: PROVIDER,
  },
} as const satisfies Record<string, LimitSpec>;
