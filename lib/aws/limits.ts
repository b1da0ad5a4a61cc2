/**
 * The AWS limits the library checks at synth: the one place their numbers live (docs/limits.md#aws
 * is generated from these records). @internal
 */
import type { LimitSpec } from '../model/limits';

const IAM_QUOTAS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';
const CREATE_ROLE = 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html';
const CREATE_OIDC_PROVIDER = 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html';

/** @internal */
export const AWS_LIMITS = {
  trustPolicyLength: {
    value: 2048,
    what: 'Role trust policy length (minified, tokens resolved to their longest value)',
    unit: 'characters',
    checkedBy: '`CiOidcRole`, `CiOidcPrincipal`',
    source: IAM_QUOTAS,
    note: 'IAM\'s default `ACLSizePerRole`; `trustPolicySizeQuota` sets the quota your account has',
  },
  trustPolicyLengthRaised: {
    value: 4096,
    what: 'Role trust policy length after a Service Quotas increase',
    unit: 'characters',
    checkedBy: '`CiOidcRole`, `CiOidcPrincipal` (named in the fix)',
    source: IAM_QUOTAS,
  },
  trustPolicyLengthMax: {
    value: 8192,
    what: 'Largest `trustPolicySizeQuota` accepted',
    unit: 'characters',
    checkedBy: '`CiOidcRole`, `CiOidcPrincipal`',
    source: IAM_QUOTAS,
    note: 'reported since 2026, not yet on the quotas page: accepted, never assumed',
  },
  roleName: {
    min: 1,
    value: 64,
    what: 'Role name',
    unit: 'characters of `[\\w+=,.@-]`',
    checkedBy: '`CiOidcRole`',
    source: CREATE_ROLE,
  },
  roleDescription: {
    value: 1000,
    what: 'Role description',
    unit: 'characters',
    checkedBy: '`CiOidcRole` (a generated description is truncated with ASCII dots)',
    source: CREATE_ROLE,
  },
  maxSessionDuration: {
    min: 3600,
    value: 43200,
    what: 'Maximum session duration',
    unit: 'seconds',
    checkedBy: '`CiOidcRole`',
    source: CREATE_ROLE,
    note: '1 to 12 hours',
  },
  clientIds: {
    value: 100,
    what: 'Client ids (audiences) per OIDC provider',
    unit: 'client ids',
    checkedBy: '`CiOidcProvider`',
    source: CREATE_OIDC_PROVIDER,
  },
  clientIdLength: {
    value: 255,
    what: 'Client id (audience) length',
    unit: 'characters',
    checkedBy: '`CiOidcProvider`',
    source: CREATE_OIDC_PROVIDER,
  },
  policyCharset: {
    value: 0xff,
    what: 'Highest character in a policy (tab, LF, CR and U+0020 up to this)',
    unit: 'code point',
    checkedBy: 'AWS compiler',
    source: IAM_QUOTAS,
  },
} as const satisfies Record<string, LimitSpec>;
