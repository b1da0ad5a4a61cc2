import * as fs from 'fs';
import * as path from 'path';

/** The review report's JSON schema (docs/review-schema.json). */
export const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/review-schema.json'), 'utf8'));

/** Validates the subset of JSON Schema 2020-12 that docs/review-schema.json uses. */
export function validate(value: unknown, schema: any, at = '$', root = schema): string[] {
  if (schema.$ref) return validate(value, root.$defs[schema.$ref.replace('#/$defs/', '')], at, root);
  if (schema.oneOf) {
    const ok = schema.oneOf.filter((s: any) => validate(value, s, at, root).length === 0).length;
    return ok === 1 ? [] : [`${at}: matches ${ok} of oneOf`];
  }
  const errs: string[] = [];
  const types: string[] = schema.type === undefined ? [] : [].concat(schema.type);
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  if (types.length && !types.some(t => t === typeOf(value) || (t === 'number' && typeof value === 'number'))) return [`${at}: expected ${types.join('|')}, got ${typeOf(value)}`];
  if (schema.const !== undefined && value !== schema.const) errs.push(`${at}: expected const ${schema.const}`);
  if (schema.enum && !schema.enum.includes(value)) errs.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) errs.push(`${at}: does not match ${schema.pattern}`);
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) errs.push(`${at}: below minimum`);
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errs.push(...validate(v, schema.items, `${at}[${i}]`, root)));
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errs.push(`${at}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema.properties?.[k]) errs.push(...validate(v, schema.properties[k], `${at}.${k}`, root));
      else if (schema.additionalProperties === false) errs.push(`${at}: unexpected property ${k}`);
    }
  }
  return errs;
}

