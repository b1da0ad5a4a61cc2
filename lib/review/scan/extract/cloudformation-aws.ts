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
