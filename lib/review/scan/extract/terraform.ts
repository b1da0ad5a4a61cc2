/** Terraform JSON (cdktf.out) access shared by the per-cloud Terraform extractors. */
import { readMetadata } from './metadata';
import { TrustMetadata } from './types';
import { isObj, Obj } from './util';

const TF_REF = /^\$\{([a-zA-Z0-9_-]+)\.([a-zA-Z0-9_-]+)\.([a-zA-Z0-9_.\[\]-]+)\}$/;

/** `${type.name.attr}` (a whole-string reference) → parts. */
export function tfRef(s: unknown): { type: string; name: string; attr: string } | undefined {
  if (typeof s !== 'string') return undefined;
  const m = TF_REF.exec(s);
  return m ? { type: m[1], name: m[2], attr: m[3] } : undefined;
}

export function tfMetadata(body: Obj): TrustMetadata[] {
  const c = isObj(body['//']) ? body['//']['ci-oidc-trust'] : undefined;
  return readMetadata(c);
}

export function tfResources(tf: Obj, kind: 'resource' | 'data', type: string): [string, Obj][] {
  const group = isObj(tf[kind]) && isObj(tf[kind][type]) ? tf[kind][type] : {};
  return Object.keys(group).sort().map(name => [name, isObj(group[name]) ? group[name] : {}] as [string, Obj]);
}

export function allTfResourceTypes(tf: Obj): string[] {
  return isObj(tf.resource) ? Object.keys(tf.resource).sort() : [];
}

/** A resource reference as `type.name`, or the literal value, for messages. */
export function describeTfValue(v: unknown): string {
  const ref = tfRef(v);
  if (ref) return `${ref.type}.${ref.name}`;
  return typeof v === 'string' ? v : '?';
}
