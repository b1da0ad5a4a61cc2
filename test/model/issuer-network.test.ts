import { TrustConfigError } from '../../lib/model/errors';
import { validateAudiences, validateIssuer } from '../../lib/model/issuer';
import { formatCidr, NetworkRestriction, parseCidr, parseIp } from '../../lib/model/network';

function configError(fn: () => unknown): TrustConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrustConfigError);
    return e as TrustConfigError;
  }
  throw new Error('expected a TrustConfigError');
}

const DEFAULT_FIX = 'Fix: give the exact `iss` value the CI provider puts in its tokens, e.g. https://token.actions.githubusercontent.com';

describe('validateIssuer', () => {
  test.each([
    ['https://token.actions.githubusercontent.com'],
    ['https://token.actions.githubusercontent.com/octocat-inc'],
    ['https://gitlab.example.com:443'],
    ['https://HOSTNAME/_services/token'],
    ['https://api.bitbucket.org/2.0/workspaces/cyclenerd/pipelines-config/identity/oidc'],
  ])('accepts %s', (iss) => {
    expect(validateIssuer(iss)).toBe(iss);
  });

  test.each([
    ['http://gitlab.com', 'is not an https URL', DEFAULT_FIX],
    ['https://gitlab.com/', 'ends with a slash; token issuers never do', 'Fix: drop the trailing slash'],
    ['https://gitlab.com?q=1', 'contains a query or fragment', DEFAULT_FIX],
    ['https://gitlab.com/x?q', 'contains a query or fragment', DEFAULT_FIX],
    ['https://gitlab.com#f', 'contains a query or fragment', DEFAULT_FIX],
    ['https://user@gitlab.com', 'contains userinfo (user@host)', DEFAULT_FIX],
    ['https://user:pw@gitlab.com', 'contains userinfo (user@host)', DEFAULT_FIX],
    ['https://gitlab.com/a/../b', 'has an empty, "." or ".." path segment', DEFAULT_FIX],
    ['https://gitlab.com/./b', 'has an empty, "." or ".." path segment', DEFAULT_FIX],
    ['https://gitlab.com/a//b', 'has an empty, "." or ".." path segment', DEFAULT_FIX],
    ['https://gitlab.com:8443', 'uses port 8443; cloud providers fetch discovery documents on 443', DEFAULT_FIX],
    ['https://gitlab.com:', 'uses port ; cloud providers fetch discovery documents on 443', DEFAULT_FIX],
    ['https://git lab.com', 'contains whitespace or control characters', DEFAULT_FIX],
    [' https://gitlab.com', 'contains whitespace or control characters', DEFAULT_FIX],
    ['https://gitlab.com\n', 'contains whitespace or control characters', DEFAULT_FIX],
    ['', 'is empty', DEFAULT_FIX],
    ['https://', 'ends with a slash; token issuers never do', 'Fix: drop the trailing slash'],
    ['https://a_b.com', 'has an invalid host "a_b.com"', DEFAULT_FIX],
    ['https://-gitlab.com', 'has an invalid host "-gitlab.com"', DEFAULT_FIX],
    // An IPv6 literal is refused, though the message is about the port (the authority is split on ':').
    ['https://[::1]', 'uses port ; cloud providers fetch discovery documents on 443', DEFAULT_FIX],
    ['https://gitlab.com/a"b', 'has characters that are not allowed in a URL path', DEFAULT_FIX],
  ])('refuses %j: %s', (iss, problem, fix) => {
    const e = configError(() => validateIssuer(iss, 'GitLabCi.project(instanceUrl)'));
    expect(e.message).toBe(`GitLabCi.project(instanceUrl): ${JSON.stringify(iss)} ${problem} [CIT-M006]. ${fix}`);
    expect(e.where).toBe('GitLabCi.project(instanceUrl)');
    expect(e.ruleId).toBe('CIT-M006');
  });

  test('the default field name is "issuer"', () => {
    expect(configError(() => validateIssuer('http://x.com')).message).toMatch(/^issuer: "http:\/\/x\.com" is not an https URL \[CIT-M006\]\. Fix: /);
  });
});

describe('validateAudiences', () => {
  test('deduplicates and sorts', () => {
    expect(validateAudiences(['sts.amazonaws.com', 'api://AzureADTokenExchange', 'sts.amazonaws.com'])).toEqual(['api://AzureADTokenExchange', 'sts.amazonaws.com']);
  });

  test('no audience', () => {
    const e = configError(() => validateAudiences([], 'GitHubActions(a/b).audiences'));
    expect(e.message).toBe('GitHubActions(a/b).audiences: no audience given [CIT-M005]. Fix: give the audience the CI job requests, e.g. "sts.amazonaws.com"');
  });

  test.each([['*'], ['**'], ['?'], [''], [' '], ['\t'], ['sts.amazonaws.com*'], ['*.example.com']])('wildcard or empty %j', (aud) => {
    const e = configError(() => validateAudiences([aud]));
    expect(e.message).toBe(`audiences: audience ${JSON.stringify(aud)} is empty or a wildcard; the audience is chosen by the workflow, so a wildcard accepts tokens minted for any service [CIT-M005]. Fix: give the exact audience string`);
    expect(e.ruleId).toBe('CIT-M005');
  });

  test.each([['sts amazonaws'], [' sts.amazonaws.com'], ['x'.repeat(256)], ['aud\u00e9']])('not printable ASCII or too long %j', (aud) => {
    const e = configError(() => validateAudiences(['ok', aud]));
    expect(e.message).toContain(`audience ${JSON.stringify(aud)} must be 1-255 printable ASCII characters without spaces [CIT-M005]. Fix: give the exact audience string`);
  });

  test('255 characters is fine', () => {
    expect(validateAudiences(['x'.repeat(255)])).toHaveLength(1);
  });
});

describe('CIDR parsing', () => {
  const where = 'NetworkRestriction.sourceIpCidrs';
  const fix = 'Fix: write a network CIDR such as 203.0.113.0/24 or 2001:db8::/32';

  test.each([
    ['203.0.113.0/24', '203.0.113.0/24'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['1.2.3.4/32', '1.2.3.4/32'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:DB8:0:0:0:0:0:0/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:0/80', '2001:db8:0:0:1::/80'], // RFC 5952: the longest zero run is compressed
    ['::1/128', '::1/128'],
    ['fe80::/10', 'fe80::/10'],
    ['::ffff:10.0.0.0/104', '::ffff:a00:0/104'],
    ['2001:db8:1:2:3:4:5:0/112', '2001:db8:1:2:3:4:5:0/112'],
  ])('%s → %s', (input, canonical) => {
    expect(formatCidr(parseCidr(input, where))).toBe(canonical);
  });

  test.each([
    ['10.0.0.1/8', 'has host bits set'],
    ['2001:db8::1/32', 'has host bits set'],
    ['0.0.0.0/0', 'allows every address (/0); leave the restriction out instead'],
    ['::/0', 'allows every address (/0); leave the restriction out instead'],
    ['10.0.0.0/33', 'has a prefix longer than 32'],
    ['2001:db8::/129', 'has a prefix longer than 128'],
    ['10.0.0.0', 'is not in address/prefix form'],
    ['10.0.0.0/', 'is not in address/prefix form'],
    ['10.0.0.0/8/8', 'is not in address/prefix form'],
    ['010.0.0.0/8', 'has an invalid address'],
    ['256.0.0.0/8', 'has an invalid address'],
    ['10.0.0/8', 'has an invalid address'],
    ['1::2::3/64', 'has an invalid address'],
    ['1:2:3:4:5:6:7:8:9/64', 'has an invalid address'],
    ['1:2:3:4:5:6:7:8::/64', 'has an invalid address'],
    ['fe80::1%eth0/64', 'has an invalid address'],
    ['example.com/24', 'has an invalid address'],
  ])('refuses %s (%s)', (input, problem) => {
    const e = configError(() => parseCidr(input, where));
    expect(e.message).toBe(`${where}: ${JSON.stringify(input)} ${problem}. ${fix}`);
  });

  test('parseIp', () => {
    expect(parseIp('1.2.3.4')).toEqual({ v6: false, bytes: [1, 2, 3, 4] });
    expect(parseIp('::')?.bytes).toEqual(Array(16).fill(0));
    expect(parseIp('::ffff:1.2.3.4')?.bytes.slice(10)).toEqual([255, 255, 1, 2, 3, 4]);
    expect(parseIp('1.2.3.04')).toBeUndefined();
    expect(parseIp('1.2.3')).toBeUndefined();
    expect(parseIp('gggg::')).toBeUndefined();
  });
});

describe('NetworkRestriction ids', () => {
  const sub = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-1/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet';
  const pe = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-1/providers/Microsoft.Network/privateEndpoints/pe';

  test('valid ids are deduplicated, sorted and (GCP) normalized', () => {
    const n = NetworkRestriction.of({
      sourceIpCidrs: ['203.0.113.0/24', '2001:DB8::/32', '203.0.113.0/24'],
      awsVpcIds: ['vpc-0123456789abcdef0', 'vpc-12345678'],
      awsVpcEndpointIds: ['vpce-0123456789abcdef0'],
      gcpVpcNetworks: ['projects/my-project/global/networks/my-vpc', '//compute.googleapis.com/projects/my-project/global/networks/my-vpc'],
      azureSubnetIds: [sub],
      azurePrivateEndpointIds: [pe],
    });
    expect(n.sourceIpCidrs).toEqual(['2001:db8::/32', '203.0.113.0/24']);
    expect(n.awsVpcIds).toEqual(['vpc-0123456789abcdef0', 'vpc-12345678']);
    expect(n.gcpVpcNetworks).toEqual(['//compute.googleapis.com/projects/my-project/global/networks/my-vpc']);
    expect(n.kinds).toEqual(['awsVpcEndpointIds', 'awsVpcIds', 'azurePrivateEndpointIds', 'azureSubnetIds', 'gcpVpcNetworks', 'sourceIpCidrs']);
  });

  test.each([
    ['awsVpcIds', 'vpc-123', 'vpc-0123456789abcdef0'],
    ['awsVpcIds', 'vpc-0123456789ABCDEF0', 'vpc-0123456789abcdef0'],
    ['awsVpcIds', 'vpce-12345678', 'vpc-0123456789abcdef0'],
    ['awsVpcEndpointIds', 'vpc-12345678', 'vpce-0123456789abcdef0'],
    ['gcpVpcNetworks', 'projects/P/global/networks/n', 'projects/my-project/global/networks/my-vpc'],
    ['gcpVpcNetworks', 'https://www.googleapis.com/compute/v1/projects/my-project/global/networks/my-vpc', 'projects/my-project/global/networks/my-vpc'],
    ['azureSubnetIds', '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s', '/subscriptions/<uuid>/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet'],
    ['azurePrivateEndpointIds', sub, '/subscriptions/<uuid>/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe'],
  ])('%s refuses %s', (field, value, example) => {
    const e = configError(() => NetworkRestriction.of({ [field]: [value] }));
    expect(e.message).toBe(`NetworkRestriction.${field}: ${JSON.stringify(value)} is not a valid id. Fix: use the full id, e.g. ${example}`);
  });

  test('an empty restriction is refused', () => {
    expect(configError(() => NetworkRestriction.of({})).message).toBe('NetworkRestriction: no network is listed, so no request could ever match. Fix: list at least one CIDR, VPC, endpoint, network or subnet, or leave the restriction out');
    expect(configError(() => NetworkRestriction.of({ sourceIpCidrs: [], awsVpcIds: [] })).message).toContain('no network is listed');
  });

  test('a bad CIDR names the field', () => {
    expect(configError(() => NetworkRestriction.of({ sourceIpCidrs: ['0.0.0.0/0'] })).message).toBe('NetworkRestriction.sourceIpCidrs: "0.0.0.0/0" allows every address (/0); leave the restriction out instead. Fix: write a network CIDR such as 203.0.113.0/24 or 2001:db8::/32');
  });
});

describe('NetworkRestriction.check', () => {
  const n = NetworkRestriction.of({ sourceIpCidrs: ['203.0.113.0/24', '2001:db8::/32'], awsVpcIds: ['vpc-12345678'], gcpVpcNetworks: ['projects/my-project/global/networks/my-vpc'] });

  test('public path: the source IP must be in a listed range', () => {
    expect(n.check({ sourceIp: '203.0.113.7' })).toBeUndefined();
    expect(n.check({ sourceIp: '2001:db8:ffff::1' })).toBeUndefined();
    expect(n.check({ sourceIp: '198.51.100.1' })).toBe('network: source IP 198.51.100.1 is not in 2001:db8::/32, 203.0.113.0/24');
    // an IPv4-mapped IPv6 address is not an IPv4 address for matching
    expect(n.check({ sourceIp: '::ffff:203.0.113.7' })).toBe('network: source IP ::ffff:203.0.113.7 is not in 2001:db8::/32, 203.0.113.0/24');
  });

  test('public path: a request without a source IP is denied', () => {
    expect(n.check()).toBe('network: the trust is network-restricted and the request names no source network');
    expect(n.check({})).toBe('network: the trust is network-restricted and the request names no source network');
    expect(n.check({ sourceIp: 'not-an-ip' })).toBe('network: source IP "not-an-ip" is not an IP address');
  });

  test('private path: judged by the private network, sourceIp ignored', () => {
    expect(n.check({ awsVpcId: 'vpc-12345678' })).toBeUndefined();
    expect(n.check({ awsVpcId: 'vpc-12345678', sourceIp: '198.51.100.1' })).toBeUndefined();
    // an allowed source IP does not rescue a request through an unlisted VPC
    expect(n.check({ awsVpcId: 'vpc-87654321', sourceIp: '203.0.113.7' })).toBe('network: the private path {"awsVpcId":"vpc-87654321","sourceIp":"203.0.113.7"} is not one of the allowed networks');
    expect(n.check({ gcpVpcNetwork: 'projects/my-project/global/networks/my-vpc' })).toBeUndefined();
    expect(n.check({ gcpVpcNetwork: '//compute.googleapis.com/projects/my-project/global/networks/my-vpc' })).toBeUndefined();
    expect(n.check({ azureSubnetId: '/subscriptions/x/subnets/y' })).toBe('network: the private path {"azureSubnetId":"/subscriptions/x/subnets/y"} is not one of the allowed networks');
  });

  test('a restriction without source ranges denies every public request', () => {
    const vpcOnly = NetworkRestriction.of({ awsVpcEndpointIds: ['vpce-12345678'] });
    expect(vpcOnly.check({ sourceIp: '203.0.113.7' })).toBe('network: source IP 203.0.113.7 is not in any allowed range (no source IP range is listed)');
    expect(vpcOnly.check({ awsVpcEndpointId: 'vpce-12345678' })).toBeUndefined();
  });
});
