/*
 * IPv4 and IPv6 addresses and CIDRs as BigInt, for IpAddress/NotIpAddress. The simulator's own
 * parser on purpose: it must not share code with the model (lib/model/network.ts), whose CIDR
 * handling it checks. IAM accepts CIDRs with host bits set (they are ignored) and bare addresses.
 */

export interface Ip {
  readonly v6: boolean;
  readonly value: bigint;
}

export interface Cidr {
  readonly v6: boolean;
  /** The address with its host bits dropped (address / 2^(max - prefix)). */
  readonly network: bigint;
  readonly prefix: number;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = v * 256n + BigInt(n);
  }
  return v;
}

function parseIpv6(s: string): bigint | undefined {
  let text = s;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) is rewritten as its two 16-bit groups.
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 / 65536n).toString(16)}:${(v4 % 65536n).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(parseInt(g, 16)));
    }
    return out;
  };
  const left = parseGroups(halves[0]);
  const right = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!left || !right) return undefined;
  const explicit = left.length + right.length;
  let groups: bigint[];
  if (halves.length === 2) {
    // `::` stands for at least one zero group.
    if (explicit > 7) return undefined;
    groups = [...left, ...new Array<bigint>(8 - explicit).fill(0n), ...right];
  } else {
    if (explicit !== 8) return undefined;
    groups = left;
  }
  return groups.reduce((acc, g) => acc * 65536n + g, 0n);
}

export function parseIp(s: string): Ip | undefined {
  if (s.includes(':')) {
    const v = parseIpv6(s);
    return v === undefined ? undefined : { v6: true, value: v };
  }
  const v = parseIpv4(s);
  return v === undefined ? undefined : { v6: false, value: v };
}

/** `a.b.c.d/n`, `x::y/n`, or a bare address (= /32 or /128). Host bits are ignored. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const ip = parseIp(slash >= 0 ? s.slice(0, slash) : s);
  if (!ip) return undefined;
  const max = ip.v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { v6: ip.v6, network: ip.value / hostSpan(prefix, max), prefix };
}

/** 2^(host bits): dividing by it drops the host part (arithmetic, not bitwise, per the lint rules). */
function hostSpan(prefix: number, max: number): bigint {
  return 2n ** BigInt(max - prefix);
}

/** Families never cross-match (an IPv6 caller is outside every IPv4 CIDR, and vice versa). */
export function cidrContains(c: Cidr, ip: Ip): boolean {
  if (c.v6 !== ip.v6) return false;
  const max = c.v6 ? 128 : 32;
  return ip.value / hostSpan(c.prefix, max) === c.network;
}

