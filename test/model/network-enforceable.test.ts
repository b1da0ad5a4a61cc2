/**
 * One enforceability check for every cloud (lib/model/network.ts): an allow-list per cloud, so a
 * network kind no cloud has learnt is refused everywhere (fail closed), never dropped.
 */
import { NetworkRestriction } from '../../lib';
import { ENFORCEABLE_NETWORK_KINDS, NETWORK_KINDS, NetworkKind, requireEnforceable, unenforceableKinds } from '../../lib/model/network';
import { thrownConfigError } from '../support/errors';

const SAMPLE: Record<NetworkKind, string> = {
  sourceIpCidrs: '203.0.113.0/24',
  awsVpcIds: 'vpc-0123456789abcdef0',
  awsVpcEndpointIds: 'vpce-0123456789abcdef0',
  gcpVpcNetworks: 'projects/my-project/global/networks/ci',
  azureSubnetIds: '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s',
  azurePrivateEndpointIds: '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe',
};
const only = (k: NetworkKind) => NetworkRestriction.of({ [k]: [SAMPLE[k]] });

test('every kind of NetworkRestrictionProps is listed, and every allow-list names known kinds only', () => {
  expect([...NETWORK_KINDS].sort()).toEqual(Object.keys(SAMPLE).sort());
  for (const kinds of Object.values(ENFORCEABLE_NETWORK_KINDS)) for (const k of kinds) expect(NETWORK_KINDS).toContain(k);
});

test.each((['aws', 'gcp', 'azure'] as const).flatMap((cloud) => NETWORK_KINDS.map((k) => [cloud, k] as const)))('%s with only %s: enforced exactly when allow-listed', (cloud, kind) => {
  const n = only(kind);
  const allowed = ENFORCEABLE_NETWORK_KINDS[cloud].includes(kind);
  expect(unenforceableKinds(n, cloud)).toEqual(allowed ? [] : [kind]);
  if (allowed) {
    expect(() => requireEnforceable(n, cloud, 'W')).not.toThrow();
  } else {
    const e = thrownConfigError(() => requireEnforceable(n, cloud, 'W'));
    expect(e.message).toContain(`restricts the network with ${kind}, which ${{ aws: 'AWS', gcp: 'GCP', azure: 'Azure' }[cloud]} cannot enforce`);
    expect(e.message).toContain('Fix:');
  }
});

test('a kind no cloud knows fails closed on every cloud', () => {
  // A restriction as a later version might carry it: the allow-lists do not name it.
  const future = Object.defineProperty(Object.create(NetworkRestriction.prototype), 'kinds', { value: ['someFutureKind'] }) as NetworkRestriction;
  for (const cloud of ['aws', 'gcp', 'azure'] as const) expect(unenforceableKinds(future, cloud)).toEqual(['someFutureKind']);
});

test('one text form: kind=values, kinds sorted, used by Trust.explain', () => {
  const n = NetworkRestriction.of({ sourceIpCidrs: ['198.51.100.0/24', '203.0.113.0/24'], awsVpcIds: ['vpc-0123456789abcdef0'] });
  expect(n.toString()).toBe('awsVpcIds=vpc-0123456789abcdef0; sourceIpCidrs=198.51.100.0/24,203.0.113.0/24');
});
