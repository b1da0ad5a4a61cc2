/**
 * What explain gives the simulators for a Terraform input (Terraform JSON, HCL or a plan): the
 * module as the review read it (variables, locals and functions evaluated), written back as
 * Terraform JSON for the GCP and Azure simulators, and, for an AWS role, a CloudFormation template
 * of its trust policy (JSON, or a policy document rendered as the AWS provider renders it) and the
 * OIDC providers the policy names, for the AWS simulator. This only translates, exactly or not at
 * all: what it cannot write (a value unknown until plan or apply) is a reason, and the principal
 * is "not simulated".
 */
import { terraformLiteral } from '../../emit/terraform';
import { TerraformModule } from '../scan/extract';
import { renderPolicyDocument } from '../scan/extract/policy-document';
import { providerArnReference, providerSubstitution } from '../scan/extract/terraform-aws';
import { explainUnknown, knownString } from '../scan/extract/terraform-config';
import { asArray, isObj, Obj } from '../scan/extract/util';

/** The module a principal's resource is in, and its address there (`module.a.x.y` is `x.y` of module.a). */
export function moduleOf(modules: readonly TerraformModule[], file: string, resource: string)
  : { module: TerraformModule; local: string } | undefined {
  for (const module of modules) {
    if (!module.files.some((f) => f.file === file)) continue;
    const prefix = module.modulePath ? `${module.modulePath}.` : '';
    if (!resource.startsWith(prefix)) continue;
    const local = resource.slice(prefix.length);
    if (!local.startsWith('module.')) return { module, local };
  }
  return undefined;
}

/**
 * The module as the Terraform JSON a simulator reads: each known string written as a Terraform
 * literal (`${` as `$${`, `%{` as `%%{`), each unknown one as its expression (which the simulators
 * refuse, naming it).
 */
export function asTerraformJson(v: unknown): unknown {
  if (typeof v === 'string') {
    const known = knownString(v);
    return known === undefined ? v : terraformLiteral(known);
  }
  if (Array.isArray(v)) return v.map(asTerraformJson);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asTerraformJson(x)]));
  return v;
}

/**
 * A template of the role's trust policy, each OIDC provider of the module the policy names by
 * reference (`aws_iam_openid_connect_provider.x.arn` or `.id`) a resource of it with its URL and client IDs,
 * so the simulator checks the audience as STS does; or why it cannot be written.
 */
export function awsTemplateOf(tf: Obj, role: string): { template: Obj; logicalId: string } | string {
  const name = role.replace(/^aws_iam_role\./, '');
  const roles = isObj(tf.resource) && isObj(tf.resource.aws_iam_role) ? tf.resource.aws_iam_role : {};
  const body = isObj(roles[name]) ? roles[name] : undefined;
  const arp = body?.assume_role_policy;
  if (typeof arp !== 'string') return `not simulated: ${role} has no assume_role_policy the review could read`;
  const keyOf = providerSubstitution(tf);
  let policy: unknown;
  const doc = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(arp);
  if (doc) {
    // Rendered as the AWS provider renders it (the review reads the same rendering).
    const docs = isObj(tf.data) && isObj(tf.data.aws_iam_policy_document) ? tf.data.aws_iam_policy_document : {};
    const document = docs[doc[1]];
    if (!isObj(document)) return `not simulated: the trust policy is data.aws_iam_policy_document.${doc[1]}, which is not in this module`;
    const rendered = renderPolicyDocument(document, { key: keyOf, explain: explainUnknown });
    if (rendered.unresolved.length) return `not simulated: data.aws_iam_policy_document.${doc[1]}: ${rendered.unresolved.join('; ')}`;
    policy = rendered.policy;
  } else {
    try {
      policy = JSON.parse(arp);
    } catch {
      return `not simulated: the trust policy is not known JSON (${explainUnknown(arp)})`;
    }
  }
  const providers = isObj(tf.resource) && isObj(tf.resource.aws_iam_openid_connect_provider) ? tf.resource.aws_iam_openid_connect_provider : {};
  const resources: Obj = {};
  const named = new Map<string, string>();
  const problems: string[] = [];
  const key = (k: string): string => {
    const known = knownString(keyOf(k));
    if (known === undefined) problems.push(`the key ${JSON.stringify(k)} ${explainUnknown(k)}`);
    return known ?? k;
  };
  const value = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(value);
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [key(k), value(x)]));
    if (typeof v !== 'string') return v;
    const ref = providerArnReference(v);
    if (ref !== undefined) {
      const p = isObj(providers[ref]) ? providers[ref] : undefined;
      const url = typeof p?.url === 'string' ? knownString(p.url) : undefined;
      const clientIds = asArray(p?.client_id_list).map((c) => (typeof c === 'string' ? knownString(c) : undefined));
      if (!p || url === undefined || clientIds.some((c) => c === undefined)) {
        problems.push(`aws_iam_openid_connect_provider.${ref} ${p ? 'has a URL or client ID that is not known' : 'is not in this module'}`);
        return v;
      }
      let logicalId = named.get(ref);
      if (logicalId === undefined) {
        logicalId = `OidcProvider${named.size}`;
        named.set(ref, logicalId);
        resources[logicalId] = { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: url, ClientIdList: clientIds } };
      }
      return { Ref: logicalId };
    }
    const known = knownString(v);
    if (known === undefined) problems.push(`${JSON.stringify(v)} ${explainUnknown(v)}`);
    return known ?? v;
  };
  const statements = value(policy);
  if (problems.length) return `not simulated: the trust policy holds values that are not known: ${problems.join('; ')}`;
  resources.Role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: statements } };
  return { template: { Resources: resources }, logicalId: 'Role' };
}
