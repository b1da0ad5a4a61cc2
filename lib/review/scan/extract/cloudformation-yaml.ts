/**
 * CloudFormation YAML: the short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt a.b`, …) become the
 * JSON form (`{"Ref": …}`, `{"Fn::Sub": …}`, `{"Fn::GetAtt": ["a", "b"]}`) that the CloudFormation
 * extractor reads, and each resource keeps its position in the file for SARIF regions.
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html)
 */
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { InputError } from './errors';
import { Region } from './types';

/** Short-form tag → JSON key. `!Ref` and `!Condition` keep their name; the rest are `Fn::…`. */
const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length', 'ForEach'];
const TAG_KEY: Record<string, string> = { '!Ref': 'Ref', '!Condition': 'Condition' };
for (const f of FUNCTIONS) TAG_KEY[`!${f}`] = `Fn::${f}`;

// Every tag is accepted as it is; convert() turns tagged nodes into the JSON form.
const CUSTOM_TAGS = Object.keys(TAG_KEY).flatMap(tag => [
  { tag, resolve: (s: string) => s },
  { tag, collection: 'seq' as const, resolve: (x: unknown) => x },
  { tag, collection: 'map' as const, resolve: (x: unknown) => x },
]);

export interface YamlTemplate {
  readonly json: unknown;
  /** Resource logical id → where it is. */
  readonly regions: Map<string, Region>;
}

export function parseCloudFormationYaml(file: string, text: string): YamlTemplate {
  const lineCounter = new LineCounter();
  const doc: Document.Parsed = parseDocument(text, { lineCounter, customTags: CUSTOM_TAGS, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length) throw new InputError(`${file}: not valid YAML (${doc.errors[0].message.split('\n')[0]}).`);
  const json = convert(doc.contents);
  const regions = new Map<string, Region>();
  const resources = isMap(doc.contents) ? doc.contents.get('Resources', true) : undefined;
  if (isMap(resources)) {
    for (const item of resources.items) {
      if (!isPair(item) || !isScalar(item.key) || !item.key.range) continue;
      const start = lineCounter.linePos(item.key.range[0]);
      const endOffset = (item.value as { range?: [number, number, number] } | null)?.range?.[1] ?? item.key.range[1];
      const end = lineCounter.linePos(endOffset);
      regions.set(String(item.key.value), { startLine: start.line, startColumn: start.col, endLine: end.line, endColumn: end.col });
    }
  }
  return { json, regions };
}

function convert(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  const tag = (node as { tag?: string }).tag;
  let value: unknown;
  if (isMap(node)) {
    const o: Record<string, unknown> = {};
    for (const p of node.items) o[String(isScalar(p.key) ? p.key.value : convert(p.key))] = convert(p.value);
    value = o;
  } else if (isSeq(node)) {value = node.items.map(convert);} else if (isScalar(node)) {value = node.value;} else {value = node;}
  if (tag && tag in TAG_KEY) {
    const key = TAG_KEY[tag];
    // `!GetAtt Role.Arn` is the short form of ["Role", "Arn"].
    if (key === 'Fn::GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
    }
    return { [key]: value };
  }
  return value;
}

/** True when YAML text looks like a CloudFormation template (cheap check before parsing). */
export function looksLikeCloudFormationYaml(text: string): boolean {
  return /^(AWSTemplateFormatVersion|Resources)\s*:/m.test(text);
}
