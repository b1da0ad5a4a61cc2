/**
 * Request-network reasoning for the diff: is there a request that passes HEAD's network tests
 * and fails chosen ones of BASE? Exact for CIDR lists and VPC ids: a region of addresses cut out by
 * CIDR blocks starts at the lowest address or at a block boundary, so those are the candidates.
 */
import { ipInCidrs, parseCidr, showAddress as show } from '../attribution/cidr';
import { NetworkTest, Witness } from '../attribution/constraints';

export type Request = NonNullable<Witness['request']>;
export type NetSearch = { verdict: 'yes'; request: Request } | { verdict: 'no' } | { verdict: 'unknown'; why: string };

interface Block { readonly v6: boolean; readonly base: bigint; readonly size: bigint }

function parseBlock(text: string): Block | undefined {
  const c = parseCidr(text);
  return c && { v6: c.v6, base: c.base, size: 2n ** BigInt((c.v6 ? 128 : 32) - c.prefix) };
}

/** An address in every `must` list (each: one of its CIDRs) and in none of the `mustNot` lists. */
function address(must: readonly (readonly string[])[], mustNot: readonly (readonly string[])[]): NetSearch | { verdict: 'yes'; ip: string } {
  const all = [...must, ...mustNot].flat();
  const blocks = all.map(parseBlock);
  const candidates = ['198.51.100.10', '203.0.113.10'];
  for (const b of blocks) {
    if (!b) continue;
    const max = 2n ** (b.v6 ? 128n : 32n);
    for (const v of [b.base, b.base + b.size, b.base - 1n]) if (v >= 0n && v < max) candidates.push(show(b.v6, v));
  }
  candidates.push('2001:db8::10', '0.0.0.0', '::');
  const ip = candidates.find(a => must.every(l => ipInCidrs(a, l)) && mustNot.every(l => !ipInCidrs(a, l)));
  if (ip) return { verdict: 'yes', ip };
  return blocks.some(b => b === undefined) ? { verdict: 'unknown', why: `an address range the diff cannot read (${all.join(', ')})` } : { verdict: 'no' };
}

/** A value in every `must` list and none of the `mustNot` lists; `fresh` stands for any other value. */
function oneOf(must: readonly (readonly string[])[], mustNot: readonly (readonly string[])[], fresh: string): string | undefined {
  const banned = new Set(mustNot.flat());
  let pool: string[];
  if (must.length) {
    pool = [...must[0]];
    for (const l of must.slice(1)) pool = pool.filter(v => l.includes(v));
  } else {
    pool = Array.from({ length: banned.size + 1 }, (_, i) => (i === 0 ? fresh : `${fresh.slice(0, -String(i).length)}${i}`));
  }
  return pool.find(v => !banned.has(v));
}

const FRESH_VPC = 'vpc-0d1ff0000000000aa';
const FRESH_VPCE = 'vpce-0d1ff0000000000aa';

/**
 * A request that passes every `head` test and fails every `fail` test. aws:SourceIp is present only
 * on the public STS endpoint, the VPC keys only through an endpoint (as constraints.ts reads them);
 * an absent key fails its test.
 */
export function networkSearch(head: readonly NetworkTest[], fail: readonly NetworkTest[]): NetSearch {
  const of = (ts: readonly NetworkTest[], k: NetworkTest['key']) => ts.filter(t => t.key === k).map(t => t.values);
  const vpcKeys: NetworkTest['key'][] = ['aws:VpcSourceIp', 'aws:SourceVpc', 'aws:SourceVpce'];
  let why: string | undefined;
  // The public endpoint first: what a runner without a VPC sends.
  if (!head.some(t => vpcKeys.includes(t.key))) {
    const r = address(of(head, 'aws:SourceIp'), of(fail, 'aws:SourceIp'));
    if (r.verdict === 'yes' && 'ip' in r) return { verdict: 'yes', request: { sourceIp: r.ip } };
    if (r.verdict === 'unknown') why = r.why;
  }
  if (!head.some(t => t.key === 'aws:SourceIp')) {
    const request: Request = {};
    const vpce = oneOf(of(head, 'aws:SourceVpce'), of(fail, 'aws:SourceVpce'), FRESH_VPCE);
    const needVpc = of(head, 'aws:SourceVpc').length > 0 || of(fail, 'aws:SourceVpc').length > 0;
    const vpc = needVpc ? oneOf(of(head, 'aws:SourceVpc'), of(fail, 'aws:SourceVpc'), FRESH_VPC) : undefined;
    const needIp = of(head, 'aws:VpcSourceIp').length > 0 || of(fail, 'aws:VpcSourceIp').length > 0;
    const ip = needIp ? address(of(head, 'aws:VpcSourceIp'), of(fail, 'aws:VpcSourceIp')) : undefined;
    if (ip?.verdict === 'unknown') why ??= ip.why;
    const ipOk = !needIp || (ip?.verdict === 'yes' && 'ip' in ip);
    if (vpce !== undefined && (!needVpc || vpc !== undefined) && ipOk) {
      request.awsVpcEndpointId = vpce;
      if (vpc !== undefined) request.awsVpcId = vpc;
      if (ip && 'ip' in ip) request.sourceIp = ip.ip;
      return { verdict: 'yes', request };
    }
  }
  return why ? { verdict: 'unknown', why } : { verdict: 'no' };
}

/** Does the request pass every test? */
export function requestPasses(tests: readonly NetworkTest[], request: Request | undefined): boolean {
  const endpoint = request?.awsVpcEndpointId !== undefined;
  const valueOf = (k: NetworkTest['key']): string | undefined => {
    if (!request) return undefined;
    if (k === 'aws:SourceIp') return endpoint ? undefined : request.sourceIp;
    if (k === 'aws:VpcSourceIp') return endpoint ? request.sourceIp : undefined;
    if (k === 'aws:SourceVpc') return endpoint ? request.awsVpcId : undefined;
    return request.awsVpcEndpointId;
  };
  return tests.every(t => {
    const v = valueOf(t.key);
    if (v === undefined) return false;
    return t.key === 'aws:SourceIp' || t.key === 'aws:VpcSourceIp' ? ipInCidrs(v, t.values) : t.values.includes(v);
  });
}
