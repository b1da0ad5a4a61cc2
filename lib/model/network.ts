/* eslint-disable no-bitwise */ // CIDR arithmetic is bit arithmetic.
import { TrustConfigError } from './errors';
import { refuseUnresolvedToken } from './literal';

/**
 * Where a credential request may come from, stated once and cloud-neutral. Each cloud compiles the
 * kinds it can enforce and refuses (at synth) the ones it cannot: nothing is silently dropped.
 * A request is allowed when it matches ANY listed network.
 */
export interface NetworkRestrictionProps {
  /** Public source IP ranges (IPv4 or IPv6 CIDR), as seen by the cloud's public endpoint. @default - none */
  readonly sourceIpCidrs?: string[];
  /** AWS VPC ids (`vpc-…`), reachable only through an STS interface VPC endpoint. @default - none */
  readonly awsVpcIds?: string[];
  /** AWS VPC endpoint ids (`vpce-…`) of STS interface endpoints. @default - none */
  readonly awsVpcEndpointIds?: string[];
  /** GCP VPC networks (`projects/P/global/networks/N`, or the `//compute.googleapis.com/` form). @default - none */
  readonly gcpVpcNetworks?: string[];
  /** Azure subnet resource ids (`/subscriptions/…/subnets/…`). @default - none */
  readonly azureSubnetIds?: string[];
  /** Azure private endpoint resource ids (`/subscriptions/…/privateEndpoints/…`). @default - none */
  readonly azurePrivateEndpointIds?: string[];
}

/**
 * Where a request came from, for evaluation. A request through a private path (any VPC, endpoint,
 * subnet or private endpoint field set) is judged by that path; its `sourceIp` is then ignored,
 * as AWS does (aws:SourceIp is absent on VPC-endpoint requests).
 */
export interface RequestContext {
  /** Public source IP. @default - unknown */
  readonly sourceIp?: string;
  /** AWS VPC id of a request through an STS VPC endpoint. @default - none */
  readonly awsVpcId?: string;
  /** AWS VPC endpoint id of a request through an STS VPC endpoint. @default - none */
  readonly awsVpcEndpointId?: string;
  /** GCP VPC network the request came from. @default - none */
  readonly gcpVpcNetwork?: string;
  /** Azure subnet the request came from. @default - none */
  readonly azureSubnetId?: string;
  /** Azure private endpoint the request came through. @default - none */
  readonly azurePrivateEndpointId?: string;
}

/** A kind of network restriction: a field of NetworkRestrictionProps. @internal */
export type NetworkKind = keyof NetworkRestrictionProps;

/** Every kind, sorted. A kind added to NetworkRestrictionProps must be listed here (the type checks it). @internal */
export const NETWORK_KINDS: readonly NetworkKind[] = ['awsVpcEndpointIds', 'awsVpcIds', 'azurePrivateEndpointIds', 'azureSubnetIds', 'gcpVpcNetworks', 'sourceIpCidrs'] satisfies readonly NetworkKind[];

/** A cloud that compiles network restrictions. @internal */
export type NetworkCloud = 'aws' | 'gcp' | 'azure';

/**
 * What each cloud can enforce: an allow-list, so a kind that is added later is refused by every
 * cloud until that cloud's compiler learns it (never silently dropped). AWS: `aws:SourceIp` on the
 * public STS endpoint, `aws:SourceVpc`/`aws:SourceVpce` through an STS VPC endpoint. GCP: VPC
 * Service Controls access levels (IP subnetworks, VPC networks). Azure: ABAC conditions on storage
 * data roles (subnets, private endpoints); a managed identity has no source-IP control.
 * @internal
 */
export const ENFORCEABLE_NETWORK_KINDS: Readonly<Record<NetworkCloud, readonly NetworkKind[]>> = {
  aws: ['sourceIpCidrs', 'awsVpcIds', 'awsVpcEndpointIds'],
  gcp: ['sourceIpCidrs', 'gcpVpcNetworks'],
  azure: ['azureSubnetIds', 'azurePrivateEndpointIds'],
};

/** The kinds of `network` that `cloud` cannot enforce (empty when it can enforce all). @internal */
export function unenforceableKinds(network: NetworkRestriction | undefined, cloud: NetworkCloud): NetworkKind[] {
  if (!network) return [];
  const allowed = ENFORCEABLE_NETWORK_KINDS[cloud];
  return network.kinds.filter((k) => !allowed.includes(k as NetworkKind)) as NetworkKind[];
}

const CLOUD_NAMES: Record<NetworkCloud, string> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' };

/**
 * The one enforceability check: refuse (TrustConfigError) a restriction with a kind the cloud cannot
 * enforce, naming the cloud, the kinds and what it can enforce. `fix` may add the cloud's own advice.
 * @internal
 */
export function requireEnforceable(
  network: NetworkRestriction | undefined, cloud: NetworkCloud, where: string, problem?: string, fix?: string,
): void {
  const bad = unenforceableKinds(network, cloud);
  if (bad.length === 0) return;
  const can = ENFORCEABLE_NETWORK_KINDS[cloud].join(' / ');
  throw new TrustConfigError(where,
    `${problem ?? 'the trust'} restricts the network with ${bad.join(', ')}, which ${CLOUD_NAMES[cloud]} cannot enforce (it enforces ${can})`,
    fix ?? `compile this trust to the cloud those networks belong to, or restrict it with ${can}`);
}

/** Network restrictions of a trust (validated, deduplicated, sorted). */
export class NetworkRestriction {
  /** Build and validate. */
  public static of(props: NetworkRestrictionProps): NetworkRestriction {
    return new NetworkRestriction(props);
  }

  /** Validated source CIDRs in canonical text. */
  public readonly sourceIpCidrs: string[];
  /** AWS VPC ids. */
  public readonly awsVpcIds: string[];
  /** AWS VPC endpoint ids. */
  public readonly awsVpcEndpointIds: string[];
  /** GCP VPC networks, normalized to `//compute.googleapis.com/projects/P/global/networks/N`. */
  public readonly gcpVpcNetworks: string[];
  /** Azure subnet ids. */
  public readonly azureSubnetIds: string[];
  /** Azure private endpoint ids. */
  public readonly azurePrivateEndpointIds: string[];

  private constructor(props: NetworkRestrictionProps) {
    const w = 'NetworkRestriction';
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      throw new TrustConfigError(w, `the restriction must be an object, got ${props === null ? 'null' : Array.isArray(props) ? 'a list' : typeof props}`, 'pass { sourceIpCidrs: [...] } (or awsVpcIds, awsVpcEndpointIds, gcpVpcNetworks, azureSubnetIds, azurePrivateEndpointIds)');
    }
    for (const k of ['sourceIpCidrs', 'awsVpcIds', 'awsVpcEndpointIds', 'gcpVpcNetworks', 'azureSubnetIds', 'azurePrivateEndpointIds'] as const) {
      const v: unknown = props[k];
      if (v !== undefined && !Array.isArray(v)) {
        throw new TrustConfigError(`${w}.${k}`, `${k} must be a list, got ${typeof v === 'string' ? `the string ${JSON.stringify(v)}` : v === null ? 'null' : typeof v}`, typeof v === 'string' ? `wrap it in a list: [${JSON.stringify(v)}]` : `give ${k} as a list of strings`);
      }
      for (const x of (v as unknown[] | undefined) ?? []) if (typeof x === 'string') refuseUnresolvedToken(`${w}.${k}`, 'network value', x);
    }
    this.sourceIpCidrs = uniq((props.sourceIpCidrs ?? []).map((c) => formatCidr(parseCidr(c, `${w}.sourceIpCidrs`))));
    this.awsVpcIds = uniq(check(props.awsVpcIds, /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, `${w}.awsVpcIds`, 'vpc-0123456789abcdef0'));
    this.awsVpcEndpointIds = uniq(check(props.awsVpcEndpointIds, /^vpce-[0-9a-f]{8}([0-9a-f]{9})?$/, `${w}.awsVpcEndpointIds`, 'vpce-0123456789abcdef0'));
    this.gcpVpcNetworks = uniq(check(props.gcpVpcNetworks, /^(\/\/compute\.googleapis\.com\/)?projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/global\/networks\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, `${w}.gcpVpcNetworks`, 'projects/my-project/global/networks/my-vpc')
      .map((n) => (n.startsWith('//') ? n : `//compute.googleapis.com/${n}`)));
    this.azureSubnetIds = uniq(check(props.azureSubnetIds, /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Network\/virtualNetworks\/[-\w.]{1,64}\/subnets\/[-\w.]{1,80}$/, `${w}.azureSubnetIds`, '/subscriptions/<uuid>/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet'));
    this.azurePrivateEndpointIds = uniq(check(props.azurePrivateEndpointIds, /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Network\/privateEndpoints\/[-\w.]{1,80}$/, `${w}.azurePrivateEndpointIds`, '/subscriptions/<uuid>/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe'));
    if (this.kinds.length === 0) {
      throw new TrustConfigError(w, 'no network is listed, so no request could ever match', 'list at least one CIDR, VPC, endpoint, network or subnet, or leave the restriction out');
    }
  }

  /** The kinds of restriction present (prop names), sorted. */
  public get kinds(): string[] {
    return NETWORK_KINDS.filter((k) => this[k].length > 0);
  }

  /**
   * The one text form of a restriction, for messages, descriptions and reviews:
   * `kind=value,value; kind=value`, kinds sorted.
   */
  public toString(): string {
    return NETWORK_KINDS.filter((k) => this[k].length > 0).map((k) => `${k}=${this[k].join(',')}`).join('; ');
  }

  /** Evaluate a request; returns the reason for a denial, or undefined when allowed. */
  public check(request?: RequestContext): string | undefined {
    const r = request ?? {};
    const priv = r.awsVpcId || r.awsVpcEndpointId || r.gcpVpcNetwork || r.azureSubnetId || r.azurePrivateEndpointId;
    if (priv) {
      const gcp = r.gcpVpcNetwork && (r.gcpVpcNetwork.startsWith('//') ? r.gcpVpcNetwork : `//compute.googleapis.com/${r.gcpVpcNetwork}`);
      if ((r.awsVpcId && this.awsVpcIds.includes(r.awsVpcId))
        || (r.awsVpcEndpointId && this.awsVpcEndpointIds.includes(r.awsVpcEndpointId))
        || (gcp && this.gcpVpcNetworks.includes(gcp))
        || (r.azureSubnetId && this.azureSubnetIds.includes(r.azureSubnetId))
        || (r.azurePrivateEndpointId && this.azurePrivateEndpointIds.includes(r.azurePrivateEndpointId))) {
        return undefined;
      }
      return `network: the private path ${JSON.stringify(stripUndefined(r))} is not one of the allowed networks`;
    }
    if (!r.sourceIp) return 'network: the trust is network-restricted and the request names no source network';
    const ip = parseIp(r.sourceIp);
    if (!ip) return `network: source IP ${JSON.stringify(r.sourceIp)} is not an IP address`;
    if (this.sourceIpCidrs.some((c) => cidrContains(parseCidr(c, 'cidr'), ip))) return undefined;
    return `network: source IP ${r.sourceIp} is not in ${this.sourceIpCidrs.length ? this.sourceIpCidrs.join(', ') : 'any allowed range (no source IP range is listed)'}`;
  }
}

function stripUndefined(o: object): object {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
function uniq(a: string[]): string[] {
  return [...new Set(a)].sort();
}
function check(values: string[] | undefined, re: RegExp, where: string, example: string): string[] {
  for (const v of values ?? []) {
    if (typeof v !== 'string' || !re.test(v)) {
      throw new TrustConfigError(where, `${JSON.stringify(v)} is not a valid id`, `use the full id, e.g. ${example}`);
    }
  }
  return values ?? [];
}

/** @internal */
export interface Ip { readonly v6: boolean; readonly bytes: number[] }
/** @internal */
export interface Cidr { readonly ip: Ip; readonly bits: number }

/** Parse an IPv4 or IPv6 address (no zone ids). @internal */
export function parseIp(s: string): Ip | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const b = s.split('.').map(Number);
    if (b.some((x, i) => x > 255 || (s.split('.')[i].length > 1 && s.split('.')[i].startsWith('0')))) return undefined;
    return { v6: false, bytes: b };
  }
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return undefined;
  let head = s;
  let tail4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIp(s.slice(lastColon + 1));
    if (!v4 || v4.v6) return undefined;
    tail4 = v4.bytes;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return undefined;
  const parseGroups = (x: string) => (x === '' ? [] : x.split(':'));
  const left = parseGroups(dbl[0]);
  const right = dbl.length === 2 ? parseGroups(dbl[1]) : [];
  if ([...left, ...right].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - left.length - right.length;
  if ((dbl.length === 1 && missing !== 0) || (dbl.length === 2 && missing < 1)) return undefined;
  const groups = [...left, ...Array(dbl.length === 2 ? missing : 0).fill('0'), ...right].map((g) => parseInt(g, 16));
  const bytes = groups.flatMap((g) => [g >> 8, g & 255]);
  if (tail4.length) bytes.splice(12, 4, ...tail4);
  return { v6: true, bytes };
}

/** Parse a CIDR; host bits must be zero (a CIDR with host bits set is usually a typo). @internal */
export function parseCidr(s: string, where: string): Cidr {
  const fail = (problem: string): never => {
    throw new TrustConfigError(where, `${JSON.stringify(s)} ${problem}`, 'write a network CIDR such as 203.0.113.0/24 or 2001:db8::/32');
  };
  if (typeof s !== 'string') fail('is not a string');
  if (typeof s !== 'string') fail('is not a string');
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) fail('is not in address/prefix form');
  const ip = parseIp(m![1]);
  if (!ip) fail('has an invalid address');
  const bits = Number(m![2]);
  const max = ip!.v6 ? 128 : 32;
  if (bits > max) fail(`has a prefix longer than ${max}`);
  if (bits === 0) fail('allows every address (/0); leave the restriction out instead');
  const cidr = { ip: ip!, bits };
  if (!cidrContains(cidr, ip!, true)) fail('has host bits set');
  return cidr;
}

function cidrContains(c: Cidr, ip: Ip, hostBitsCheck = false): boolean {
  if (c.ip.v6 !== ip.v6) return false;
  for (let i = 0; i < c.ip.bytes.length; i++) {
    const bitsHere = Math.max(0, Math.min(8, c.bits - i * 8));
    const mask = bitsHere === 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
    if (hostBitsCheck) {
      if ((c.ip.bytes[i] & ~mask & 0xff) !== 0) return false;
    } else if ((c.ip.bytes[i] & mask) !== (ip.bytes[i] & mask)) {
      return false;
    }
  }
  return true;
}

/** Canonical CIDR text. @internal */
export function formatCidr(c: Cidr): string {
  if (!c.ip.v6) return `${c.ip.bytes.join('.')}/${c.bits}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((c.ip.bytes[i] << 8) | c.ip.bytes[i + 1]);
  // RFC 5952: compress the longest run of zero groups (length >= 2).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  const text = best < 0 ? hex.join(':') : `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
  return `${text}/${c.bits}`;
}
