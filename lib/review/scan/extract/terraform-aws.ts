/**
 * Terraform JSON, AWS: `aws_iam_role.assume_role_policy` (literal JSON or a reference to a
 * `data.aws_iam_policy_document`), unattached policy documents, and session-time network limits
 * of inline and attached role policies.
 */
import { AwsRoleContext, awsStatementsToTrusts, notAnalysable, RawStatement, rawStatements, sessionNetwork } from './aws-policy';
import { renderPolicyDocument } from './policy-document';
import { tfMetadata, tfRef, tfResources } from './terraform';
import { explainUnknown, hasInterpolation, knownString, literalOrRaw } from './terraform-config';
import { TrustRelationship } from './types';
import { asArray, isObj, normalizeIssuer, Obj } from './util';
import { truncate } from '../../../model/text';

/** A policy's statements, and what of it could not be seen (RenderedPolicyDocument; a JSON policy hides nothing). */
interface ReadPolicy {
  readonly statements: RawStatement[];
  readonly unresolved: string[];
  readonly generated?: boolean;
  readonly unknownPrincipal?: number[];
}

/**
 * A policy whose statements could not all be read still yields a trust: not analysable, never
 * silence, when what is unknown could be a web-identity trust (generated statements, merged
 * documents, a web-identity statement whose effect or principal type is unknown); a service's trust
 * or a permission policy with an unknown value is not one.
 */
function docTrusts(ctx: AwsRoleContext, read: ReadPolicy): TrustRelationship[] {
  const { statements } = read;
  const effectUnknown = (s: RawStatement) => typeof s.effect === 'string' && hasInterpolation(s.effect);
  const unresolved = [...read.unresolved, ...statements.flatMap((s, i) => (effectUnknown(s) ? [`statement ${i}: effect is unresolved (${ctx.explain?.(s.effect) ?? 'not a literal value'})`] : []))];
  const trusts = awsStatementsToTrusts(ctx, statements, unresolved);
  if (trusts.length > 0 || unresolved.length === 0) return trusts;
  const webIdentity = (s: RawStatement) => asArray(s.action).some(a => typeof a === 'string' && /^(sts:(AssumeRoleWithWebIdentity|\*)|\*)$/i.test(a));
  const mayTrust = read.generated === true || statements.some((s, i) => webIdentity(s) && (effectUnknown(s) || read.unknownPrincipal?.includes(i)));
  return mayTrust ? [notAnalysable(ctx, unresolved.join('; '))] : trusts;
}

/** The module's OIDC providers whose URL is known: name → issuer URL and client IDs. */
function oidcProviders(tf: Obj): Map<string, { url: string; clientIds: string[] }> {
  const providers = new Map<string, { url: string; clientIds: string[] }>();
  for (const [name, body] of tfResources(tf, 'resource', 'aws_iam_openid_connect_provider')) {
    const url = typeof body.url === 'string' ? knownString(body.url) : undefined;
    if (url !== undefined) providers.set(name, { url: normalizeIssuer(url), clientIds: asArray(body.client_id_list).map(literalOrRaw) });
  }
  return providers;
}

/** `${aws_iam_openid_connect_provider.NAME.ATTR}`, a reference to an OIDC provider of the module (its `arn` and its `id` are the ARN). */
const PROVIDER_REFERENCE = String.raw`\$\{aws_iam_openid_connect_provider\.([\w-]+)\.(arn|url|id)\}`;
const PROVIDER_REFERENCES = new RegExp(PROVIDER_REFERENCE, 'g');
const PROVIDER_ARN_REFERENCE = new RegExp(`^${PROVIDER_REFERENCE}$`);

/** The provider a whole string names by its ARN (`arn` or `id`); undefined for anything else. */
export function providerArnReference(s: string): string | undefined {
  const m = PROVIDER_ARN_REFERENCE.exec(s);
  return m && m[2] !== 'url' ? m[1] : undefined;
}

/**
 * References to the module's OIDC providers replaced by what they are (`…url` without `https://`
 * as a condition-key prefix, `…arn` as the provider's ARN with an unknown account); other
 * interpolations left as written.
 */
export function providerSubstitution(tf: Obj): (s: string) => string {
  const providers = oidcProviders(tf);
  return (s: string): string => s
    .replace(/\$\{replace\(aws_iam_openid_connect_provider\.([\w-]+)\.url,\s*"https:\/\/",\s*""\)\}/g, (m, n: string) => {
      const p = providers.get(n);
      return p ? p.url.replace(/^https:\/\//, '') : m;
    })
    .replace(PROVIDER_REFERENCES, (m, n: string, attr: string) => {
      const p = providers.get(n);
      if (!p) return m;
      return attr === 'url' ? p.url.replace(/^https:\/\//, '') : `arn:aws:iam::ACCOUNT:oidc-provider/${p.url.replace(/^https:\/\//, '')}`;
    });
}

export function extractTfAws(file: string, tf: Obj): TrustRelationship[] {
  const providers = oidcProviders(tf);
  const clientIds = new Map<string, string[]>();
  for (const p of providers.values()) clientIds.set(p.url, [...(clientIds.get(p.url) ?? []), ...p.clientIds]);
  const subst = providerSubstitution(tf);
  // Terraform escapes a literal `${` as `$${`; after substitution that is an IAM policy variable.
  // A value that still holds an interpolation after substitution is unknown here (reported by name).
  const value = (v: unknown): string | undefined => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    return knownString(subst(String(v)));
  };
  const skeleton = (v: unknown): string | undefined => {
    if (typeof v !== 'string') return undefined;
    const s = subst(v);
    return hasInterpolation(s) ? s : undefined;
  };
  // An OIDC provider ARN built from an unknown partition or account still names its issuer.
  const federated = (v: unknown): string | undefined => {
    if (typeof v !== 'string') return value(v);
    const s = subst(v);
    const m = /^arn:[^:]*:iam::[^:]*:oidc-provider\/(.+)$/.exec(s);
    return m && !hasInterpolation(m[1]) ? s.replace(/\$\$\{/g, '${') : value(v);
  };
  const explain = (v: unknown): string => explainUnknown(typeof v === 'string' ? subst(v) : v);

  const docStatements = (body: Obj): ReadPolicy => {
    const { policy, ...hidden } = renderPolicyDocument(body, { key: subst, explain });
    return { statements: rawStatements(policy), ...hidden };
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
      skeleton,
      resolveConditionBlock: v => (isObj(v) ? v : undefined),
      clientIds,
      explain,
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
      out.push(...docTrusts({ ...ctx, metadata: [...ctx.metadata, ...tfMetadata(doc[1])] }, docStatements(doc[1])));
      continue;
    }
    const parsed = typeof arp === 'string' ? parsePolicy(subst(arp)) : isObj(arp) ? arp : undefined;
    if (!parsed) {
      if (arp !== undefined) {
        const why = typeof arp === 'string' && hasInterpolation(subst(arp)) ? `: ${explain(arp)}` : '';
        out.push(notAnalysable(ctx, `assume_role_policy is not literal JSON (${truncate(String(arp), 80)})${why}`));
      }
      continue;
    }
    out.push(...docTrusts(ctx, { statements: rawStatements(parsed), unresolved: [] }));
  }

  // Policy documents not attached to a role in this file are still reported (checkov CKV_AWS_358 scope).
  for (const [name, body] of tfResources(tf, 'data', 'aws_iam_policy_document')) {
    if (usedDocs.has(name)) continue;
    const read = docStatements(body);
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
      skeleton,
      resolveConditionBlock: v => (isObj(v) ? v : undefined),
      clientIds,
      explain,
    };
    out.push(...docTrusts(ctx, read));
  }
  return out;
}

