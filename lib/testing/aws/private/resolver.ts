import { isObj } from './text';
import { TrustConfigError } from '../../../model/errors';

/*
 * CloudFormation intrinsics in a synthesized template, resolved with fixed pseudo-parameter values
 * (the simulator needs plain strings to compare).
 */

/** Default pseudo-parameter values used to resolve `Ref`/`Fn::Join`/`Fn::Sub` in templates. */
const DEFAULT_ACCOUNT = '123456789012';
const DEFAULT_PARTITION = 'aws';
const DEFAULT_REGION = 'us-east-1';

const RESOLVE_FIX = 'pass a template whose trust policy the simulator can resolve (literals, Ref/GetAtt of roles and OIDC providers, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, pseudo parameters), or the plain policy with fromPolicyDocument';

function unresolvable(where: string, problem: string, fix: string): never {
  throw new TrustConfigError(where, problem, fix);
}

export const PROVIDER_TYPES = new Set(['AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider']);

/** Resolves Ref / Fn::GetAtt / Fn::Join / Fn::Sub / Fn::Select with fixed pseudo-parameter values. */
export class Resolver {
  public readonly account: string;
  public readonly partition: string;
  private readonly resources: { [id: string]: any };
  private readonly parameters: { [id: string]: any };

  constructor(template: any, options: { readonly accountId?: string; readonly partition?: string }) {
    this.account = options.accountId ?? DEFAULT_ACCOUNT;
    this.partition = options.partition ?? DEFAULT_PARTITION;
    this.resources = template?.Resources ?? {};
    this.parameters = template?.Parameters ?? {};
  }

  /** ClientIdList of the template's provider with this ARN, if it is a template resource. */
  public clientIdsFor(providerArn: string): string[] | undefined {
    for (const [id, r] of Object.entries<any>(this.resources)) {
      if (!PROVIDER_TYPES.has(r?.Type)) continue;
      if (this.providerArn(id, `${id}`) !== providerArn) continue;
      const list = r.Properties?.ClientIdList ?? r.Properties?.ClientIDList ?? [];
      const resolved = this.resolve(list, `${id}.ClientIdList`);
      return Array.isArray(resolved) ? resolved.map(String) : [String(resolved)];
    }
    return undefined;
  }

  public resolve(node: any, where: string): any {
    if (Array.isArray(node)) return node.map((x, i) => this.resolve(x, `${where}[${i}]`));
    if (!isObj(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return this.intrinsic(keys[0], node[keys[0]], where);
    const out: { [k: string]: any } = {};
    for (const k of keys) out[k] = this.resolve(node[k], `${where}.${k}`);
    return out;
  }

  private get urlSuffix(): string {
    return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  }

  private intrinsic(fn: string, arg: any, where: string): any {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg), where);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
        return this.getAtt(String(id), String(attr), where);
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) unresolvable(where, 'malformed Fn::Join', 'write Fn::Join as [separator, [parts]]');
        const parts = this.resolve(arg[1], where);
        if (!Array.isArray(parts)) unresolvable(where, 'Fn::Join needs a list', 'write Fn::Join as [separator, [parts]]');
        return parts.map((p) => this.scalar(p, where)).join(String(arg[0]));
      }
      case 'Fn::Select': {
        const [i, list] = arg;
        const l = this.resolve(list, where);
        return l[Number(this.resolve(i, where))];
      }
      case 'Fn::Split': {
        const [sep, s] = arg;
        return String(this.scalar(this.resolve(s, where), where)).split(String(sep));
      }
      case 'Fn::Sub': {
        const [text, vars] = typeof arg === 'string' ? [arg, {}] : arg;
        const resolvedVars = this.resolve(vars ?? {}, where);
        // `${!x}` is CloudFormation's escape for a literal `${x}` (e.g. an IAM policy variable).
        return String(text).replace(/\$\{(!?)([^}]*)\}/g, (_m: string, bang: string, name: string) => {
          if (bang) return '${' + name + '}';
          if (name in resolvedVars) return this.scalar(resolvedVars[name], where);
          if (name.includes('.') && !name.startsWith('AWS::')) {
            const dot = name.indexOf('.');
            return this.scalar(this.getAtt(name.slice(0, dot), name.slice(dot + 1), where), where);
          }
          return this.scalar(this.ref(name, where), where);
        });
      }
      default:
        unresolvable(where, `the simulator cannot resolve ${fn}`, RESOLVE_FIX);
    }
  }

  private scalar(v: any, where: string): string {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    unresolvable(where, `expected a string, got ${JSON.stringify(v)}`, RESOLVE_FIX);
  }

  private ref(name: string, where: string): any {
    switch (name) {
      case 'AWS::Partition': return this.partition;
      case 'AWS::AccountId': return this.account;
      case 'AWS::URLSuffix': return this.urlSuffix;
      case 'AWS::Region': return DEFAULT_REGION;
      case 'AWS::NoValue': unresolvable(where, 'AWS::NoValue is not supported by the simulator', RESOLVE_FIX);
    }
    const r = this.resources[name];
    if (r) {
      if (PROVIDER_TYPES.has(r.Type)) return this.providerArn(name, where);
      if (r.Type === 'AWS::IAM::Role') return typeof r.Properties?.RoleName === 'string' ? r.Properties.RoleName : name;
      unresolvable(where, `cannot resolve {Ref: ${name}} (a ${r.Type})`, RESOLVE_FIX);
    }
    const p = this.parameters[name];
    if (p && p.Default !== undefined) return p.Default;
    unresolvable(where, `cannot resolve {Ref: ${name}}: no such resource, or a parameter without Default`, 'give the parameter a Default, or pass the template with the value filled in');
  }

  private getAtt(id: string, attr: string, where: string): any {
    const r = this.resources[id];
    if (r && attr === 'Arn') {
      if (PROVIDER_TYPES.has(r.Type)) return this.providerArn(id, where);
      if (r.Type === 'AWS::IAM::Role') {
        const name = typeof r.Properties?.RoleName === 'string' ? r.Properties.RoleName : id;
        return `arn:${this.partition}:iam::${this.account}:role/${name}`;
      }
    }
    unresolvable(where, `cannot resolve {Fn::GetAtt: [${id}, ${attr}]}`, RESOLVE_FIX);
  }

  /** Ref/Arn of an OIDC provider resource: `arn:<partition>:iam::<account>:oidc-provider/<Url without https://>`. */
  private providerArn(id: string, where: string): string {
    const url = this.resolve(this.resources[id].Properties?.Url, `${id}.Url`);
    if (typeof url !== 'string' || !url.startsWith('https://')) unresolvable(where, `provider ${id} has no https:// Url`, 'give the OIDC provider its https:// issuer URL');
    return `arn:${this.partition}:iam::${this.account}:oidc-provider/${url.slice('https://'.length)}`;
  }
}

/**
 * Resolves an attached policy for `evaluateSessionCall`, which reads only Deny statements.
 * Ordinary grants reference resources the resolver does not know (e.g. `bucket.grantReadWrite(role)`
 * -> `Fn::GetAtt [Bucket, Arn]`), so Allow statements become inert placeholders (keeping statement
 * indexes in the trace), and an unresolvable `Resource`/`NotResource` of a Deny becomes a marker
 * string: resources are not evaluated anyway.
 */
export function resolveDenySide(resolver: Resolver, doc: any, where: string): any {
  if (!isObj(doc) || doc.Statement === undefined) return resolver.resolve(doc, where);
  const list: any[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const statements = list.map((st, i) => {
    const at = `${where}.Statement[${i}]`;
    if (isObj(st) && st.Effect === 'Allow') return { Effect: 'Allow', NotAction: '*' };
    if (!isObj(st)) return resolver.resolve(st, at);
    const out: { [k: string]: any } = {};
    for (const [k, v] of Object.entries(st)) {
      if (k === 'Resource' || k === 'NotResource') {
        const items: any[] = Array.isArray(v) ? v : [v];
        out[k] = items.map((r, j) => {
          try {
            return resolver.resolve(r, `${at}.${k}[${j}]`);
          } catch {
            return `<unresolved ${JSON.stringify(r)}>`;
          }
        });
      } else {
        out[k] = resolver.resolve(v, `${at}.${k}`);
      }
    }
    return out;
  });
  const { Statement: _ignored, ...rest } = doc;
  return { ...resolver.resolve(rest, where), Statement: statements };
}

export function hasFederatedPrincipal(doc: any): boolean {
  const st = doc?.Statement;
  const list: any[] = Array.isArray(st) ? st : st ? [st] : [];
  return list.some((s) => isObj(s?.Principal) && s.Principal.Federated !== undefined);
}

export function providerUrlFromArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:iam::[^:]*:oidc-provider\/(.+)$/.exec(arn);
  return m ? m[1] : undefined;
}
