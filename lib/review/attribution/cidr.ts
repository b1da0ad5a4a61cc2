/**
 * IPv4/IPv6 CIDRs for the attribution's network tests: the review's own small parser (the model
 * and the simulator have theirs; independent readings are the point). IAM ignores host bits.
 */

/** A CIDR block: family, first address, prefix length. */
export interface Cidr { readonly v6: boolean; readonly base: bigint; readonly prefix: number }

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some(p => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((v, p) => v * 256n + BigInt(Number(p)), 0n);
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    const v4 = parseV4(tail);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, text.lastIndexOf(':') + 1)}${(v4 / 65536n).toString(16)}:${(v4 % 65536n).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if ([...head, ...rest].some(g => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...rest];
  return all.reduce((v, g) => v * 65536n + BigInt(parseInt(g, 16)), 0n);
}

/** A CIDR or a single address (a /32 or /128); undefined when unreadable. Host bits are dropped, as IAM does. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const v6 = addr.includes(':');
  const value = v6 ? parseV6(addr) : parseV4(addr);
  const bits = v6 ? 128 : 32;
  const prefix = len === undefined ? bits : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (value === undefined || !(prefix >= 0 && prefix <= bits)) return undefined;
  const size = 2n ** BigInt(bits - prefix);
  return { v6, base: (value / size) * size, prefix };
}

/** An address in its canonical text (IPv6 uncompressed). */
export function showAddress(v6: boolean, value: bigint): string {
  if (!v6) return [24n, 16n, 8n, 0n].map(s => String((value / 2n ** s) % 256n)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((value / 2n ** BigInt(112 - 16 * i)) % 65536n).toString(16)).join(':');
}

/** The first address of a CIDR (the address a more specific overlap starts at), undefined when unreadable. */
export function cidrsOverlapAt(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  return c ? showAddress(c.v6, c.base) : undefined;
}

/** Is the address in any of the CIDRs? */
export function ipInCidrs(address: string, cidrs: readonly string[]): boolean {
  const a = parseCidr(address);
  if (!a) return false;
  return cidrs.some(text => {
    const c = parseCidr(text);
    if (!c || c.v6 !== a.v6) return false;
    const size = 2n ** BigInt((c.v6 ? 128 : 32) - c.prefix);
    return a.base / size === c.base / size;
  });
}
