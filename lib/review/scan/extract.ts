/**
 * Reads synthesized output (CloudFormation templates, Terraform JSON) and extracts every
 * CI-OIDC trust relationship into one normalized, cloud-tagged shape. Extraction never
 * judges; it records what it could not resolve so the scanner can report it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cmp, truncate } from '../../model/text';
import { parseReviewMetadata } from '../metadata';
import { ciSnippet, SnippetTarget } from '../snippets';

export type Cloud = 'aws' | 'gcp' | 'azure';
export type InputFormat = 'cloudformation' | 'terraform-json';
export type CiProvider =
  | 'github-actions' | 'gitlab-ci' | 'buildkite' | 'bitbucket-pipelines' | 'hcp-terraform'
  | 'circleci' | 'azure-devops' | 'unknown';

/** Metadata our own constructs attach (`Metadata["ci-oidc-trust"]` / `"//": {"ci-oidc-trust": …}`). */
export interface TrustMetadata {
  readonly id: string;
  readonly provider: string;
  readonly description: string;
  readonly warnings: { id: string; message: string }[];
  readonly widenings: string[];
  readonly ciSnippet?: string;
}

export interface AwsCondition {
  /** Operator as written, e.g. `StringLike`, `ForAllValues:StringEquals`. */
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

export interface GcpGrant {
  readonly resource: string;
  readonly role: string;
  readonly member: string;
  /** What the member selects inside the pool. */
  readonly selector: { kind: 'pool' } | { kind: 'attribute'; attribute: string; value: string } | { kind: 'subject'; value: string } | { kind: 'group'; value: string } | { kind: 'unknown'; raw: string };
}

export interface AzureRoleAssignment {
  readonly resource: string;
  readonly scope: string;
  readonly role: string;
  readonly condition?: string;
}

export interface TrustRelationship {
  /** Stable id: `file#resource` or `file#resource#statement`. */
  readonly id: string;
  readonly cloud: Cloud;
  readonly file: string;
  readonly format: InputFormat;
  readonly resource: string;
  readonly resourceType: string;
  /** 0-based statement index (AWS). */
  readonly statement?: number;
  readonly sid?: string;
  /** The cloud principal, in words: role, service account(s), managed identity, application. */
  readonly principal: string;
  readonly issuer?: string;
  readonly ciProvider: CiProvider;
  readonly audiences: string[];
  readonly aws?: { federated: string[]; actions: string[]; conditions: AwsCondition[] };
  readonly gcp?: {
    pool: string;
    attributeMapping: Record<string, string>;
    attributeCondition?: string;
    grants: GcpGrant[];
  };
  readonly azure?: {
    kind: 'fic' | 'flexible-fic';
    subject?: string;
    claimsMatchingExpression?: string;
    identity: string;
    roleAssignments: AzureRoleAssignment[];
  };
  /** Network restrictions, in words (trust-time and session-time). */
  readonly network: string[];
  readonly metadata?: TrustMetadata;
  /** Why parts of this trust could not be read (reported as "not analysable"). */
  readonly unresolved: string[];
}

export interface LoadedFile {
  /** Path relative to the scan root, `/`-separated. */
  readonly file: string;
  readonly json: unknown;
}

/** A user-facing input problem: printed as one line, never with a stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

// ---------------------------------------------------------------- discovery

const SKIP_DIRS = new Set(['node_modules', '.git']);

/**
 * Lists the template files to scan under `target` (a file, cdk.out, cdktf.out or any
 * directory), sorted. cdk.out manifests are honoured, and the tree is also globbed for
 * `*.template.json` / `*.tf.json`, so nested assemblies and hand-written files are found.
 */
export function discoverFiles(target: string): { root: string; files: string[] } {
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    throw new InputError(`${target}: no such file or directory. Pass a cdk.out or cdktf.out directory, or a template .json file.`);
  }
  if (st.isFile()) return { root: path.dirname(target), files: [path.basename(target)] };
  if (!st.isDirectory()) throw new InputError(`${target}: not a file or directory.`);

  const found = new Set<string>();
  const manifest = path.join(target, 'manifest.json');
  if (fs.existsSync(manifest)) {
    const m = readJson(manifest, path.relative(target, manifest) || 'manifest.json') as any;
    for (const art of Object.values<any>(m?.artifacts ?? {})) {
      const tf = art?.type === 'aws:cloudformation:stack' ? art?.properties?.templateFile : undefined;
      if (typeof tf === 'string' && fs.existsSync(path.join(target, tf))) found.add(toPosix(tf));
    }
  }
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        // cdk.out asset directories hold user code, not templates.
        if (SKIP_DIRS.has(e.name) || e.name.startsWith('asset.')) continue;
        walk(full, depth + 1);
      } else if (e.isFile() && (e.name.endsWith('.template.json') || e.name.endsWith('.tf.json'))) {
        found.add(toPosix(path.relative(target, full)));
      }
    }
  };
  walk(target, 0);
  return { root: target, files: [...found].sort() };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function readJson(full: string, shown: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (e) {
    throw new InputError(`${shown}: cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${shown}: not valid JSON (${(e as Error).message}). Pass a synthesized CloudFormation template or Terraform JSON file.`);
  }
}

/** Reads and parses the discovered files. */
export function loadFiles(root: string, files: string[]): LoadedFile[] {
  return files.map(file => ({ file, json: readJson(path.join(root, file), file) }));
}

export function detectFormat(json: unknown): InputFormat | undefined {
  if (!isObj(json)) return undefined;
  if ('Resources' in json || 'AWSTemplateFormatVersion' in json) return 'cloudformation';
  if ('resource' in json || 'data' in json || 'terraform' in json || 'provider' in json) return 'terraform-json';
  return undefined;
}

/** Extracts the trust relationships of all files, in stable order (file, resource, statement). */
export function extractAll(files: LoadedFile[]): TrustRelationship[] {
  const out: TrustRelationship[] = [];
  for (const f of files) {
    const fmt = detectFormat(f.json);
    if (fmt === 'cloudformation') out.push(...extractCloudFormation(f.file, f.json as Obj));
    else if (fmt === 'terraform-json') out.push(...extractTerraform(f.file, f.json as Obj));
  }
  return sortTrusts(out);
}

export function sortTrusts(ts: TrustRelationship[]): TrustRelationship[] {
  return [...ts].sort((a, b) => cmp(a.file, b.file) || cmp(a.resource, b.resource) || (a.statement ?? -1) - (b.statement ?? -1) || cmp(a.id, b.id));
}

export { cmp };

// ---------------------------------------------------------------- shared helpers

type Obj = Record<string, any>;
function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function asArray<T = any>(x: unknown): T[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x as T[] : [x as T];
}

/** `https://host/path` without a trailing slash; adds the scheme AWS strips from keys. */
export function normalizeIssuer(raw: string): string {
  let s = raw.trim();
  if (!/^[a-z]+:\/\//i.test(s)) s = `https://${s}`;
  return s.replace(/\/+$/, '');
}

/** Which CI platform an issuer belongs to (ci-claims.md §1). */
export function providerForIssuer(issuer: string | undefined): CiProvider {
  if (!issuer) return 'unknown';
  const u = issuer.replace(/^[a-z]+:\/\//i, '').toLowerCase();
  if (/^token\.actions\.githubusercontent\.com(\/|$)/.test(u) || /^token\.actions\.[^/]+\.ghe\.com(\/|$)/.test(u) || /\/_services\/token$/.test(u)) return 'github-actions';
  if (/^agent\.buildkite\.com(\/|$)/.test(u)) return 'buildkite';
  if (/^oidc\.circleci\.com(\/|$)/.test(u)) return 'circleci';
  if (/^api\.bitbucket\.org\/2\.0\/workspaces\/[^/]+\/pipelines-config\/identity\/oidc$/.test(u)) return 'bitbucket-pipelines';
  if (/^app(\.eu)?\.terraform\.io(\/|$)/.test(u)) return 'hcp-terraform';
  if (/^vstoken\.dev\.azure\.com\//.test(u) || /^app\.vstoken\.visualstudio\.com/.test(u)) return 'azure-devops';
  if (/(^|\.)gitlab\.|^gitlab\b/.test(u)) return 'gitlab-ci';
  return 'unknown';
}

/** Guess from a subject's shape, for trusts whose issuer could not be resolved. */
export function providerForSubject(sub: string): CiProvider {
  if (/^repo:/.test(sub)) return 'github-actions';
  if (/^(project_path|project_id):/.test(sub)) return 'gitlab-ci';
  if (/^organization:[^:]*:pipeline:/.test(sub)) return 'buildkite';
  if (/^organization:[^:]*:(project|workspace):/.test(sub)) return 'hcp-terraform';
  if (/^\{/.test(sub)) return 'bitbucket-pipelines';
  if (/^org\/[^/]+\/project\//.test(sub)) return 'circleci';
  if (/^(sc|p):\/\//.test(sub)) return 'azure-devops';
  return 'unknown';
}

/** `resourceDescription`: an entry without a description has the resource's (an IAM role's `Description`). */
function readMetadata(text: unknown, resourceDescription?: unknown): TrustMetadata[] {
  const raw = parseReviewMetadata(text);
  if (!isObj(raw) || !Array.isArray(raw.trusts)) return [];
  return raw.trusts.filter(isObj).map(t => ({
    id: String(t.id ?? ''),
    provider: String(t.provider ?? ''),
    description: String(t.description ?? (typeof resourceDescription === 'string' ? resourceDescription : '')),
    warnings: asArray(t.warnings).filter(isObj).map(w => ({ id: String(w.id ?? ''), message: String(w.message ?? '') })),
    widenings: asArray(t.widenings).map(String),
    ...snippetOf(t),
  }));
}

/** The CI snippet: given as text, or rendered from the compact source our constructs record. */
function snippetOf(t: Record<string, unknown>): { ciSnippet?: string } {
  if (typeof t.ciSnippet === 'string') return { ciSnippet: t.ciSnippet };
  // An object inside the metadata text; a JSON string of its own in earlier builds.
  const src = parseReviewMetadata(t.ciSnippetSource);
  if (!isObj(src) || !isObj(src.target) || !isObj(src.details)) return {};
  try {
    const text = ciSnippet({
      provider: String(t.provider ?? ''),
      issuer: String(src.issuer ?? ''),
      audiences: asArray(src.audiences).map(String),
      sessionTags: asArray(src.sessionTags).map(String),
      _details: src.details,
    }, src.target as unknown as SnippetTarget);
    return { ciSnippet: text };
  } catch {
    return {}; // a malformed source shows no snippet rather than failing the review
  }
}

/** Matches metadata entries to the relationships of one resource: by Sid/id, by position, or the only entry. */
function pickMetadata(entries: TrustMetadata[], index: number, count: number, sid?: string): TrustMetadata | undefined {
  if (entries.length === 0) return undefined;
  if (sid) {
    const bySid = entries.find(e => e.id === sid);
    if (bySid) return bySid;
  }
  if (entries.length === count) return entries[index];
  return entries.length === 1 ? entries[0] : undefined;
}

const NETWORK_KEYS = /^aws:(SourceIp|SourceVpc|SourceVpcArn|SourceVpce|VpcSourceIp)$/i;

function describeNetworkCondition(prefix: string, c: AwsCondition): string {
  return `${prefix}: ${c.operator} ${c.key} ${c.values.length === 1 ? c.values[0] : `[${c.values.join(', ')}]`}`;
}

/** Session-time network limits: Deny statements of permission policies keyed on network. */
function sessionNetwork(doc: unknown, label: string, resolveValue: (v: unknown) => string | undefined): string[] {
  const out: string[] = [];
  if (!isObj(doc)) return out;
  for (const st of asArray(doc.Statement)) {
    if (!isObj(st) || st.Effect !== 'Deny' || !isObj(st.Condition)) continue;
    for (const c of flattenConditions(st.Condition, resolveValue).conditions) {
      if (NETWORK_KEYS.test(c.key)) out.push(describeNetworkCondition(`session (${label}) Deny unless`, c));
    }
  }
  return out;
}

function flattenConditions(cond: Obj, resolveValue: (v: unknown) => string | undefined): { conditions: AwsCondition[]; unresolved: string[] } {
  const conditions: AwsCondition[] = [];
  const unresolved: string[] = [];
  for (const [op, body] of Object.entries(cond)) {
    if (!isObj(body)) {
      unresolved.push(`condition operator ${op} has a non-object body`);
      continue;
    }
    for (const [key, raw] of Object.entries(body)) {
      const values: string[] = [];
      for (const v of asArray(raw)) {
        const r = resolveValue(v);
        if (r === undefined) unresolved.push(`${op} ${key}: value ${JSON.stringify(v)} is an unresolved expression`);
        else values.push(r);
      }
      conditions.push({ operator: op, key, values });
    }
  }
  return { conditions, unresolved };
}

function oidcIssuerFromArn(arn: string): string | undefined {
  const m = /:oidc-provider\/(.+)$/.exec(arn);
  return m ? normalizeIssuer(m[1]) : undefined;
}

/** Issuer prefix of a condition key such as `token.actions.githubusercontent.com:sub`. */
export function splitConditionKey(key: string): { prefix: string; claim: string } {
  // The last `:` outside `${…}` separates the issuer (host/path) from the claim.
  let depth = 0;
  let at = -1;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '$' && key[i + 1] === '{') depth++;
    else if (key[i] === '}' && depth > 0) depth--;
    else if (key[i] === ':' && depth === 0) at = i;
  }
  if (at < 0) return { prefix: '', claim: key };
  return { prefix: key.slice(0, at), claim: key.slice(at + 1) };
}

interface RawStatement {
  effect: unknown;
  principal: unknown;
  action: unknown;
  condition: unknown;
  sid?: string;
}

interface AwsRoleContext {
  file: string;
  format: InputFormat;
  resource: string;
  resourceType: string;
  principal: string;
  network: string[];
  metadata: TrustMetadata[];
  /** Resolves a Federated principal element to an ARN string (undefined = unresolved). */
  resolveFederated: (v: unknown) => string | undefined;
  resolveValue: (v: unknown) => string | undefined;
  /** Resolves a whole Condition element to a plain object (CDK CfnJson indirection). */
  resolveConditionBlock: (v: unknown) => Obj | undefined;
  /** Provider client-id lists by issuer, to report audiences. */
  clientIds: Map<string, string[]>;
}

function isWebIdentityStatement(st: RawStatement, federated: (string | undefined)[]): boolean {
  const actions = asArray(st.action).map(String);
  if (actions.some(a => /^sts:AssumeRoleWithWebIdentity$/i.test(a))) return true;
  return federated.some(f => f === undefined || f === '*' || /oidc-provider\//.test(f));
}

function awsStatementsToTrusts(ctx: AwsRoleContext, statements: RawStatement[], extraUnresolved: string[] = []): TrustRelationship[] {
  const picked: { st: RawStatement; index: number; federated: (string | undefined)[] }[] = [];
  statements.forEach((st, index) => {
    if (st.effect !== 'Allow' || !isObj(st.principal) || !('Federated' in st.principal)) return;
    const fedRaw = st.principal.Federated;
    const federated = (Array.isArray(fedRaw) ? fedRaw : [fedRaw]).map(ctx.resolveFederated);
    // SAML providers and other non-OIDC federation are out of scope.
    if (federated.every(f => f !== undefined && /saml-provider\//.test(f))) return;
    if (!isWebIdentityStatement(st, federated)) return;
    picked.push({ st, index, federated });
  });
  return picked.map(({ st, index, federated }, i) => {
    const unresolved = [...extraUnresolved];
    federated.forEach((f, k) => {
      if (f === undefined) unresolved.push(`Federated principal #${k} is an unresolved expression`);
    });
    let conditions: AwsCondition[] = [];
    if (st.condition !== undefined) {
      const block = ctx.resolveConditionBlock(st.condition);
      if (!block) {unresolved.push('the Condition block is an unresolved expression');} else {
        const flat = flattenConditions(block, ctx.resolveValue);
        conditions = flat.conditions;
        unresolved.push(...flat.unresolved);
      }
    }
    const fedStrings = federated.map(f => f ?? '(unresolved)');
    let issuer = federated.map(f => (f ? oidcIssuerFromArn(f) : undefined)).find(x => x !== undefined);
    if (!issuer) {
      // Fall back to the condition-key prefix (`host/path:claim`).
      const prefix = conditions.map(c => splitConditionKey(c.key).prefix).find(p => p && !/^(aws|sts)$/i.test(p) && !p.includes('${'));
      if (prefix) issuer = normalizeIssuer(prefix);
    }
    let ciProvider = providerForIssuer(issuer);
    if (ciProvider === 'unknown') {
      const sub = conditions.find(c => splitConditionKey(c.key).claim.toLowerCase() === 'sub')?.values[0];
      if (sub) ciProvider = providerForSubject(sub);
    }
    const network = [
      ...conditions.filter(c => NETWORK_KEYS.test(c.key)).map(c => describeNetworkCondition('trust', c)),
      ...ctx.network,
    ];
    const sid = typeof st.sid === 'string' ? st.sid : undefined;
    const statementSuffix = `#${index}`;
    return {
      id: `${ctx.file}#${ctx.resource}${statementSuffix}`,
      cloud: 'aws' as const,
      file: ctx.file,
      format: ctx.format,
      resource: ctx.resource,
      resourceType: ctx.resourceType,
      statement: index,
      ...(sid ? { sid } : {}),
      principal: ctx.principal,
      ...(issuer ? { issuer } : {}),
      ciProvider,
      audiences: issuer ? ctx.clientIds.get(issuer) ?? [] : [],
      aws: { federated: fedStrings, actions: asArray(st.action).map(String), conditions },
      network,
      ...withMeta(pickMetadata(ctx.metadata, i, picked.length, sid)),
      unresolved,
    };
  });
}

function withMeta(m: TrustMetadata | undefined): { metadata?: TrustMetadata } {
  return m ? { metadata: m } : {};
}

function rawStatements(doc: Obj): RawStatement[] {
  return asArray(doc.Statement).filter(isObj).map(s => ({
    effect: s.Effect, principal: s.Principal, action: s.Action, condition: s.Condition, sid: s.Sid,
  }));
}

// ---------------------------------------------------------------- CloudFormation

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::AccountId': 'ACCOUNT',
  'AWS::Region': 'REGION',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'STACK',
};

/** A small CloudFormation intrinsic evaluator: enough for CDK output; unknown → undefined. */
function cfnResolver(resources: Obj, parameters: Obj) {
  const providerUrl = (logicalId: string): string | undefined => {
    const r = resources[logicalId];
    if (!isObj(r) || !['AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider'].includes(r.Type)) return undefined;
    const url = resolve(r.Properties?.Url);
    return url === undefined ? undefined : normalizeIssuer(url);
  };
  const providerArn = (logicalId: string): string | undefined => {
    const url = providerUrl(logicalId);
    return url === undefined ? undefined : `arn:aws:iam::ACCOUNT:oidc-provider/${url.replace(/^https:\/\//, '')}`;
  };
  function resolve(v: unknown): string | undefined {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (!isObj(v)) return undefined;
    const keys = Object.keys(v);
    if (keys.length !== 1) return undefined;
    const [fn] = keys;
    const arg = v[fn];
    switch (fn) {
      case 'Ref': {
        if (typeof arg !== 'string') return undefined;
        if (arg in PSEUDO) return PSEUDO[arg];
        if (isObj(parameters[arg]) && parameters[arg].Default !== undefined) return resolve(parameters[arg].Default);
        return providerArn(arg);
      }
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
        if (attr === 'Arn') return providerArn(String(id));
        return undefined;
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2 || !Array.isArray(arg[1])) return undefined;
        const parts = arg[1].map(resolve);
        return parts.some(p => p === undefined) ? undefined : parts.join(String(arg[0]));
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return undefined;
        const list = resolveList(arg[1]);
        const idx = Number(resolve(arg[0]));
        return list && Number.isInteger(idx) ? list[idx] : undefined;
      }
      case 'Fn::Sub': {
        const [tpl, vars] = Array.isArray(arg) ? [arg[0], arg[1] ?? {}] : [arg, {}];
        if (typeof tpl !== 'string') return undefined;
        let failed = false;
        const out = tpl.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
          if (bang) return `\${${name}}`;
          const r = isObj(vars) && name in vars ? resolve(vars[name]) : name.includes('.') ? resolve({ 'Fn::GetAtt': name.split('.') }) : resolve({ Ref: name });
          if (r === undefined) failed = true;
          return r ?? '';
        });
        return failed ? undefined : out;
      }
      default:
        return undefined;
    }
  }
  function resolveList(v: unknown): string[] | undefined {
    if (Array.isArray(v)) {
      const r = v.map(resolve);
      return r.some(x => x === undefined) ? undefined : r as string[];
    }
    if (isObj(v) && Array.isArray(v['Fn::Split'])) {
      const [sep, s] = v['Fn::Split'];
      const str = resolve(s);
      return str === undefined ? undefined : str.split(String(sep));
    }
    return undefined;
  }
  return { resolve, providerUrl };
}

export function extractCloudFormation(file: string, tpl: Obj): TrustRelationship[] {
  const resources: Obj = isObj(tpl.Resources) ? tpl.Resources : {};
  const parameters: Obj = isObj(tpl.Parameters) ? tpl.Parameters : {};
  const { resolve, providerUrl } = cfnResolver(resources, parameters);

  const clientIds = new Map<string, string[]>();
  for (const id of Object.keys(resources).sort()) {
    const url = providerUrl(id);
    if (!url) continue;
    const ids = asArray(resources[id].Properties?.ClientIdList).map(resolve).filter((x): x is string => x !== undefined);
    clientIds.set(url, [...(clientIds.get(url) ?? []), ...ids]);
  }

  // Policies attached to roles by Ref, for session-time network limits.
  const attached = new Map<string, string[]>();
  for (const id of Object.keys(resources).sort()) {
    const r = resources[id];
    if (!isObj(r) || !['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy'].includes(r.Type)) continue;
    const roles = r.Type === 'AWS::IAM::RolePolicy' ? [r.Properties?.RoleName] : asArray(r.Properties?.Roles);
    for (const ref of roles) {
      const target = isObj(ref) && typeof ref.Ref === 'string' ? ref.Ref : undefined;
      if (!target) continue;
      attached.set(target, [...(attached.get(target) ?? []), ...sessionNetwork(r.Properties?.PolicyDocument, id, resolve)]);
    }
  }

  const out: TrustRelationship[] = [];
  for (const logicalId of Object.keys(resources).sort()) {
    const r = resources[logicalId];
    if (!isObj(r) || r.Type !== 'AWS::IAM::Role') continue;
    const props: Obj = isObj(r.Properties) ? r.Properties : {};
    const doc = props.AssumeRolePolicyDocument;
    const roleName = resolve(props.RoleName);
    const principal = `IAM role ${logicalId}${roleName ? ` (${roleName})` : ''}`;
    const network = [
      ...asArray(props.Policies).filter(isObj).flatMap(p => sessionNetwork(p.PolicyDocument, `inline ${resolve(p.PolicyName) ?? 'policy'}`, resolve)),
      ...(attached.get(logicalId) ?? []),
    ];
    const ctx: AwsRoleContext = {
      file,
      format: 'cloudformation',
      resource: logicalId,
      resourceType: 'AWS::IAM::Role',
      principal,
      network,
      metadata: readMetadata(isObj(r.Metadata) ? r.Metadata['ci-oidc-trust'] : undefined, isObj(r.Properties) ? r.Properties.Description : undefined),
      resolveFederated: resolve,
      resolveValue: resolve,
      resolveConditionBlock: v => resolveCfnCondition(v, resources, resolve),
      clientIds,
    };
    if (!isObj(doc)) {
      if (doc !== undefined) out.push(notAnalysable(ctx, 'AssumeRolePolicyDocument is an unresolved expression'));
      continue;
    }
    out.push(...awsStatementsToTrusts(ctx, rawStatements(doc)));
  }
  return out;
}

/** CDK moves token-keyed conditions into a `Custom::AWSCDKCfnJson` resource; follow it. */
function resolveCfnCondition(v: unknown, resources: Obj, resolve: (v: unknown) => string | undefined): Obj | undefined {
  if (!isObj(v)) return undefined;
  const ga = v['Fn::GetAtt'];
  if (Object.keys(v).length === 1 && Array.isArray(ga) && ga[1] === 'Value') {
    const r = resources[ga[0]];
    if (!isObj(r) || r.Type !== 'Custom::AWSCDKCfnJson') return undefined;
    const text = resolve(r.Properties?.Value);
    if (text === undefined) return undefined;
    try {
      const parsed = JSON.parse(text);
      return isObj(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  if (Object.keys(v).some(k => k.startsWith('Fn::') || k === 'Ref')) return undefined;
  return v;
}

function notAnalysable(ctx: AwsRoleContext, reason: string): TrustRelationship {
  return {
    id: `${ctx.file}#${ctx.resource}`,
    cloud: 'aws',
    file: ctx.file,
    format: ctx.format,
    resource: ctx.resource,
    resourceType: ctx.resourceType,
    principal: ctx.principal,
    ciProvider: 'unknown',
    audiences: [],
    aws: { federated: [], actions: [], conditions: [] },
    network: ctx.network,
    ...withMeta(ctx.metadata[0]),
    unresolved: [reason],
  };
}

// ---------------------------------------------------------------- Terraform JSON

const TF_REF = /^\$\{([a-zA-Z0-9_-]+)\.([a-zA-Z0-9_-]+)\.([a-zA-Z0-9_.\[\]-]+)\}$/;

/** `${type.name.attr}` (a whole-string reference) → parts. */
function tfRef(s: unknown): { type: string; name: string; attr: string } | undefined {
  if (typeof s !== 'string') return undefined;
  const m = TF_REF.exec(s);
  return m ? { type: m[1], name: m[2], attr: m[3] } : undefined;
}

function tfMetadata(body: Obj): TrustMetadata[] {
  const c = isObj(body['//']) ? body['//']['ci-oidc-trust'] : undefined;
  return readMetadata(c);
}

function tfResources(tf: Obj, kind: 'resource' | 'data', type: string): [string, Obj][] {
  const group = isObj(tf[kind]) && isObj(tf[kind][type]) ? tf[kind][type] : {};
  return Object.keys(group).sort().map(name => [name, isObj(group[name]) ? group[name] : {}] as [string, Obj]);
}

function allTfResourceTypes(tf: Obj): string[] {
  return isObj(tf.resource) ? Object.keys(tf.resource).sort() : [];
}

export function extractTerraform(file: string, tf: Obj): TrustRelationship[] {
  return [...extractTfAws(file, tf), ...extractTfGcp(file, tf), ...extractTfAzure(file, tf)];
}

function extractTfAws(file: string, tf: Obj): TrustRelationship[] {
  const providers = new Map<string, { url: string; clientIds: string[] }>();
  for (const [name, body] of tfResources(tf, 'resource', 'aws_iam_openid_connect_provider')) {
    if (typeof body.url === 'string' && !body.url.includes('${')) {
      providers.set(name, { url: normalizeIssuer(body.url), clientIds: asArray(body.client_id_list).map(String) });
    }
  }
  const clientIds = new Map<string, string[]>();
  for (const p of providers.values()) clientIds.set(p.url, [...(clientIds.get(p.url) ?? []), ...p.clientIds]);

  // Substitute references to OIDC providers; leave other interpolations as written.
  const subst = (s: string): string => s
    .replace(/\$\{replace\(aws_iam_openid_connect_provider\.([\w-]+)\.url,\s*"https:\/\/",\s*""\)\}/g, (m, n: string) => {
      const p = providers.get(n);
      return p ? p.url.replace(/^https:\/\//, '') : m;
    })
    .replace(/\$\{aws_iam_openid_connect_provider\.([\w-]+)\.(arn|url|id)\}/g, (m, n: string, attr: string) => {
      const p = providers.get(n);
      if (!p) return m;
      return attr === 'url' ? p.url.replace(/^https:\/\//, '') : `arn:aws:iam::ACCOUNT:oidc-provider/${p.url.replace(/^https:\/\//, '')}`;
    });
  // Terraform escapes a literal `${` as `$${`; after substitution that is an IAM policy variable.
  const value = (v: unknown): string | undefined => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    return subst(String(v)).replace(/\$\$\{/g, '${');
  };
  const federated = (v: unknown): string | undefined => {
    const s = value(v);
    return s === undefined || /^\$\{[^}]*\}$/.test(s) ? undefined : s;
  };

  const docStatements = (body: Obj): { statements: RawStatement[]; unresolved: string[] } => {
    const unresolved: string[] = [];
    const statements = asArray(body.statement).filter(isObj).map((s, i) => {
      const fed = asArray(s.principals).filter(isObj).filter(p => p.type === 'Federated').flatMap(p => asArray(p.identifiers));
      const other = asArray(s.principals).filter(isObj).filter(p => p.type !== 'Federated');
      const condition: Obj = {};
      for (const c of asArray(s.condition).filter(isObj)) {
        if (typeof c.test !== 'string' || typeof c.variable !== 'string') {
          unresolved.push(`statement ${i}: condition block without literal test/variable`);
          continue;
        }
        const key = subst(c.variable);
        condition[c.test] = condition[c.test] ?? {};
        // Repeated test+variable blocks are ANDed by Terraform; keeping the union of values is the
        // conservative reading for reporting, and each value is still judged.
        condition[c.test][key] = [...asArray(condition[c.test][key]), ...asArray(c.values)];
      }
      return {
        effect: s.effect ?? 'Allow',
        principal: fed.length > 0 ? { Federated: fed } : other.length > 0 ? { Other: true } : undefined,
        action: asArray(s.actions),
        condition: Object.keys(condition).length > 0 ? condition : undefined,
        sid: typeof s.sid === 'string' ? s.sid : undefined,
      };
    });
    return { statements, unresolved };
  };

  const inlineNetwork = new Map<string, string[]>();
  const addNet = (role: string, items: string[]) => inlineNetwork.set(role, [...(inlineNetwork.get(role) ?? []), ...items]);
  const parsePolicy = (s: unknown): Obj | undefined => {
    if (typeof s !== 'string') return undefined;
    try {
      const j = JSON.parse(s);
      return isObj(j) ? j : undefined;
    } catch {
      return undefined;
    }
  };
  for (const [name, body] of tfResources(tf, 'resource', 'aws_iam_role_policy')) {
    const ref = tfRef(body.role);
    if (ref?.type === 'aws_iam_role') addNet(ref.name, sessionNetwork(parsePolicy(body.policy), `aws_iam_role_policy.${name}`, value));
  }

  const usedDocs = new Set<string>();
  const out: TrustRelationship[] = [];
  for (const [name, body] of tfResources(tf, 'resource', 'aws_iam_role')) {
    const resource = `aws_iam_role.${name}`;
    const network = [
      ...asArray(body.inline_policy).filter(isObj).flatMap(p => sessionNetwork(parsePolicy(p.policy), `inline ${p.name ?? 'policy'}`, value)),
      ...(inlineNetwork.get(name) ?? []),
    ];
    const ctx: AwsRoleContext = {
      file,
      format: 'terraform-json',
      resource,
      resourceType: 'aws_iam_role',
      principal: `IAM role ${resource}${typeof body.name === 'string' ? ` (${body.name})` : ''}`,
      network,
      metadata: tfMetadata(body),
      resolveFederated: federated,
      resolveValue: value,
      resolveConditionBlock: v => (isObj(v) ? v : undefined),
      clientIds,
    };
    const arp = body.assume_role_policy;
    const dataRef = typeof arp === 'string' ? /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(arp) : null;
    if (dataRef) {
      const doc = tfResources(tf, 'data', 'aws_iam_policy_document').find(([n]) => n === dataRef[1]);
      if (!doc) {
        out.push(notAnalysable(ctx, `assume_role_policy references data.aws_iam_policy_document.${dataRef[1]}, which is not in this file`));
        continue;
      }
      usedDocs.add(dataRef[1]);
      const { statements, unresolved } = docStatements(doc[1]);
      out.push(...awsStatementsToTrusts({ ...ctx, metadata: [...ctx.metadata, ...tfMetadata(doc[1])] }, statements, unresolved));
      continue;
    }
    const parsed = typeof arp === 'string' ? parsePolicy(subst(arp)) : isObj(arp) ? arp : undefined;
    if (!parsed) {
      if (arp !== undefined) out.push(notAnalysable(ctx, `assume_role_policy is not literal JSON (${truncate(String(arp), 80)})`));
      continue;
    }
    out.push(...awsStatementsToTrusts(ctx, rawStatements(parsed)));
  }

  // Policy documents not attached to a role in this file are still reported (checkov CKV_AWS_358 scope).
  for (const [name, body] of tfResources(tf, 'data', 'aws_iam_policy_document')) {
    if (usedDocs.has(name)) continue;
    const { statements, unresolved } = docStatements(body);
    const ctx: AwsRoleContext = {
      file,
      format: 'terraform-json',
      resource: `data.aws_iam_policy_document.${name}`,
      resourceType: 'aws_iam_policy_document',
      principal: `policy document data.aws_iam_policy_document.${name} (not attached to a role in this file)`,
      network: [],
      metadata: tfMetadata(body),
      resolveFederated: federated,
      resolveValue: value,
      resolveConditionBlock: v => (isObj(v) ? v : undefined),
      clientIds,
    };
    out.push(...awsStatementsToTrusts(ctx, statements, unresolved));
  }
  return out;
}


/** Parses a `principalSet://`/`principal://` member into pool reference + selector. */
export function parseWifMember(member: string): { pool: string; selector: GcpGrant['selector'] } | undefined {
  const m = /^principal(Set)?:\/\/iam\.googleapis\.com\/(.*)$/.exec(member);
  if (!m) return undefined;
  let rest = m[2];
  let pool: string;
  const ref = /^\$\{google_iam_workload_identity_pool\.([\w-]+)\.(name|id)\}(.*)$/.exec(rest);
  if (ref) {
    pool = `ref:${ref[1]}`;
    rest = ref[3];
  } else {
    const lit = /^projects\/[^/]+\/locations\/[^/]+\/workloadIdentityPools\/([^/]+)(.*)$/.exec(rest);
    if (!lit) return { pool: '?', selector: { kind: 'unknown', raw: member } };
    pool = lit[1];
    rest = lit[2];
  }
  if (rest === '/*') return { pool, selector: { kind: 'pool' } };
  let s: RegExpExecArray | null;
  if ((s = /^\/attribute\.([^/]+)\/(.*)$/.exec(rest))) return { pool, selector: { kind: 'attribute', attribute: s[1], value: s[2] } };
  if ((s = /^\/subject\/(.*)$/.exec(rest))) return { pool, selector: { kind: 'subject', value: s[1] } };
  if ((s = /^\/group\/(.*)$/.exec(rest))) return { pool, selector: { kind: 'group', value: s[1] } };
  return { pool, selector: { kind: 'unknown', raw: member } };
}

function extractTfGcp(file: string, tf: Obj): TrustRelationship[] {
  // Pool keys: literal pool IDs; `ref:NAME` resolves to the pool resource's literal ID when it has one.
  const poolIdOf = new Map<string, string>();
  for (const [name, body] of tfResources(tf, 'resource', 'google_iam_workload_identity_pool')) {
    if (typeof body.workload_identity_pool_id === 'string' && !body.workload_identity_pool_id.includes('${')) poolIdOf.set(name, body.workload_identity_pool_id);
  }
  const poolKey = (raw: string): string => {
    if (raw.startsWith('ref:')) return poolIdOf.get(raw.slice(4)) ?? raw;
    return raw;
  };
  const providerPool = (v: unknown): string => {
    const ref = tfRef(v);
    if (ref && ref.type === 'google_iam_workload_identity_pool') return poolKey(`ref:${ref.name}`);
    return typeof v === 'string' ? v : '?';
  };

  const grants = new Map<string, GcpGrant[]>();
  const grantPrincipals = new Map<string, string[]>();
  for (const type of allTfResourceTypes(tf).filter(t => /^google_.+_iam_(member|binding)$/.test(t))) {
    for (const [name, body] of tfResources(tf, 'resource', type)) {
      const members = type.endsWith('_member') ? asArray(body.member) : asArray(body.members);
      for (const member of members.map(String)) {
        const parsed = parseWifMember(member);
        if (!parsed) continue;
        const key = poolKey(parsed.pool);
        const resource = `${type}.${name}`;
        grants.set(key, [...(grants.get(key) ?? []), { resource, role: String(body.role ?? '?'), member, selector: parsed.selector }]);
        const target = type === 'google_service_account_iam_member' || type === 'google_service_account_iam_binding'
          ? `service account ${describeTfValue(body.service_account_id)}`
          : `${type.replace(/^google_/, '').replace(/_iam_(member|binding)$/, '')} ${describeTfValue(firstTarget(body))}`;
        grantPrincipals.set(key, [...(grantPrincipals.get(key) ?? []), `${target} (${body.role ?? '?'})`]);
      }
    }
  }

  const ingress = [
    ...tfResources(tf, 'resource', 'google_access_context_manager_service_perimeter_ingress_policy').map(([n, b]) => [`google_access_context_manager_service_perimeter_ingress_policy.${n}`, b] as [string, Obj]),
    ...tfResources(tf, 'resource', 'google_access_context_manager_service_perimeter_dry_run_ingress_policy').map(([n, b]) => [`google_access_context_manager_service_perimeter_dry_run_ingress_policy.${n}`, b] as [string, Obj]),
  ];
  const ingressFor = (poolName: string, providerPoolRaw: unknown): string[] => {
    const out: string[] = [];
    const poolRef = tfRef(providerPoolRaw)?.name;
    for (const [res, body] of ingress) {
      const from = asArray(body.ingress_from).filter(isObj)[0] ?? {};
      const ids = asArray(from.identities).map(String);
      const mentions = ids.some(id => id.includes(`workloadIdentityPools/${poolName}/`) || (poolRef !== undefined && id.includes(`google_iam_workload_identity_pool.${poolRef}.`)));
      if (!mentions && !from.identity_type) continue;
      const sources = asArray(from.sources).filter(isObj).map(s => s.access_level ?? s.resource).map(String);
      const to = asArray(body.ingress_to).filter(isObj)[0] ?? {};
      out.push(`VPC-SC ingress ${res}: from ${from.identity_type ?? ids.join(', ')}${sources.length ? ` via ${sources.join(', ')}` : ''} to ${asArray(to.resources).map(String).join(', ') || '?'}`);
    }
    return out;
  };

  const out: TrustRelationship[] = [];
  const poolsWithProvider = new Set<string>();
  for (const [name, body] of tfResources(tf, 'resource', 'google_iam_workload_identity_pool_provider')) {
    const oidc = asArray(body.oidc).filter(isObj)[0];
    if (!oidc) continue; // aws/saml/x509 providers are not CI OIDC trusts
    const pool = providerPool(body.workload_identity_pool_id);
    poolsWithProvider.add(pool);
    const unresolved: string[] = [];
    const issuerRaw = oidc.issuer_uri;
    let issuer: string | undefined;
    if (typeof issuerRaw === 'string' && !issuerRaw.includes('${')) issuer = normalizeIssuer(issuerRaw);
    else unresolved.push('issuer_uri is not a literal');
    const mapping: Record<string, string> = {};
    if (isObj(body.attribute_mapping)) for (const k of Object.keys(body.attribute_mapping).sort()) mapping[k] = String(body.attribute_mapping[k]);
    const cond = body.attribute_condition;
    if (cond !== undefined && (typeof cond !== 'string' || /\$\{/.test(cond))) unresolved.push('attribute_condition contains a Terraform interpolation');
    const poolGrants = grants.get(pool) ?? [];
    const resource = `google_iam_workload_identity_pool_provider.${name}`;
    const principals = [...new Set(grantPrincipals.get(pool) ?? [])].sort();
    out.push({
      id: `${file}#${resource}`,
      cloud: 'gcp',
      file,
      format: 'terraform-json',
      resource,
      resourceType: 'google_iam_workload_identity_pool_provider',
      principal: principals.length ? principals.join('; ') : `workload identity pool ${pool} (no grants in this file)`,
      ...(issuer ? { issuer } : {}),
      ciProvider: providerForIssuer(issuer),
      audiences: asArray(oidc.allowed_audiences).map(String),
      gcp: {
        pool,
        attributeMapping: mapping,
        ...(typeof cond === 'string' && cond.trim() !== '' ? { attributeCondition: cond } : {}),
        grants: poolGrants,
      },
      network: ingressFor(pool, body.workload_identity_pool_id),
      ...withMeta(tfMetadata(body)[0]),
      unresolved,
    });
  }
  // Grants on pools whose provider is not in this file: still report whole-pool grants etc.
  for (const [pool, gs] of [...grants.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    if (poolsWithProvider.has(pool)) continue;
    for (const g of gs) {
      out.push({
        id: `${file}#${g.resource}`,
        cloud: 'gcp',
        file,
        format: 'terraform-json',
        resource: g.resource,
        resourceType: g.resource.split('.')[0],
        principal: `grant ${g.role} to ${g.member}`,
        ciProvider: 'unknown',
        audiences: [],
        gcp: { pool, attributeMapping: {}, grants: [g] },
        network: [],
        unresolved: [`the provider of pool ${pool} is not in this file; its attribute condition could not be checked`],
      });
    }
  }
  return out;
}

function firstTarget(body: Obj): unknown {
  for (const k of ['bucket', 'secret_id', 'project', 'dataset_id', 'repository', 'topic', 'subscription', 'name', 'crypto_key_id', 'service', 'instance_name', 'folder', 'org_id']) {
    if (body[k] !== undefined) return body[k];
  }
  return '?';
}

function describeTfValue(v: unknown): string {
  const ref = tfRef(v);
  if (ref) return `${ref.type}.${ref.name}`;
  return typeof v === 'string' ? v : '?';
}

function extractTfAzure(file: string, tf: Obj): TrustRelationship[] {
  // Service principals created for applications, to link role assignments to app FICs.
  const spApp = new Map<string, string>();
  for (const [name, body] of tfResources(tf, 'resource', 'azuread_service_principal')) {
    const ref = tfRef(body.client_id ?? body.application_id);
    if (ref?.type === 'azuread_application') spApp.set(name, `azuread_application.${ref.name}`);
  }
  const assignments = new Map<string, AzureRoleAssignment[]>();
  const network = new Map<string, string[]>();
  for (const [name, body] of tfResources(tf, 'resource', 'azurerm_role_assignment')) {
    const ref = tfRef(body.principal_id);
    let identity: string | undefined;
    if (ref?.type === 'azurerm_user_assigned_identity') identity = `azurerm_user_assigned_identity.${ref.name}`;
    else if (ref?.type === 'azuread_service_principal') identity = spApp.get(ref.name) ?? `azuread_service_principal.${ref.name}`;
    else if (typeof body.principal_id === 'string') identity = body.principal_id;
    if (!identity) continue;
    const ra: AzureRoleAssignment = {
      resource: `azurerm_role_assignment.${name}`,
      scope: describeTfValue(body.scope),
      role: String(body.role_definition_name ?? describeTfValue(body.role_definition_id)),
      ...(typeof body.condition === 'string' ? { condition: body.condition } : {}),
    };
    assignments.set(identity, [...(assignments.get(identity) ?? []), ra]);
    if (ra.condition && /@Environment\[/.test(ra.condition)) {
      network.set(identity, [...(network.get(identity) ?? []), `ABAC condition on ${ra.resource}: ${ra.condition}`]);
    }
  }
  const identityMeta = (identity: string): TrustMetadata[] => {
    const [type, name] = identity.split('.');
    const found = tfResources(tf, 'resource', type).find(([n]) => n === name);
    return found ? tfMetadata(found[1]) : [];
  };

  const out: TrustRelationship[] = [];
  const kinds: [string, 'fic' | 'flexible-fic'][] = [
    ['azuread_application_federated_identity_credential', 'fic'],
    ['azuread_application_flexible_federated_identity_credential', 'flexible-fic'],
    ['azurerm_federated_identity_credential', 'fic'],
  ];
  for (const [type, kind] of kinds) {
    for (const [name, body] of tfResources(tf, 'resource', type)) {
      const parentRaw = type === 'azurerm_federated_identity_credential' ? body.user_assigned_identity_id ?? body.parent_id : body.application_id ?? body.application_object_id;
      const ref = tfRef(parentRaw);
      const identity = ref ? `${ref.type}.${ref.name}` : describeTfValue(parentRaw);
      const unresolved: string[] = [];
      let issuer: string | undefined;
      if (typeof body.issuer === 'string' && !body.issuer.includes('${')) issuer = normalizeIssuer(body.issuer);
      else unresolved.push('issuer is not a literal');
      const subject = typeof body.subject === 'string' ? body.subject : body.subject === undefined ? undefined : String(body.subject);
      if (subject?.includes('${')) unresolved.push('subject contains a Terraform interpolation');
      const expr = typeof body.claims_matching_expression === 'string' ? body.claims_matching_expression
        : isObj(body.claims_matching_expression) ? String(body.claims_matching_expression.value ?? '') : undefined;
      const audiences = kind === 'flexible-fic' ? asArray(body.audience).map(String) : asArray(body.audience ?? body.audiences).map(String);
      const resource = `${type}.${name}`;
      let ciProvider = providerForIssuer(issuer);
      if (ciProvider === 'unknown' && subject) ciProvider = providerForSubject(subject);
      const roles = assignments.get(identity) ?? [];
      const identityWords = identity.startsWith('azurerm_user_assigned_identity.') ? `user-assigned identity ${identity}` : identity.startsWith('azuread_application.') ? `application ${identity}` : identity;
      out.push({
        id: `${file}#${resource}`,
        cloud: 'azure',
        file,
        format: 'terraform-json',
        resource,
        resourceType: type,
        principal: roles.length ? `${identityWords}: ${roles.map(r => `${r.role} on ${r.scope}`).join('; ')}` : `${identityWords} (no role assignments in this file)`,
        ...(issuer ? { issuer } : {}),
        ciProvider,
        audiences,
        azure: {
          kind,
          ...(subject !== undefined ? { subject } : {}),
          ...(expr !== undefined ? { claimsMatchingExpression: expr } : {}),
          identity,
          roleAssignments: roles,
        },
        network: network.get(identity) ?? [],
        ...withMeta(tfMetadata(body)[0] ?? identityMeta(identity)[0]),
        unresolved,
      });
    }
  }
  return out;
}
