/**
 * An IAM web-identity Allow statement as alternatives over the token (constraints.ts): the issuer
 * from the Federated ARN, `<issuer>:<claim>` keys as claim tests, `aws:RequestTag/<claim>` as
 * session-tag tests, the network keys as request tests, the provider's ClientIdList as audiences.
 * Read on the review's own terms (IAM's documented condition semantics), not the simulator's code.
 */
import { Conj, iamGlob, iamLiteral, NetworkTest } from './constraints';
import { AwsCondition, TrustRelationship } from '../scan/extract';

const NETWORK: Record<string, NetworkTest['key']> = {
  'aws:sourceip': 'aws:SourceIp',
  'aws:vpcsourceip': 'aws:VpcSourceIp',
  'aws:sourcevpc': 'aws:SourceVpc',
  'aws:sourcevpce': 'aws:SourceVpce',
};

/** IAM action patterns (case-insensitive globs) allow `action`? */
function allows(patterns: readonly string[], action: string): boolean {
  return patterns.some(p => new RegExp(`^${p.replace(/[.+^$()|[\]{}\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action));
}

function issuerOfArn(arn: string): string | undefined {
  const m = /:oidc-provider\/(.+)$/.exec(arn);
  return m ? `https://${m[1].replace(/\/+$/, '')}` : undefined;
}

/** The alternatives of one statement (one per Federated issuer: keys of another issuer are absent). */
export function awsStatementConjs(t: TrustRelationship): Conj[] {
  const aws = t.aws!;
  const opaque = [...t.unresolved, ...(t.assumptions ?? [])];
  if (!allows(aws.actions, 'sts:AssumeRoleWithWebIdentity') && aws.actions.length) {
    return [{ tests: [], never: 'the statement does not allow sts:AssumeRoleWithWebIdentity' }];
  }
  const issuers = [...new Set(aws.federated.map(issuerOfArn).filter((x): x is string => x !== undefined))].sort();
  if (aws.federated.some(f => f === '*' || f.includes('*') || f === '(unresolved)')) opaque.push('the Federated principal is a wildcard or unresolved');
  if (issuers.length === 0) issuers.push(t.issuer ?? '');
  const tagSession = allows(aws.actions, 'sts:TagSession');
  return issuers.map(issuer => readFor(issuer, aws.conditions, tagSession, t.audiences, opaque));
}

function readFor(issuer: string, conditions: readonly AwsCondition[], tagSession: boolean, clientIds: readonly string[], opaqueIn: string[]): Conj {
  const prefix = issuer.replace(/^https:\/\//, '').toLowerCase();
  const tests: Conj['tests'][number][] = [];
  const network: NetworkTest[] = [];
  const opaque = [...opaqueIn];
  let never: string | undefined;
  let tagged = false;
  if (issuer) tests.push({ kind: 'eq', claim: 'iss', values: [issuer] });
  // STS rejects a token whose aud is not in the provider's client-id list.
  if (clientIds.length) tests.push({ kind: 'eq', claim: 'aud', values: [...clientIds] });
  for (const c of conditions) {
    const m = /^(ForAllValues:|ForAnyValue:)?(.+?)(IfExists)?$/.exec(c.operator)!;
    const op = m[2];
    const shown = `${c.operator} ${c.key}`;
    if (m[1] || m[3]) {
      opaque.push(`${shown} (set or IfExists operator)`);
      continue;
    }
    const lower = c.key.toLowerCase();
    if (NETWORK[lower]) {
      if ((lower.endsWith('ip') && op === 'IpAddress') || (!lower.endsWith('ip') && op === 'StringEquals')) network.push({ key: NETWORK[lower], values: [...c.values] });
      else opaque.push(shown);
      continue;
    }
    const tag = /^aws:requesttag\/(.+)$/i.exec(c.key);
    const at = c.key.lastIndexOf(':');
    let claim: string | undefined;
    if (tag) {
      claim = c.key.slice('aws:RequestTag/'.length);
      tagged = true;
    } else if (at > 0 && c.key.slice(0, at).toLowerCase() === prefix) {
      claim = c.key.slice(at + 1);
    } else if (at > 0 && !/^(aws|sts)$/i.test(c.key.slice(0, at)) && !c.key.includes('${')) {
      // A key of another issuer is absent from this issuer's tokens: a positive test on it fails.
      never ??= `${shown} names another issuer's claim, which tokens of ${issuer} never carry`;
      continue;
    }
    if (claim === undefined || (op !== 'StringEquals' && op !== 'StringLike')) {
      opaque.push(shown);
      continue;
    }
    if (op === 'StringEquals') {
      const values = c.values.map(iamLiteral);
      // A value with a policy variable could be anything: the test is left undecided, not narrowed.
      if (values.some(v => v === undefined)) opaque.push(`${shown} (policy variable)`);
      else tests.push({ kind: 'eq', claim, values: values as string[], ...(tag ? { tag: true } : {}) });
    } else {
      const globs = c.values.map(iamGlob);
      if (globs.some(g => g === undefined)) {
        opaque.push(`${shown} (policy variable)`);
        continue;
      }
      tests.push({ kind: 'glob', claim, globs: globs as NonNullable<typeof globs[number]>[], ...(tag ? { tag: true } : {}) });
    }
  }
  const tags: Conj['tags'] = tagged ? 'required' : tagSession ? undefined : 'forbidden';
  if (tagged && !tagSession) never ??= 'the statement tests session tags but does not allow sts:TagSession';
  return { tests, network, ...(tags ? { tags } : {}), opaque, ...(never ? { never } : {}) };
}
