/**
 * Limits as data (lib/model/limits.ts, lib/<cloud>/limits.ts): the records are well formed, and the
 * code refuses exactly at the number the data gives (each limit one past the bound is refused, the
 * bound itself accepted), so the data, the checks and the generated docs cannot drift apart.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { TerraformStack, Testing } from 'cdktf';
import { isIamPolicyCharset } from '../../lib/aws/iam-strings';
import { AWS_LIMITS } from '../../lib/aws/limits';
import { CiOidcProvider } from '../../lib/aws/provider';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { AzureLimits, CREDENTIAL_NAME } from '../../lib/azure/compile';
import { AZURE_LIMITS } from '../../lib/azure/limits';
import { GitHubActions } from '../../lib/ci/github';
import { joinFields, lit } from '../../lib/ci/globs';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { GCP_LIMITS } from '../../lib/gcp/limits';
import { Condition, MAX_TERMS } from '../../lib/model/condition';
import { validateAudiences } from '../../lib/model/issuer';
import { formatLimit, formatNumber, LimitSpec, MODEL_LIMITS } from '../../lib/model/limits';
import { thrownConfigError } from '../support/errors';

const SCOPES: Record<string, Record<string, LimitSpec>> = { model: MODEL_LIMITS, aws: AWS_LIMITS, gcp: GCP_LIMITS, azure: AZURE_LIMITS };
const ALL = Object.entries(SCOPES).flatMap(([scope, limits]) => Object.entries(limits).map(([name, l]) => [`${scope}.${name}`, l] as const));
const trust = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch('main').toTrust();
const refused = (f: () => unknown, text: string) => expect(thrownConfigError(f).message).toContain(text);

describe('limit records', () => {
  test.each(ALL)('%s is well formed', (_name, l) => {
    expect(Number.isInteger(l.value) && l.value > 0).toBe(true);
    if (l.min !== undefined) expect(l.min).toBeLessThan(l.value);
    for (const text of [l.what, l.unit, l.checkedBy]) expect(text.trim().length).toBeGreaterThan(2);
    // A public source, or the docs section that explains one of the library's own bounds.
    expect(l.source).toMatch(/^(https:\/\/[a-z0-9.-]+\/\S+|docs\/limits\.md#[a-z]+)$/);
  });

  test('numbers are formatted the same on every machine', () => {
    expect([formatNumber(0), formatNumber(999), formatNumber(2048), formatNumber(43200), formatNumber(1234567)]).toEqual(['0', '999', '2,048', '43,200', '1,234,567']);
    expect(formatLimit(AWS_LIMITS.policyCharset)).toBe('U+00FF');
    expect(formatLimit(GCP_LIMITS.id)).toBe('4–32 characters of `[a-z0-9-]`');
  });

  test('a trust audience fits every cloud', () => {
    const smallest = Math.min(AWS_LIMITS.clientIdLength.value, GCP_LIMITS.audienceLength.value, AZURE_LIMITS.fieldLength.value);
    expect(MODEL_LIMITS.audienceLength.value).toBeLessThanOrEqual(smallest);
  });
});

describe('the code refuses at the number the data gives', () => {
  test('model: alternatives, claim names, audiences, subjects per trust', () => {
    expect(MAX_TERMS).toBe(MODEL_LIMITS.alternatives.value);
    const claim = MODEL_LIMITS.claimNameLength;
    expect(() => Condition.exact('c'.repeat(claim.value), 'v')).not.toThrow();
    refused(() => Condition.exact('c'.repeat(claim.value + 1), 'v'), `is not ${claim.min}-${claim.value} printable ASCII characters`);
    const aud = MODEL_LIMITS.audienceLength;
    expect(validateAudiences(['a'.repeat(aud.value)])).toHaveLength(1);
    refused(() => validateAudiences(['a'.repeat(aud.value + 1)]), `must be ${aud.min}-${aud.value} printable ASCII characters`);
    // lib/ci/globs.ts expands builder pins into subjects.
    const n = MODEL_LIMITS.subjectsPerTrust.value;
    const values = (k: number) => Array.from({ length: k }, (_, i) => lit(`v${i}`));
    expect(joinFields([values(n)], 'here')).toHaveLength(n);
    refused(() => joinFields([values(n + 1)], 'here'), `over the limit of ${n}`);
  });

  test('AWS: role name, session duration, trust-policy quota, client ids, policy characters', () => {
    const stack = () => new Stack(new App(), 'S');
    const name = AWS_LIMITS.roleName;
    expect(() => new CiOidcRole(stack(), 'R', { trusts: [trust()], roleName: 'r'.repeat(name.value) })).not.toThrow();
    refused(() => new CiOidcRole(stack(), 'R', { trusts: [trust()], roleName: 'r'.repeat(name.value + 1) }), `(IAM role name limit: ${name.value})`);

    const session = AWS_LIMITS.maxSessionDuration;
    for (const ok of [session.min!, session.value]) expect(() => new CiOidcRole(stack(), 'R', { trusts: [trust()], maxSessionDuration: Duration.seconds(ok) })).not.toThrow();
    for (const bad of [session.min! - 1, session.value + 1]) {
      refused(() => new CiOidcRole(stack(), 'R', { trusts: [trust()], maxSessionDuration: Duration.seconds(bad) }), `outside IAM's range of ${formatNumber(session.min!)}-${formatNumber(session.value)} s`);
    }

    const { trustPolicyLength: low, trustPolicyLengthMax: high } = AWS_LIMITS;
    for (const ok of [low.value, high.value]) expect(() => new CiOidcRole(stack(), 'R', { trusts: [trust()], trustPolicySizeQuota: ok })).not.toThrow();
    for (const bad of [low.value - 1, high.value + 1]) {
      refused(() => new CiOidcRole(stack(), 'R', { trusts: [trust()], trustPolicySizeQuota: bad }), `is not a trust-policy quota IAM offers (${formatNumber(low.value)} by default`);
    }

    const errors = (clientIds: string[]) => {
      const s = stack();
      const p = new CiOidcProvider(s, 'P', { issuer: 'https://token.actions.githubusercontent.com', clientIds });
      return p.node.validate();
    };
    const ids = AWS_LIMITS.clientIds.value;
    expect(errors(Array.from({ length: ids }, (_, i) => `aud-${i}`))).toEqual([]);
    expect(errors(Array.from({ length: ids + 1 }, (_, i) => `aud-${i}`)).join('\n')).toContain(`over the IAM limit of ${ids}`);
    const len = AWS_LIMITS.clientIdLength.value;
    expect(errors(['a'.repeat(len)])).toEqual([]);
    expect(errors(['a'.repeat(len + 1)]).join('\n')).toContain(`over the IAM limit of ${len}`);

    const top = AWS_LIMITS.policyCharset.value;
    expect(isIamPolicyCharset(`\t\n\r ${String.fromCodePoint(top)}`)).toBe(true);
    expect(isIamPolicyCharset(String.fromCodePoint(top + 1))).toBe(false);
    expect(isIamPolicyCharset('\u001f')).toBe(false);
  });

  test('GCP: pool id, display name, description, audiences per provider', () => {
    const pool = (props: Record<string, string>) => new GcpWorkloadIdentityPool(new TerraformStack(Testing.app(), 's'), 'P', { projectId: 'my-project', projectNumber: '123', poolId: 'ci-pool', ...props });
    const id = GCP_LIMITS.id;
    for (const ok of [id.min!, id.value]) expect(() => pool({ poolId: 'p'.repeat(ok) })).not.toThrow();
    for (const bad of [id.min! - 1, id.value + 1]) refused(() => pool({ poolId: 'p'.repeat(bad) }), `GCP requires ${id.min}-${id.value} characters`);
    for (const [field, l] of [['displayName', GCP_LIMITS.displayName], ['description', GCP_LIMITS.description]] as const) {
      expect(() => pool({ [field]: 'x'.repeat(l.value) })).not.toThrow();
      refused(() => pool({ [field]: 'x'.repeat(l.value + 1) }), `over GCP's limit of ${l.value}`);
    }
    const n = GCP_LIMITS.audiences.value;
    const audiences = (k: number) => Array.from({ length: k }, (_, i) => `aud-${i}`);
    expect(() => pool({}).addProvider('G', { providerId: 'github', trusts: [trust()], audiences: audiences(n) })).not.toThrow();
    refused(() => pool({}).addProvider('G', { providerId: 'github', trusts: [trust()], audiences: audiences(n + 1) }), `over GCP's limit of ${n}`);
  });

  test('Azure: identity name, credential names, the public AzureLimits', () => {
    const identity = (name: string) => new FederatedManagedIdentity(new TerraformStack(Testing.app(), 's'), 'I', { name, resourceGroupName: 'rg', location: 'westeurope', trusts: [] });
    const name = AZURE_LIMITS.identityName;
    for (const ok of [name.min!, name.value]) expect(() => identity('n'.repeat(ok))).not.toThrow();
    for (const bad of [name.min! - 1, name.value + 1]) refused(() => identity('n'.repeat(bad)), `is not ${name.min}-${name.value} letters`);

    const cred = AZURE_LIMITS.credentialName;
    expect(['c'.repeat(cred.min!), 'c'.repeat(cred.value)].every((n) => CREDENTIAL_NAME.test(n))).toBe(true);
    expect(['c'.repeat(cred.min! - 1), 'c'.repeat(cred.value + 1), '-cc'].some((n) => CREDENTIAL_NAME.test(n))).toBe(false);

    expect([AzureLimits.MAX_CREDENTIALS_PER_IDENTITY, AzureLimits.MAX_FIELD_LENGTH, AzureLimits.MAX_NAME_LENGTH])
      .toEqual([AZURE_LIMITS.credentialsPerIdentity.value, AZURE_LIMITS.fieldLength.value, AZURE_LIMITS.credentialName.value]);
  });
});
