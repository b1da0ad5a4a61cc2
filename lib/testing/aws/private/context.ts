import { isObj, q } from './text';
import type { SimulationFailure } from '../../result';

/*
 * The request context of a simulated call: condition keys and their values, and why a key is
 * absent (the trace says why, e.g. "aws:SourceIp exists only on the public endpoint").
 */

/** The session-tags claim ([TAGS]). */
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';

/** Request context: case-insensitive keys (see [KEYS]) to values, with why-absent notes. */
export class Context {
  public claimPrefix: string | undefined;
  public readonly absentWhy = new Map<string, string>();
  private readonly values = new Map<string, { name: string; values: string[]; multi: boolean }>();

  public set(key: string, values: string[], multi = false): void {
    this.values.set(key.toLowerCase(), { name: key, values, multi });
  }

  public get(key: string): { values: string[]; multi: boolean } | undefined {
    return this.values.get(key.toLowerCase());
  }

  /** The token claim a condition key reads (`<issuer path>:<claim>`), if it is one. */
  public claimOf(key: string): string | undefined {
    return this.claimPrefix !== undefined && key.toLowerCase().startsWith(this.claimPrefix) ? key.slice(this.claimPrefix.length) : undefined;
  }

  public whyAbsent(key: string): string {
    const lc = key.toLowerCase();
    const note = this.absentWhy.get(lc);
    if (note) return note;
    if (this.claimPrefix !== undefined && lc.startsWith(this.claimPrefix)) return 'absent (the token has no such claim)';
    if (lc.includes(':') && !lc.startsWith('aws:') && !lc.startsWith('sts:') && lc.split(':')[0].includes('.')) {
      return 'absent (condition key of another provider/issuer than the token\'s)';
    }
    return 'absent';
  }
}

/** Network keys ([VPC]): `aws:SourceIp` only via the public endpoint, the VPC keys only via an endpoint. */
export function addNetworkKeys(ctx: Context, sourceIp: string | undefined, vpcId: string | undefined, vpce: string | undefined): void {
  if (vpce === undefined) {
    if (sourceIp !== undefined) ctx.set('aws:SourceIp', [sourceIp]);
    else ctx.absentWhy.set('aws:sourceip', 'absent (request gave no sourceIp)');
    const why = 'absent (public endpoint: VPC keys exist only via a VPC endpoint)';
    for (const k of ['aws:SourceVpc', 'aws:SourceVpce', 'aws:VpcSourceIp', 'aws:SourceVpcArn']) ctx.absentWhy.set(k.toLowerCase(), why);
  } else {
    ctx.set('aws:SourceVpce', [vpce]);
    if (vpcId !== undefined) ctx.set('aws:SourceVpc', [vpcId]);
    else ctx.absentWhy.set('aws:sourcevpc', 'absent (request gave no awsVpcId)');
    if (sourceIp !== undefined) ctx.set('aws:VpcSourceIp', [sourceIp]);
    ctx.absentWhy.set('aws:sourceip', 'absent (call via a VPC endpoint: aws:SourceIp exists only on the public endpoint)');
    ctx.absentWhy.set('aws:sourcevpcarn', 'absent (not modelled by the simulator)');
  }
}

/**
 * Claim -> context values. Strings as is; numbers/booleans as their JSON text (AWS's handling of
 * non-string claims is undocumented); arrays of scalars become a multivalued key (e.g. `aud`,
 * `amr`); null and objects are absent.
 */
export function claimValues(value: any): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return undefined;
    return value.map((v) => String(v));
  }
  return undefined;
}

export interface SessionTags {
  readonly principalTags: Map<string, string>;
  readonly transitive: string[];
}

/** Reads the session-tags claim; malformed or over-limit tags make STS fail the call ([TAGS]). */
export function parseSessionTags(claim: any, fatal: SimulationFailure[]): SessionTags {
  const principalTags = new Map<string, string>();
  const transitive: string[] = [];
  const fail = (message: string) => fatal.push({ check: 'session tags', claim: TAGS_CLAIM, message });
  if (claim === undefined) return { principalTags, transitive };
  if (!isObj(claim)) {
    fail(`claim ${q(TAGS_CLAIM)} is not an object`);
    return { principalTags, transitive };
  }
  const pt = claim.principal_tags;
  if (pt !== undefined) {
    if (!isObj(pt)) {
      fail(`${TAGS_CLAIM}.principal_tags is not an object`);
    } else {
      const keys = Object.keys(pt);
      if (keys.length > 50) fail(`${keys.length} session tags: STS allows at most 50`);
      for (const k of keys) {
        const v = pt[k];
        const vals = Array.isArray(v) ? v : [v];
        if (vals.length !== 1 || typeof vals[0] !== 'string') {
          fail(`session tag ${q(k)} has value ${JSON.stringify(v)}: STS session tags are single-valued strings`);
          continue;
        }
        if (Array.from(k).length > 128) fail(`session tag key ${q(k)} is longer than 128 characters`);
        if (Array.from(vals[0]).length > 256) fail(`session tag ${q(k)} value is longer than 256 characters`);
        principalTags.set(k, vals[0]);
      }
    }
  }
  const tt = claim.transitive_tag_keys;
  if (Array.isArray(tt)) transitive.push(...tt.filter((x: any) => typeof x === 'string'));
  return { principalTags, transitive };
}
