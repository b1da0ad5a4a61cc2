/**
 * CloudFormation templates (cdk.out): `AWS::IAM::Role` trust policies, with a small evaluator for
 * the intrinsics CDK writes (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Sub) and the
 * `Custom::AWSCDKCfnJson` indirection of token-keyed conditions.
 */
import { AwsRoleContext, awsStatementsToTrusts, notAnalysable, rawStatements, sessionNetwork } from './aws-policy';
import { readMetadata } from './metadata';
import { TrustRelationship } from './types';
import { asArray, isObj, normalizeIssuer, Obj } from './util';

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::AccountId': 'ACCOUNT',
  'AWS::Region': 'REGION',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'STACK',
};

/**
 * A small CloudFormation intrinsic evaluator: enough for CDK output; unknown → undefined. `loose`
 * (condition values) keeps what is unknown as a `${Name}` placeholder, so the scanner can judge
 * the literal rest (`repo:${Org}/${Repo}:*`) instead of losing the value.
 */
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
  function resolve(v: unknown, loose = false): string | undefined {
    const r = resolveStrict(v, loose);
    if (r !== undefined || !loose) return r;
    return isObj(v) && Object.keys(v).length === 1 ? `\${${typeof v.Ref === 'string' ? v.Ref : Object.keys(v)[0]}}` : undefined;
  }
  function resolveStrict(v: unknown, loose: boolean): string | undefined {
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
        const parts = arg[1].map(x => resolve(x, loose));
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
          if (r === undefined && !loose) failed = true;
          return r ?? `\${${name}}`;
        });
        return failed ? undefined : out;
      }
      case 'Fn::If': {
        // The same value on both branches, or one branch and AWS::NoValue, is known.
        if (!Array.isArray(arg) || arg.length !== 3) return undefined;
        const branches = [arg[1], arg[2]].filter(b => !(isObj(b) && b.Ref === 'AWS::NoValue')).map(b => resolve(b, loose));
        return branches.length > 0 && branches.every(b => b !== undefined && b === branches[0]) ? branches[0] : undefined;
      }
      default:
        return undefined;
    }
  }
  function resolveList(v: unknown): string[] | undefined {
    if (Array.isArray(v)) {
      const r = v.map(x => resolve(x));
      return r.some(x => x === undefined) ? undefined : r as string[];
    }
    if (isObj(v) && Array.isArray(v['Fn::Split'])) {
      const [sep, s] = v['Fn::Split'];
      const str = resolve(s);
      return str === undefined ? undefined : str.split(String(sep));
    }
    return undefined;
  }
  return { resolve: (v: unknown) => resolve(v), resolveLoose: (v: unknown) => resolve(v, true), providerUrl };
}

export function extractCloudFormation(file: string, tpl: Obj): TrustRelationship[] {
  const resources: Obj = isObj(tpl.Resources) ? tpl.Resources : {};
  const parameters: Obj = isObj(tpl.Parameters) ? tpl.Parameters : {};
  const { resolve, resolveLoose, providerUrl } = cfnResolver(resources, parameters);

  const clientIds = new Map<string, string[]>();
  for (const id of Object.keys(resources).sort()) {
    const url = providerUrl(id);
    if (!url) continue;
    const ids = asArray(resources[id].Properties?.ClientIdList).map(x => resolve(x)).filter((x): x is string => x !== undefined);
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
      resolveFederated: v => resolve(v) ?? ifBranches(v).map(resolve).find(b => b !== undefined && /:oidc-provider\//.test(b)),
      resolveValue: resolveLoose,
      resolveConditionBlock: v => resolveCfnCondition(v, resources, resolve),
      clientIds,
    };
    if (!isObj(doc)) {
      if (doc !== undefined) out.push(notAnalysable(ctx, 'AssumeRolePolicyDocument is an unresolved expression'));
      continue;
    }
    const statements = rawStatements(doc);
    for (const t of awsStatementsToTrusts(ctx, statements)) {
      const st = statements[t.statement ?? -1];
      // An unresolved Condition block was not read, so nothing was assumed for it.
      const cond = isObj(st?.condition) && !Object.keys(st!.condition).some(k => k.startsWith('Fn::') || k === 'Ref') ? st!.condition : undefined;
      const notes = st ? statementNotes([st.principal, cond], parameters) : [];
      out.push(notes.length ? { ...t, assumptions: notes } : t);
    }
  }
  return out;
}

/** The branches of a `Fn::If` (without `AWS::NoValue`), or the value itself. */
function ifBranches(v: unknown): unknown[] {
  const arg = isObj(v) ? v['Fn::If'] : undefined;
  if (!Array.isArray(arg) || arg.length !== 3) return [v];
  return [arg[1], arg[2]].filter(b => !(isObj(b) && b.Ref === 'AWS::NoValue')).flatMap(b => asArray(b).flatMap(ifBranches));
}

/** `Fn::If` in condition values: both branches are alternatives, so the values are ORed (as broad as either). */
function expandIf(block: Obj): Obj {
  const out: Obj = {};
  for (const [op, body] of Object.entries(block)) {
    if (!isObj(body)) {
      out[op] = body;
      continue;
    }
    out[op] = Object.fromEntries(Object.entries(body).map(([key, val]) => [key, asArray(val).flatMap(ifBranches)]));
  }
  return out;
}

/** What reading a statement assumed: the parameters it uses (with or without a Default) and its `Fn::If`s. */
function statementNotes(parts: unknown[], parameters: Obj): string[] {
  const notes = new Set<string>();
  const param = (name: string) => {
    if (!isObj(parameters[name])) return;
    const d = parameters[name].Default;
    notes.add(d === undefined
      ? `parameter ${name} has no Default, so values that use it are judged on their literal text`
      : `parameter ${name} is read as its Default ${d === '' ? '(empty)' : `\`${typeof d === 'string' ? d : JSON.stringify(d)}\``}; a stack deployed with another value is not checked`);
  };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isObj(v)) return;
    if (typeof v.Ref === 'string') param(v.Ref);
    const sub = v['Fn::Sub'];
    if (sub !== undefined) {
      const [tpl, vars] = Array.isArray(sub) ? [sub[0], sub[1] ?? {}] : [sub, {}];
      if (typeof tpl === 'string') for (const m of tpl.matchAll(/\$\{([^!}][^}]*)\}/g)) if (!(isObj(vars) && m[1] in vars)) param(m[1]);
      return walk(Object.values(isObj(vars) ? vars : {}));
    }
    if (Array.isArray(v['Fn::If'])) notes.add(`\`Fn::If\` on condition ${String(v['Fn::If'][0])}: every readable branch is judged, as alternatives`);
    Object.values(v).forEach(walk);
  };
  walk(parts);
  return [...notes];
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
  return expandIf(v);
}
