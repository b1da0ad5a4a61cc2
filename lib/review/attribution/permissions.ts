/**
 * What a principal can do, next to who can use it, summarised from the artifact so a reviewer can
 * judge "a read-only role for pull requests": an AWS role's managed policies and the actions of its
 * inline and attached policies; GCP and Azure principals carry their role and scope in their label.
 */
import { LoadedFile } from '../scan/extract';
import { asArray, isObj, Obj } from '../scan/extract/util';

const SHOWN_ACTIONS = 6;

/** A few intrinsics, enough for the ARNs CDK writes (`arn:${AWS::Partition}:iam::aws:policy/…`). */
function cfnText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!isObj(v)) return undefined;
  if (typeof v.Ref === 'string') return ({ 'AWS::Partition': 'aws', 'AWS::AccountId': 'ACCOUNT', 'AWS::Region': 'REGION', 'AWS::URLSuffix': 'amazonaws.com' } as Record<string, string>)[v.Ref];
  const j = v['Fn::Join'];
  if (Array.isArray(j) && j.length === 2 && Array.isArray(j[1])) {
    const parts = j[1].map(cfnText);
    return parts.every(p => p !== undefined) ? parts.join(String(j[0])) : undefined;
  }
  const sub = v['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{AWS::Partition\}/g, 'aws').replace(/\$\{AWS::AccountId\}/g, 'ACCOUNT');
  return undefined;
}

function managedArn(arn: string): string {
  const aws = /:iam::aws:policy\/(.+)$/.exec(arn);
  if (aws) return `AWS managed policy ${aws[1]}`;
  const own = /:policy\/(.+)$/.exec(arn);
  return own ? `managed policy ${own[1]}` : `managed policy ${arn}`;
}

/** One policy document in a line: the actions it allows (and denies), on how many resources. */
export function summarisePolicy(label: string, doc: unknown): string | undefined {
  let d = doc;
  if (typeof d === 'string') {
    try {
      d = JSON.parse(d);
    } catch {
      return `${label}: not readable`;
    }
  }
  if (!isObj(d)) return `${label}: not readable`;
  const statements = asArray(d.Statement).filter(isObj);
  const list = (effect: string) => {
    const st = statements.filter(s => s.Effect === effect);
    const actions = [...new Set(st.flatMap(s => asArray(s.Action ?? s.NotAction).map(a => (s.NotAction ? `all but ${String(a)}` : String(a)))))].sort();
    const resources = new Set(st.flatMap(s => asArray(s.Resource ?? s.NotResource).map(r => JSON.stringify(r))));
    return { actions, resources, conditional: st.some(s => s.Condition !== undefined) };
  };
  const allow = list('Allow');
  const deny = list('Deny');
  const show = (a: string[]) => (a.length > SHOWN_ACTIONS ? `${a.slice(0, SHOWN_ACTIONS).join(', ')} and ${a.length - SHOWN_ACTIONS} more` : a.join(', '));
  const on = (r: Set<string>) => (r.has('"*"') ? 'on all resources' : `on ${r.size} resource${r.size === 1 ? '' : 's'}`);
  const parts: string[] = [];
  if (allow.actions.length) parts.push(`allows ${show(allow.actions)} ${on(allow.resources)}`);
  if (deny.actions.length) parts.push(`denies ${show(deny.actions)} ${on(deny.resources)}${deny.conditional ? ' (conditional)' : ''}`);
  return parts.length ? `${label}: ${parts.join('; ')}` : undefined;
}

/** The permissions of an AWS role, one line per managed policy and per policy document. */
export function awsRolePermissions(file: LoadedFile | undefined, resource: string): string[] {
  const json = file?.json;
  if (!isObj(json)) return [];
  const out: string[] = [];
  if (isObj(json.Resources)) {
    const resources: Obj = json.Resources;
    const props: Obj = isObj(resources[resource]?.Properties) ? resources[resource].Properties : {};
    for (const arn of asArray(props.ManagedPolicyArns)) {
      const ref = isObj(arn) && typeof arn.Ref === 'string' ? resources[arn.Ref] : undefined;
      if (isObj(ref) && ref.Type === 'AWS::IAM::ManagedPolicy') {
        const s = summarisePolicy(`managed policy ${arn.Ref}`, ref.Properties?.PolicyDocument);
        if (s) out.push(s);
        continue;
      }
      const text = cfnText(arn);
      out.push(text ? managedArn(text) : 'managed policy (unresolved ARN)');
    }
    for (const p of asArray(props.Policies).filter(isObj)) {
      const s = summarisePolicy(`inline policy ${cfnText(p.PolicyName) ?? '?'}`, p.PolicyDocument);
      if (s) out.push(s);
    }
    const roleName = props.RoleName;
    for (const id of Object.keys(resources).sort()) {
      const r = resources[id];
      if (!isObj(r) || !['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy'].includes(r.Type)) continue;
      const targets = r.Type === 'AWS::IAM::RolePolicy' ? [r.Properties?.RoleName] : asArray(r.Properties?.Roles);
      const isRole = (t: unknown) => (isObj(t) && t.Ref === resource) || (roleName !== undefined && JSON.stringify(t) === JSON.stringify(roleName));
      if (!targets.some(isRole)) continue;
      const s = summarisePolicy(`policy ${id}`, r.Properties?.PolicyDocument);
      if (s) out.push(s);
    }
    return out;
  }
  // Terraform: aws_iam_role.NAME
  const name = resource.startsWith('aws_iam_role.') ? resource.slice('aws_iam_role.'.length) : undefined;
  const body = name !== undefined ? json.resource?.aws_iam_role?.[name] : undefined;
  if (!isObj(body)) return out;
  const refersToRole = (v: unknown) => typeof v === 'string' && new RegExp(`^\\$\\{aws_iam_role\\.${name!.replace(/[-]/g, '\\-')}\\.(name|id)\\}$`).test(v);
  for (const arn of asArray(body.managed_policy_arns)) out.push(managedArn(String(arn)));
  for (const p of asArray(body.inline_policy).filter(isObj)) {
    const s = summarisePolicy(`inline policy ${p.name ?? '?'}`, p.policy);
    if (s) out.push(s);
  }
  const group = (type: string): [string, Obj][] => {
    const all: Obj = isObj(json.resource?.[type]) ? json.resource[type] : {};
    return Object.keys(all).sort().filter(n => isObj(all[n])).map(n => [n, all[n]]);
  };
  for (const [n, a] of group('aws_iam_role_policy_attachment')) if (refersToRole(a.role)) out.push(`${managedArn(String(a.policy_arn))} (aws_iam_role_policy_attachment.${n})`);
  for (const [n, p] of group('aws_iam_role_policy')) {
    if (!refersToRole(p.role)) continue;
    const s = summarisePolicy(`aws_iam_role_policy.${n}`, p.policy);
    if (s) out.push(s);
  }
  return out;
}
