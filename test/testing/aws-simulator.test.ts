import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import fc from 'fast-check';
import { compileAwsTrust } from '../../lib/aws/compile';
// The compiler's writing side and the simulator's own reading side: the round trips below check one against the other.
import { escapeIamLiteral, iamGlobToString, isIamPolicyCharset as compilerCharset, likePattern } from '../../lib/aws/iam-strings';
import { BitbucketPipelines } from '../../lib/ci/bitbucket';
import { AwsTrustSimulator, SimulationRequest, SimulationResult } from '../../lib/testing';
import { iamLiteralValue, isIamPolicyCharset, matchIamString, unresolvedPolicyVariables } from '../../lib/testing/aws/private/iam-strings';
import { corpusTokens } from '../support/corpus';
import { webIdentityRole } from '../support/templates';

// Decoded CI token payloads as published (test/corpus/README.md).
const CORPUS = corpusTokens();

const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::123456789012:oidc-provider/${GH}`;
const BK = 'agent.buildkite.com';
const BK_ARN = `arn:aws:iam::123456789012:oidc-provider/${BK}`;

/** A GitHub-shaped token with the configure-aws-credentials audience. */
function ghClaims(extra: { [k: string]: any } = {}): { [k: string]: any } {
  return {
    iss: `https://${GH}`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/api:ref:refs/heads/main',
    repository_owner: 'Acme',
    ref_protected: 'true',
    groups: ['dev', 'ops'],
    ...extra,
  };
}

/** One-statement trust policy for the GitHub provider with the given Condition. */
function ghTrust(condition?: any, action: any = 'sts:AssumeRoleWithWebIdentity'): any {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: GH_ARN }, Action: action, ...(condition ? { Condition: condition } : {}) }],
  };
}

function assume(policy: any, request: Partial<SimulationRequest> = {}): SimulationResult {
  return AwsTrustSimulator.fromPolicyDocument(policy).evaluate({ claims: ghClaims(), ...request });
}

/** Some line of the trace (every check made) contains the fragment. */
function has(sim: SimulationResult, fragment: string): boolean {
  return sim.trace.some((r) => r.includes(fragment));
}

// ---------------------------------------------------------------------------------------------
describe('iam-strings (compiler escapes, simulator reading)', () => {
  test('escapeIamLiteral writes $ always, and * ? only for StringLike', () => {
    expect(escapeIamLiteral('a$b*c?d', 'StringEquals')).toBe('a${$}b*c?d');
    expect(escapeIamLiteral('a$b*c?d', 'StringLike')).toBe('a${$}b${*}c${?}d');
    expect(escapeIamLiteral('${aws:username}', 'StringEquals')).toBe('${$}{aws:username}');
    expect(escapeIamLiteral('', 'StringLike')).toBe('');
  });

  test('likePattern / iamGlobToString join escaped literal parts with a real *', () => {
    expect(likePattern(['repo:acme/api:ref:refs/heads/', ''])).toBe('repo:acme/api:ref:refs/heads/*');
    expect(likePattern(['a*', '?b$'])).toBe('a${*}*${?}b${$}');
    expect(iamGlobToString({ parts: ['x', 'y', 'z'] })).toBe('x*y*z');
    expect(() => likePattern([])).toThrow(/at least one/);
  });

  test('StringLike: * spans anything (empty, :, /, newline); ? is exactly one code point', () => {
    expect(matchIamString('StringLike', 'repo:acme/*', 'repo:acme/api:ref:refs/heads/main')).toBe(true);
    expect(matchIamString('StringLike', 'a*b', 'ab')).toBe(true);
    expect(matchIamString('StringLike', 'a*b', 'a:\n/b')).toBe(true);
    expect(matchIamString('StringLike', 'a?b', 'a😀b')).toBe(true); // one code point, two UTF-16 units
    expect(matchIamString('StringLike', 'a??b', 'a😀b')).toBe(false);
    expect(matchIamString('StringLike', 'a?b', 'ab')).toBe(false);
    expect(matchIamString('StringLike', '*', '')).toBe(true);
    expect(matchIamString('StringLike', 'repo:ACME/*', 'repo:acme/api')).toBe(false); // case-sensitive
    expect(matchIamString('StringLike', 'repo:acme*', 'repo:acme-evil/x')).toBe(true); // the F2 hazard (docs/security.md#f2)
  });

  test('StringEquals is exact and case-sensitive; * and ? are literal', () => {
    expect(matchIamString('StringEquals', 'repo:acme/*', 'repo:acme/api')).toBe(false);
    expect(matchIamString('StringEquals', 'repo:acme/*', 'repo:acme/*')).toBe(true);
    expect(matchIamString('StringEquals', 'Acme', 'acme')).toBe(false);
  });

  test('${*} ${?} ${$} are literals; other variables are unresolvable', () => {
    expect(matchIamString('StringLike', 'a${*}', 'a*')).toBe(true);
    expect(matchIamString('StringLike', 'a${*}', 'ab')).toBe(false);
    expect(matchIamString('StringLike', 'a${?}', 'ab')).toBe(false);
    expect(matchIamString('StringLike', 'a${?}', 'a?')).toBe(true);
    expect(matchIamString('StringEquals', 'a${$}{b}', 'a${b}')).toBe(true);
    expect(matchIamString('StringEquals', 'price$5', 'price$5')).toBe(true); // a lone $ is literal
    expect(matchIamString('StringEquals', 'repo:${aws:username}/x', 'repo:bob/x')).toBe('unresolvable');
    expect(matchIamString('StringLike', 'a${', 'a${')).toBe('unresolvable'); // unterminated: never guessed
    expect(unresolvedPolicyVariables('x${aws:username}${*}${aws:PrincipalTag/team}')).toEqual(['${aws:username}', '${aws:PrincipalTag/team}']);
    // The 2008-10-17 language has no variables: the text is literal.
    expect(matchIamString('StringEquals', '${aws:username}', '${aws:username}', { policyVariables: false })).toBe(true);
    expect(iamLiteralValue('a${$}b${*}', 'StringLike')).toBe('a$b*');
    expect(iamLiteralValue('a*', 'StringLike')).toBeUndefined();
  });

  test('StringEqualsIgnoreCase folds simple per-character case only', () => {
    expect(matchIamString('StringEqualsIgnoreCase', 'ACME', 'acme')).toBe(true);
    expect(matchIamString('StringEqualsIgnoreCase', 'ÉTÉ', 'été')).toBe(true);
    expect(matchIamString('StringEqualsIgnoreCase', 'straße', 'STRASSE')).toBe(false); // no 1:2 folding
    expect(matchIamString('StringEqualsIgnoreCase', 'a*', 'AB')).toBe(false); // no wildcards
  });

  test.each([['compiler', compilerCharset], ['simulator', isIamPolicyCharset]] as const)('isIamPolicyCharset (%s): tab, LF, CR and U+0020-U+00FF only', (_side, charset) => {
    expect(charset('repo:acme/api\t\r\nÿ')).toBe(true);
    expect(charset('prоd')).toBe(false); // Cyrillic о
    expect(charset('\u0000')).toBe(false);
    expect(charset('😀')).toBe(false);
    expect(charset('Ā')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('condition operators (hand-written policies)', () => {
  const K = (claim: string) => `${GH}:${claim}`;
  const cases: Array<[string, any, boolean, Partial<SimulationRequest>?]> = [
    ['StringEquals match', { StringEquals: { [K('sub')]: 'repo:acme/api:ref:refs/heads/main' } }, true],
    ['StringEquals case-sensitive', { StringEquals: { [K('sub')]: 'repo:Acme/api:ref:refs/heads/main' } }, false],
    ['StringEquals * is literal', { StringEquals: { [K('sub')]: 'repo:acme/*' } }, false],
    ['StringEquals absent key', { StringEquals: { [K('environment')]: 'prod' } }, false],
    ['StringNotEquals other', { StringNotEquals: { [K('sub')]: 'repo:evil/x' } }, true],
    ['StringNotEquals same', { StringNotEquals: { [K('sub')]: 'repo:acme/api:ref:refs/heads/main' } }, false],
    ['StringNotEquals absent key is true', { StringNotEquals: { [K('environment')]: 'prod' } }, true],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { [K('repository_owner')]: 'acme' } }, true],
    ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { [K('repository_owner')]: 'ACME' } }, false],
    ['StringLike *', { StringLike: { [K('sub')]: 'repo:acme/api:*' } }, true],
    ['StringLike ?', { StringLike: { [K('sub')]: 'repo:acme/api:ref:refs/heads/ma?n' } }, true],
    ['StringLike ? is one char', { StringLike: { [K('sub')]: 'repo:acme/api:ref:refs/heads/m?n' } }, false],
    ['StringLike case-sensitive', { StringLike: { [K('sub')]: 'repo:ACME/*' } }, false],
    ['StringNotLike other', { StringNotLike: { [K('sub')]: 'repo:evil/*' } }, true],
    ['StringNotLike same', { StringNotLike: { [K('sub')]: 'repo:acme/*' } }, false],
    ['StringNotLike absent key is true', { StringNotLike: { [K('environment')]: '*' } }, true],
    ['Bool true', { Bool: { [K('ref_protected')]: 'true' } }, true],
    ['Bool boolean JSON value', { Bool: { [K('ref_protected')]: true } }, true],
    ['Bool false', { Bool: { [K('ref_protected')]: 'false' } }, false],
    ['Null true on absent key', { Null: { [K('environment')]: 'true' } }, true],
    ['Null true on present key', { Null: { [K('sub')]: 'true' } }, false],
    ['Null false on present key', { Null: { [K('sub')]: 'false' } }, true],
    ['Null false on absent key', { Null: { [K('environment')]: 'false' } }, false],
    ['ForAllValues absent key is TRUE (F9 hazard)', { 'ForAllValues:StringEquals': { [K('environment')]: ['prod'] } }, true],
    ['ForAllValues subset', { 'ForAllValues:StringEquals': { [K('groups')]: ['dev', 'ops', 'qa'] } }, true],
    ['ForAllValues not subset', { 'ForAllValues:StringEquals': { [K('groups')]: ['dev'] } }, false],
    ['ForAnyValue absent key is false', { 'ForAnyValue:StringEquals': { [K('environment')]: ['prod'] } }, false],
    ['ForAnyValue overlap', { 'ForAnyValue:StringEquals': { [K('groups')]: ['ops', 'qa'] } }, true],
    ['ForAnyValue no overlap', { 'ForAnyValue:StringLike': { [K('groups')]: ['q*'] } }, false],
    ['ForAnyValue:StringNotEquals (one value differs)', { 'ForAnyValue:StringNotEquals': { [K('groups')]: ['dev'] } }, true],
    ['ForAllValues:StringNotEquals (one value listed)', { 'ForAllValues:StringNotEquals': { [K('groups')]: ['dev'] } }, false],
    ['plain StringEquals on multivalued: any element', { StringEquals: { [K('groups')]: 'ops' } }, true],
    ['plain StringNotEquals on multivalued: none may match', { StringNotEquals: { [K('groups')]: 'ops' } }, false],
    ['IfExists absent is true', { StringEqualsIfExists: { [K('environment')]: 'prod' } }, true],
    ['IfExists present mismatch', { StringEqualsIfExists: { [K('sub')]: 'repo:evil/x' } }, false],
    ['StringLikeIfExists present match', { StringLikeIfExists: { [K('sub')]: 'repo:acme/*' } }, true],
    ['ForAnyValue + IfExists absent is true', { 'ForAnyValue:StringEqualsIfExists': { [K('environment')]: ['prod'] } }, true],
    ['values OR', { StringEquals: { [K('sub')]: ['repo:evil/x', 'repo:acme/api:ref:refs/heads/main'] } }, true],
    ['keys AND', { StringEquals: { [K('sub')]: 'repo:acme/api:ref:refs/heads/main', [K('aud')]: 'other' } }, false],
    ['operators AND', { StringEquals: { [K('sub')]: 'repo:acme/api:ref:refs/heads/main' }, StringLike: { [K('aud')]: 'x*' } }, false],
    ['condition key names are case-insensitive', { StringEquals: { [`${GH.toUpperCase()}:SUB`]: 'repo:acme/api:ref:refs/heads/main' } }, true],
    ['NumericGreaterThan', { NumericGreaterThan: { [K('run_number')]: '9' } }, true, { claims: ghClaims({ run_number: '10' }) }],
    ['number claims are compared as text', { StringEquals: { [K('build_number')]: '1' } }, true, { claims: ghClaims({ build_number: 1 }) }],
    ['null claim is absent', { Null: { [K('environment')]: 'true' } }, true, { claims: ghClaims({ environment: null }) }],
    ['object claim is absent', { StringEquals: { [K('obj')]: '{}' } }, false, { claims: ghClaims({ obj: {} }) }],
  ];
  // Every row gets 4 cells: jest treats a missing last argument as a `done` callback and waits.
  test.each(cases.map(([n, c, e, r]) => [n, c, e, r ?? {}] as const))('%s', (_name, condition, expected, request) => {
    const sim = assume(ghTrust(condition), request);
    expect(sim.allowed).toBe(expected);
    expect(sim.matched).toEqual(expected ? ['Statement[0] (Allow)'] : []);
  });

  test('reasons name the statement, operator, key, expected values and actual value or absent', () => {
    const sim = assume(
      ghTrust({ 'StringEquals': { [K('sub')]: 'repo:evil/x', [K('environment')]: 'prod' }, 'ForAllValues:StringLike': { [K('workflow')]: 'ci*' } }),
    );
    expect(sim.allowed).toBe(false);
    expect(sim.trace).toContain(
      `Statement[0] (Allow): StringEquals "${GH}:sub": expected one of ["repo:evil/x"], actual "repo:acme/api:ref:refs/heads/main" -> false`,
    );
    expect(sim.trace).toContain(
      `Statement[0] (Allow): StringEquals "${GH}:environment": expected one of ["prod"], actual absent (the token has no such claim) -> false (a positive operator is false when the key is absent)`,
    );
    expect(sim.trace).toContain(
      `Statement[0] (Allow): ForAllValues:StringLike "${GH}:workflow": expected one of ["ci*"], actual absent (the token has no such claim) -> true (ForAllValues is true when the key is absent)`,
    );
    expect(sim.trace[sim.trace.length - 1]).toBe('DENIED: no Allow statement applies to sts:AssumeRoleWithWebIdentity');
  });

  test('IpAddress / NotIpAddress with IPv4 and IPv6 CIDRs', () => {
    const ip = (cidrs: string[], sourceIp: string, op = 'IpAddress') => assume(ghTrust({ [op]: { 'aws:SourceIp': cidrs } }), { sourceIp }).allowed;
    expect(ip(['203.0.113.0/24'], '203.0.113.7')).toBe(true);
    expect(ip(['203.0.113.0/24'], '203.0.114.1')).toBe(false);
    expect(ip(['203.0.113.7'], '203.0.113.7')).toBe(true); // bare address = /32
    expect(ip(['203.0.113.7'], '203.0.113.8')).toBe(false);
    expect(ip(['0.0.0.0/0'], '8.8.8.8')).toBe(true);
    expect(ip(['10.1.2.3/8'], '10.200.0.1')).toBe(true); // host bits are ignored
    expect(ip(['2001:db8:abcd::/48'], '2001:db8:abcd:12::1')).toBe(true);
    expect(ip(['2001:db8:abcd::/48'], '2001:db8:abce::1')).toBe(false);
    expect(ip(['2001:DB8::/32'], '2001:0db8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(ip(['::/0'], '2001:db8::1')).toBe(true);
    expect(ip(['::/0'], '192.0.2.1')).toBe(false); // families never cross-match
    expect(ip(['0.0.0.0/0'], '::ffff:192.0.2.1')).toBe(false);
    expect(ip(['::ffff:192.0.2.0/120'], '::ffff:192.0.2.77')).toBe(true);
    expect(ip(['fe80::1/128'], 'fe80::1')).toBe(true);
    expect(ip(['fe80::1/127'], 'fe80::0')).toBe(true);
    expect(ip(['203.0.113.0/24'], 'not-an-ip')).toBe(false);
    expect(ip(['203.0.113.0/24'], '198.51.100.1', 'NotIpAddress')).toBe(true);
    expect(ip(['203.0.113.0/24'], '203.0.113.1', 'NotIpAddress')).toBe(false);
    expect(ip(['203.0.113.0/24'], '2001:db8::1', 'NotIpAddress')).toBe(true); // IPv6 caller is outside an IPv4 allowlist
    // Absent aws:SourceIp: IpAddress false, NotIpAddress true.
    expect(assume(ghTrust({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })).allowed).toBe(false);
    expect(assume(ghTrust({ NotIpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })).allowed).toBe(true);
  });

  test.each(['10.0.0.0/33', '1.2.3', '256.1.1.1', '2001:db8::/129', ':::1', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '10.0.0.0/'])(
    'invalid CIDR %s is rejected at construction (IAM rejects the policy)',
    (cidr) => {
      expect(() => AwsTrustSimulator.fromPolicyDocument(ghTrust({ IpAddress: { 'aws:SourceIp': cidr } }))).toThrow(/not an IPv4\/IPv6 address or CIDR/);
    },
  );

  test('malformed policies are rejected at construction', () => {
    expect(() => AwsTrustSimulator.fromPolicyDocument(ghTrust({ StringEqualz: { [K('sub')]: 'x' } }))).toThrow(/unknown condition operator "StringEqualz"/);
    expect(() => AwsTrustSimulator.fromPolicyDocument(ghTrust({ NullIfExists: { [K('sub')]: 'true' } }))).toThrow(/unknown condition operator/);
    expect(() => AwsTrustSimulator.fromPolicyDocument(ghTrust({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }))).toThrow(/valid IAM but not modelled/);
    expect(() => AwsTrustSimulator.fromPolicyDocument(ghTrust({ Bool: { [K('sub')]: 'yes' } }))).toThrow(/not true\/false/);
    expect(() => AwsTrustSimulator.fromPolicyDocument({ Statement: [{ Effect: 'Alow', Action: '*', Principal: '*' }] })).toThrow(/Effect/);
    expect(() => AwsTrustSimulator.fromPolicyDocument({ Version: '2012-10-17' })).toThrow(/no Statement/);
    expect(() => AwsTrustSimulator.fromPolicyDocument(ghTrust({ StringEquals: { [K('environment')]: 'prоd' } }))).toThrow(/characters IAM policies do not allow/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('policy variables and escapes in emitted values', () => {
  const K = `${GH}:sub`;
  const weird = 'repo:acme/a*b?:ref:refs/heads/$x{y}';

  test('escaped literals match only themselves', () => {
    const pattern = likePattern([weird]);
    expect(pattern).toBe('repo:acme/a${*}b${?}:ref:refs/heads/${$}x{y}');
    expect(assume(ghTrust({ StringLike: { [K]: pattern } }), { claims: ghClaims({ sub: weird }) }).allowed).toBe(true);
    expect(assume(ghTrust({ StringLike: { [K]: pattern } }), { claims: ghClaims({ sub: 'repo:acme/aEVILb!:ref:refs/heads/$x{y}' }) }).allowed).toBe(false);
    // The same text unescaped is a wildcard: the hazard the escaping exists for.
    expect(assume(ghTrust({ StringLike: { [K]: weird } }), { claims: ghClaims({ sub: 'repo:acme/aEVILb!:ref:refs/heads/$x{y}' }) }).allowed).toBe(true);
    expect(assume(ghTrust({ StringEquals: { [K]: escapeIamLiteral(weird, 'StringEquals') } }), { claims: ghClaims({ sub: weird }) }).allowed).toBe(true);
  });

  test('an unknown ${aws:username} variable is no match and is reported', () => {
    const sim = assume(ghTrust({ StringLike: { [K]: ['repo:${aws:username}/*', 'repo:nobody/*'] } }), { claims: ghClaims({ sub: 'repo:${aws:username}/x' }) });
    expect(sim.allowed).toBe(false);
    expect(has(sim, 'policy variable ${aws:username} is not resolved by the simulator; that value is treated as no match')).toBe(true);
  });

  test('the 2008-10-17 policy language reads ${...} literally', () => {
    const policy = { ...ghTrust({ StringEquals: { [K]: 'repo:${aws:username}/x' } }), Version: '2008-10-17' };
    expect(assume(policy, { claims: ghClaims({ sub: 'repo:${aws:username}/x' }) }).allowed).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('statements, principals and actions', () => {
  const sub = `${GH}:sub`;

  test('multiple Allow statements OR', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Main', Effect: 'Allow', Principal: { Federated: GH_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [sub]: 'repo:acme/api:ref:refs/heads/main' } } },
        { Sid: 'Release', Effect: 'Allow', Principal: { Federated: GH_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [sub]: 'repo:acme/api:ref:refs/tags/v*' } } },
      ],
    };
    const main = assume(policy);
    expect(main.allowed).toBe(true);
    expect(main.matched).toEqual(['Statement[0] (Allow, Sid "Main")']);
    const tag = assume(policy, { claims: ghClaims({ sub: 'repo:acme/api:ref:refs/tags/v1.2' }) });
    expect(tag.allowed).toBe(true);
    expect(tag.matched).toEqual(['Statement[1] (Allow, Sid "Release")']);
    expect(tag.trace).toContain('sts:AssumeRoleWithWebIdentity allowed by Statement[1] (Allow, Sid "Release")');
    expect(assume(policy, { claims: ghClaims({ sub: 'repo:acme/api:pull_request' }) }).allowed).toBe(false);
  });

  test('an explicit Deny wins over an Allow', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Federated: GH_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [sub]: 'repo:acme/*' } } },
        { Sid: 'NoPRs', Effect: 'Deny', Principal: '*', Action: 'sts:*', Condition: { StringLike: { [sub]: '*:pull_request' } } },
      ],
    };
    expect(assume(policy).allowed).toBe(true);
    const pr = assume(policy, { claims: ghClaims({ sub: 'repo:acme/api:pull_request' }) });
    expect(pr.allowed).toBe(false);
    expect(pr.matched).toEqual(['Statement[0] (Allow)', 'Statement[1] (Deny, Sid "NoPRs")']);
    expect(pr.trace).toContain(
      'DENIED: explicit Deny of sts:AssumeRoleWithWebIdentity by Statement[1] (Deny, Sid "NoPRs") (an explicit Deny overrides any Allow)',
    );
  });

  test('action must cover sts:AssumeRoleWithWebIdentity (case-insensitive, wildcards); NotAction inverts', () => {
    expect(assume(ghTrust(undefined, 'sts:AssumeRole')).allowed).toBe(false); // FederatedPrincipal's default action
    expect(assume(ghTrust(undefined, 'STS:assumerolewithwebidentity')).allowed).toBe(true);
    expect(assume(ghTrust(undefined, 'sts:AssumeRoleWith*')).allowed).toBe(true);
    expect(assume(ghTrust(undefined, '*')).allowed).toBe(true);
    const notAction = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: GH_ARN }, NotAction: 'sts:TagSession' }] };
    expect(assume(notAction).allowed).toBe(true);
  });

  test('Federated principal must name the provider of the token issuer', () => {
    const other = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: BK_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
    const sim = assume(other);
    expect(sim.allowed).toBe(false);
    expect(has(sim, `does not name the token's provider ${GH_ARN}`)).toBe(true);
    // A provider of the same URL in another account does not match.
    const foreign = ghTrust();
    foreign.Statement[0].Principal.Federated = `arn:aws:iam::999999999999:oidc-provider/${GH}`;
    expect(assume(foreign).allowed).toBe(false);
    expect(AwsTrustSimulator.fromPolicyDocument(foreign, { accountId: '999999999999' }).evaluate({ claims: ghClaims() }).allowed).toBe(true);
    // Array of providers.
    const both = ghTrust();
    both.Statement[0].Principal.Federated = [BK_ARN, GH_ARN];
    expect(assume(both).allowed).toBe(true);
    // A service or AWS principal is not the web-identity caller.
    const svc = ghTrust();
    svc.Statement[0].Principal = { Service: 'ec2.amazonaws.com' };
    expect(assume(svc).allowed).toBe(false);
  });

  test('the token iss and the provider ARN must agree', () => {
    const policy = ghTrust();
    const wrong = assume(policy, { awsProviderArn: BK_ARN });
    expect(wrong.allowed).toBe(false);
    expect(wrong.trace).toContain(`DENIED: token iss "https://${GH}" does not match the provider URL "https://${BK}" of ${BK_ARN}`);
    expect(assume(policy, { awsProviderArn: GH_ARN }).allowed).toBe(true);
    const noIss = assume(policy, { claims: { ...ghClaims(), iss: undefined } });
    expect(noIss.allowed).toBe(false);
    expect(noIss.trace).toContain('DENIED: token has no string "iss" claim: STS cannot find an OIDC provider for it');
    expect(assume(policy, { claims: ghClaims({ iss: `http://${GH}` }) }).allowed).toBe(false);
  });

  test('Fn::Join / Fn::Sub over pseudo parameters resolve with fixed values', () => {
    const join = ghTrust();
    join.Statement[0].Principal.Federated = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:oidc-provider/${GH}`]] };
    expect(assume(join).allowed).toBe(true);
    const viaSub = ghTrust({ StringEquals: { [`${GH}:aud`]: { 'Fn::Sub': 'sts.${AWS::URLSuffix}' } } });
    viaSub.Statement[0].Principal.Federated = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GH}` };
    expect(assume(viaSub).allowed).toBe(true);
    // `${!x}` is CloudFormation's escape for a literal ${x}.
    const bang = ghTrust({ StringEquals: { [`${GH}:sub`]: { 'Fn::Sub': 'repo:${!aws:username}/x' } } });
    expect(has(assume(bang), 'policy variable ${aws:username}')).toBe(true);
    const unresolvable = ghTrust();
    unresolvable.Statement[0].Principal.Federated = { Ref: 'GithubProvider' };
    expect(() => AwsTrustSimulator.fromPolicyDocument(unresolvable)).toThrow(/cannot resolve \{Ref: GithubProvider\}/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('session tags (sts:TagSession)', () => {
  const tagged = CORPUS.find((t) => t.claims['https://aws.amazon.com/tags'] !== undefined)!.claims; // Buildkite doc example
  const untagged = CORPUS.find((t) => t.provider === 'buildkite' && t.claims['https://aws.amazon.com/tags'] === undefined)!.claims;
  const bk = (statements: any[]) => ({ Version: '2012-10-17', Statement: statements });
  const allow = (action: any, condition?: any) => ({ Effect: 'Allow', Principal: { Federated: BK_ARN }, Action: action, ...(condition ? { Condition: condition } : {}) });
  const orgCond = { StringEquals: { 'aws:RequestTag/organization_slug': 'acme-inc' } };
  const run = (policy: any, claims = tagged) => AwsTrustSimulator.fromPolicyDocument(policy).evaluate({ claims });

  test('a tagged token needs sts:TagSession too', () => {
    const sim = run(bk([allow('sts:AssumeRoleWithWebIdentity', orgCond)]));
    expect(sim.allowed).toBe(false);
    expect(sim.trace).toContain(
      'DENIED: no Allow statement applies to sts:TagSession (the token carries session tags, so AssumeRoleWithWebIdentity fails without it)',
    );
    expect(run(bk([allow(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'], orgCond)])).allowed).toBe(true);
    // Without tags, TagSession is not needed.
    expect(run(bk([allow('sts:AssumeRoleWithWebIdentity')]), untagged).allowed).toBe(true);
  });

  test('TagSession may come from another Allow statement, whose conditions must pass', () => {
    expect(run(bk([allow('sts:AssumeRoleWithWebIdentity', orgCond), allow('sts:TagSession', orgCond)])).allowed).toBe(true);
    const failing = run(bk([allow('sts:AssumeRoleWithWebIdentity', orgCond), allow('sts:TagSession', { StringEquals: { 'aws:RequestTag/organization_slug': 'other' } })]));
    expect(failing.allowed).toBe(false);
    expect(failing.matched).toEqual(['Statement[0] (Allow)']);
    const denied = run(bk([allow(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']), { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession' }]));
    expect(denied.allowed).toBe(false);
    expect(has(denied, 'DENIED: explicit Deny of sts:TagSession')).toBe(true);
  });

  test('aws:RequestTag/<k>, aws:TagKeys and absent tags', () => {
    const both = ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'];
    expect(run(bk([allow(both, { StringEquals: { 'aws:RequestTag/organization_id': 'f892efa9-103e-4d28-97a1-3b8616a0994d' } })])).allowed).toBe(true);
    expect(run(bk([allow(both, { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['organization_slug', 'organization_id'] } })])).allowed).toBe(true);
    expect(run(bk([allow(both, { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['organization_slug'] } })])).allowed).toBe(false);
    expect(run(bk([allow(both, { StringEquals: { 'aws:RequestTag/pipeline_slug': 'super-duper-app' } })])).allowed).toBe(false);
    // The same claim is also a normal OIDC key.
    expect(run(bk([allow(both, { StringEquals: { [`${BK}:pipeline_slug`]: 'super-duper-app' } })])).allowed).toBe(true);
  });

  test('malformed or over-limit session tags fail the call', () => {
    const policy = bk([allow(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'])]);
    const multi = run(policy, { ...tagged, 'https://aws.amazon.com/tags': { principal_tags: { team: ['a', 'b'] } } });
    expect(multi.allowed).toBe(false);
    expect(has(multi, 'STS session tags are single-valued strings')).toBe(true);
    const many: { [k: string]: string[] } = {};
    for (let i = 0; i < 51; i++) many[`k${i}`] = ['v'];
    expect(has(run(policy, { ...tagged, 'https://aws.amazon.com/tags': { principal_tags: many } }), 'at most 50')).toBe(true);
    expect(run(policy, { ...tagged, 'https://aws.amazon.com/tags': { principal_tags: { k: ['x'.repeat(257)] } } }).allowed).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('network keys: public STS endpoint vs STS VPC endpoint (docs/security.md#aws-network-keys)', () => {
  test('aws:SourceIp exists only on the public endpoint', () => {
    const policy = ghTrust({ IpAddress: { 'aws:SourceIp': ['198.51.100.0/24', '2001:db8::/32'] } });
    expect(assume(policy, { sourceIp: '198.51.100.5' }).allowed).toBe(true);
    expect(assume(policy, { sourceIp: '2001:db8:1::5' }).allowed).toBe(true);
    const viaVpce = assume(policy, { sourceIp: '198.51.100.5', awsVpcEndpointId: 'vpce-0abc', awsVpcId: 'vpc-1' });
    expect(viaVpce.allowed).toBe(false);
    expect(has(viaVpce, 'actual absent (call via a VPC endpoint: aws:SourceIp exists only on the public endpoint')).toBe(true);
    expect(has(assume(policy), 'actual absent (request gave no sourceIp)')).toBe(true);
  });

  test('aws:SourceVpce / aws:SourceVpc / aws:VpcSourceIp exist only via a VPC endpoint', () => {
    const vpce = ghTrust({ StringEquals: { 'aws:SourceVpce': 'vpce-0abc' } });
    expect(assume(vpce, { awsVpcEndpointId: 'vpce-0abc' }).allowed).toBe(true);
    const pub = assume(vpce, { awsVpcId: 'vpc-1', sourceIp: '198.51.100.5' });
    expect(pub.allowed).toBe(false);
    expect(has(pub, 'actual absent (public endpoint: VPC keys exist only via a VPC endpoint')).toBe(true);
    const vpc = ghTrust({ StringEquals: { 'aws:SourceVpc': 'vpc-1' }, IpAddress: { 'aws:VpcSourceIp': '10.0.0.0/16' } });
    expect(assume(vpc, { awsVpcEndpointId: 'vpce-0abc', awsVpcId: 'vpc-1', sourceIp: '10.0.3.4' }).allowed).toBe(true);
    expect(assume(vpc, { awsVpcEndpointId: 'vpce-0abc', sourceIp: '10.0.3.4' }).allowed).toBe(false); // vpcId not given
    expect(assume(vpc, { awsVpcId: 'vpc-1', sourceIp: '10.0.3.4' }).allowed).toBe(false);
  });

  test('AWS principal keys are absent in AssumeRoleWithWebIdentity', () => {
    const sim = assume(ghTrust({ StringEquals: { 'aws:PrincipalOrgID': 'o-123' } }));
    expect(sim.allowed).toBe(false);
    expect(has(sim, 'absent (no AWS principal exists before AssumeRoleWithWebIdentity)')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('array aud (Bitbucket token with a custom audience): STS reads one audience', () => {
  // Bitbucket appends custom audiences to the workspace one, so the token's aud is a list of two.
  const token = CORPUS.find((t) => Array.isArray(t.claims.aud))!.claims;
  const url = (token.iss as string).slice('https://'.length);
  const arn = `arn:aws:iam::123456789012:oidc-provider/${url}`;
  const policy = (condition: any) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: arn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }] });
  const run = (condition: any, clientIds?: string[], claims: Record<string, unknown> = token) =>
    AwsTrustSimulator.fromPolicyDocument(policy(condition), { providerClientIds: clientIds }).evaluate({ claims });
  const cond = { StringEquals: { [`${url}:aud`]: 'https://gw.example.com' } };

  test('a token whose aud lists several audiences is denied, whatever the policy and client IDs', () => {
    expect((token.aud as string[]).length).toBe(2);
    for (const r of [run(cond), run(cond, ['https://gw.example.com']), run({ 'ForAllValues:StringLike': { [`${url}:aud`]: ['ari:cloud:bitbucket::workspace/*', 'https://gw.example.com'] } })]) {
      expect(r.allowed).toBe(false);
      expect(r.failures).toContainEqual(expect.objectContaining({ check: 'audience', claim: 'aud', expected: 'one audience (or an azp claim)' }));
    }
  });

  test('a list of one audience is one audience (EKS service-account tokens carry aud as a list)', () => {
    expect(run(cond, ['https://gw.example.com'], { ...token, aud: ['https://gw.example.com'] }).allowed).toBe(true);
    expect(run(cond, ['sts.amazonaws.com'], { ...token, aud: ['https://gw.example.com'] }).trace).toContain(
      'DENIED: token aud "https://gw.example.com" is not in the provider\'s ClientIdList ["sts.amazonaws.com"] (STS: Incorrect token audience)',
    );
  });

  test('with azp, STS uses azp as the audience: for the client ID list and the :aud key', () => {
    const withAzp = { ...token, azp: 'https://gw.example.com' };
    expect(run(cond, ['https://gw.example.com'], withAzp).allowed).toBe(true);
    expect(run({ StringEquals: { [`${url}:aud`]: 'ari:cloud:bitbucket::workspace/WORKSPACE' } }, undefined, withAzp).allowed).toBe(false);
    expect(run(cond, ['ari:cloud:bitbucket::workspace/WORKSPACE'], withAzp).allowed).toBe(false);
  });

  test('the model bound for AWS judges the same way (lib/aws/compile.ts binds it)', () => {
    const t = BitbucketPipelines.repository({ workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' })
      .inDeploymentEnvironment('{3f2a8a4e-1111-4222-8333-944455556666}').toTrust().withAudiences(['https://gw.example.com']);
    const claims = { iss: t.issuer, sub: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}:{3f2a8a4e-1111-4222-8333-944455556666}:{11111111-2222-4333-8444-555555555555}' };
    const aws = compileAwsTrust(t, arn).trust;
    expect(t.evaluate({ ...claims, aud: ['ari:cloud:bitbucket::workspace/7baee083-4f25-4a97-8a9a-0fde1b623b45', 'https://gw.example.com'] }).allowed).toBe(true); // GCP, Azure: any element
    const denied = aws.evaluate({ ...claims, aud: ['ari:cloud:bitbucket::workspace/7baee083-4f25-4a97-8a9a-0fde1b623b45', 'https://gw.example.com'] });
    expect(denied.allowed).toBe(false);
    expect(denied.reasons).toEqual([expect.stringMatching(/^claim aud: AWS STS reads one audience, the token lists 2/)]);
    expect(aws.evaluate({ ...claims, aud: 'https://gw.example.com' }).allowed).toBe(true);
    expect(aws.evaluate({ ...claims, aud: ['https://gw.example.com'] }).allowed).toBe(true);
    expect(aws.evaluate({ ...claims, aud: 'x', azp: 'https://gw.example.com' }).allowed).toBe(true);
    expect(aws.fingerprint).toBe(t.fingerprint);
  });

  test('IAM operators on a multivalued key still pass when any element matches', () => {
    const groups = { ...token, aud: 'https://gw.example.com', groups: ['a', 'b'] };
    expect(run({ StringEquals: { [`${url}:groups`]: 'b' } }, undefined, groups).allowed).toBe(true);
    expect(run({ StringNotEquals: { [`${url}:groups`]: 'b' } }, undefined, groups).allowed).toBe(false);
    expect(run({ 'ForAllValues:StringEquals': { [`${url}:groups`]: 'b' } }, undefined, groups).allowed).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('fromTemplate', () => {
  const enterpriseToken = CORPUS.find((t) => (t.claims.iss as string | undefined)?.startsWith(`https://${GH}/`))!.claims;
  const ENT = `${GH}/octocat-inc`;
  const ghecTemplate = (subKey: string) => ({
    Resources: {
      GhecProvider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: `https://${ENT}`, ClientIdList: ['sts.amazonaws.com'] } },
      DeployRole: webIdentityRole({ Ref: 'GhecProvider' }, { StringEquals: { [`${ENT}:aud`]: 'sts.amazonaws.com', [subKey]: 'repo:octocat-inc/private-server:ref:refs/heads/main' } }),
    },
  });

  test('GHEC enterprise issuer: Ref to an OIDCProvider whose Url has a path; keys carry the path', () => {
    const sim = AwsTrustSimulator.fromTemplate(ghecTemplate(`${ENT}:sub`));
    const ok = sim.evaluate({ claims: { ...enterpriseToken, aud: 'sts.amazonaws.com' } });
    expect(ok.allowed).toBe(true);
    expect(ok.trace[0]).toBe(`Token: iss "https://${ENT}" -> provider arn:aws:iam::123456789012:oidc-provider/${ENT}; condition keys "${ENT}:<claim>"`);
    // The document's own audience is not in the ClientIdList.
    const rawAud = sim.evaluate({ claims: enterpriseToken });
    expect(rawAud.allowed).toBe(false);
    expect(has(rawAud, 'Incorrect token audience')).toBe(true);
    // A token from the shared issuer does not match the enterprise provider.
    const shared = sim.evaluate({ claims: { ...enterpriseToken, aud: 'sts.amazonaws.com', iss: `https://${GH}` } });
    expect(shared.allowed).toBe(false);
    expect(has(shared, `does not name the token's provider ${GH_ARN}`)).toBe(true);
  });

  test('GHEC: a key without the enterprise path is absent', () => {
    const sim = AwsTrustSimulator.fromTemplate(ghecTemplate(`${GH}:sub`)).evaluate({ claims: { ...enterpriseToken, aud: 'sts.amazonaws.com' } });
    expect(sim.allowed).toBe(false);
    expect(has(sim, `StringEquals "${GH}:sub": expected one of ["repo:octocat-inc/private-server:ref:refs/heads/main"], actual absent (condition key of another provider/issuer than the token's)`)).toBe(true);
  });

  test('role selection: one federated role is picked; otherwise a clear error', () => {
    const t: any = ghecTemplate(`${ENT}:sub`);
    t.Resources.LambdaRole = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } };
    expect(() => AwsTrustSimulator.fromTemplate(t)).not.toThrow();
    t.Resources.OtherRole = JSON.parse(JSON.stringify(t.Resources.DeployRole));
    expect(() => AwsTrustSimulator.fromTemplate(t)).toThrow(/found 2: DeployRole, OtherRole/);
    expect(() => AwsTrustSimulator.fromTemplate(t, 'OtherRole')).not.toThrow();
    expect(() => AwsTrustSimulator.fromTemplate(t, 'Nope')).toThrow(/no AWS::IAM::Role "Nope".*roles: DeployRole, LambdaRole, OtherRole; with a Federated principal: DeployRole, OtherRole/);
    expect(() => AwsTrustSimulator.fromTemplate({ Resources: {} })).toThrow(/found 0: \(none\)/);
    expect(() => AwsTrustSimulator.fromTemplate({})).toThrow(/no Resources/);
  });

  test('a CDK-synthesized template (OidcProviderNative + WebIdentityPrincipal + Deny policy)', () => {
    const stack = new Stack(new App(), 'Cdk');
    const provider = new iam.OidcProviderNative(stack, 'Github', { url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] });
    const role = new iam.Role(stack, 'Deploy', {
      assumedBy: new iam.WebIdentityPrincipal(provider.oidcProviderArn, {
        StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: 'repo:octo-org/octo-repo:environment:prod' },
      }),
    });
    role.addToPolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['*'],
      resources: ['*'],
      conditions: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] }, Bool: { 'aws:ViaAWSService': 'false' } },
    }));
    // A custom-resource provider (its ARN is a Ref too) with a role of its own.
    const gl = new iam.OpenIdConnectProvider(stack, 'Gitlab', { url: 'https://gitlab.example.com', clientIds: ['https://gitlab.example.com'] });
    new iam.Role(stack, 'GitlabRole', { assumedBy: new iam.OpenIdConnectPrincipal(gl) });
    const template = Template.fromStack(stack).toJSON();
    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    expect(() => AwsTrustSimulator.fromTemplate(template)).toThrow(/found 2/);
    const sim = AwsTrustSimulator.fromTemplate(template, roleId);
    const prod = CORPUS[0].claims;
    expect(sim.evaluate({ claims: { ...prod, aud: 'sts.amazonaws.com' } }).allowed).toBe(true);
    expect(sim.evaluate({ claims: prod }).allowed).toBe(false);

    expect(sim.evaluateSessionCall({ sourceIp: '203.0.113.9' }).allowed).toBe(true);
    const outside = sim.evaluateSessionCall({ sourceIp: '198.51.100.1', action: 'ec2:RunInstances' });
    expect(outside.allowed).toBe(false);
    expect(outside.matched).toEqual([expect.stringMatching(/^Deploy\w+ \(AWS::IAM::Policy\) Statement\[0\] \(Deny\)$/)]);
    expect(has(outside, 'NotIpAddress "aws:SourceIp": expected none of ["203.0.113.0/24"], actual "198.51.100.1" -> true')).toBe(true);
    expect(sim.evaluateSessionCall({ sourceIp: '198.51.100.1', viaAwsService: true }).allowed).toBe(true);
    // Via a VPC endpoint aws:SourceIp is absent, so NotIpAddress is true: the plain form denies.
    expect(sim.evaluateSessionCall({ awsVpcEndpointId: 'vpce-1', awsVpcId: 'vpc-1', sourceIp: '10.0.0.1' }).allowed).toBe(false);

    const glSim = AwsTrustSimulator.fromTemplate(template, stack.getLogicalId(stack.node.findChild('GitlabRole').node.defaultChild as iam.CfnRole));
    const glToken = CORPUS.find((t) => t.provider === 'gitlab-ci' && t.claims.aud === 'https://gitlab.example.com')!.claims;
    expect(glSim.evaluate({ claims: glToken }).allowed).toBe(true); // no conditions at all: any GitLab project on that issuer
    expect(glSim.evaluateSessionCall({}).trace).toEqual(['ALLOWED: no Deny statement in the role\'s inline policies']);
  });

  test('session deny: data-perimeter IfExists form in role Policies and an AWS::IAM::Policy', () => {
    const t: any = ghecTemplate(`${ENT}:sub`);
    t.Resources.DeployRole.Properties.Policies = [{
      PolicyName: 'Perimeter',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {
            NotIpAddressIfExists: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] },
            StringNotEqualsIfExists: { 'aws:SourceVpc': ['vpc-1'] },
            BoolIfExists: { 'aws:ViaAWSService': 'false' },
          },
        }],
      },
    }];
    t.Resources.S3Deny = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'S3Deny',
        Roles: [{ Ref: 'DeployRole' }],
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:Delete*', Resource: 'arn:aws:s3:::prod/*' }, { Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    };
    const sim = AwsTrustSimulator.fromTemplate(t);
    expect(sim.evaluateSessionCall({ sourceIp: '203.0.113.4' }).allowed).toBe(true);
    expect(sim.evaluateSessionCall({ sourceIp: '2001:db8:ffff::1' }).allowed).toBe(true);
    expect(sim.evaluateSessionCall({ awsVpcEndpointId: 'vpce-1', awsVpcId: 'vpc-1' }).allowed).toBe(true);
    const wrongVpc = sim.evaluateSessionCall({ awsVpcEndpointId: 'vpce-1', awsVpcId: 'vpc-2' });
    expect(wrongVpc.allowed).toBe(false);
    expect(wrongVpc.trace).toContain('DENIED: explicit Deny of s3:GetObject by DeployRole.Policies["Perimeter"] Statement[0] (Deny)');
    expect(sim.evaluateSessionCall({ sourceIp: '198.51.100.1' }).allowed).toBe(false);
    expect(sim.evaluateSessionCall({ sourceIp: '198.51.100.1', viaAwsService: true }).allowed).toBe(true);
    const del = sim.evaluateSessionCall({ sourceIp: '203.0.113.4', action: 'S3:DeleteObject' });
    expect(del.allowed).toBe(false);
    expect(del.matched).toEqual(['S3Deny (AWS::IAM::Policy) Statement[0] (Deny)']);
    expect(has(del, 'Resource ["arn:aws:s3:::prod/*"] not evaluated')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('less common shapes', () => {
  const sub = `${GH}:sub`;

  test('NotPrincipal, a missing Principal and Principal "*"', () => {
    const notP = { Version: '2012-10-17', Statement: [ghTrust().Statement[0], { Effect: 'Deny', NotPrincipal: { Federated: GH_ARN }, Action: '*' }] };
    expect(assume(notP).allowed).toBe(true); // the Deny exempts our provider
    const bkToken = { ...ghClaims(), iss: `https://${BK}` };
    const bkAllowed = { ...notP, Statement: [{ ...notP.Statement[0], Principal: { Federated: [GH_ARN, BK_ARN] } }, notP.Statement[1]] };
    expect(assume(bkAllowed, { claims: bkToken }).allowed).toBe(false); // ... but not Buildkite's
    const noPrincipal = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity' }] };
    expect(has(assume(noPrincipal), 'no Principal: a trust-policy statement without one applies to no caller')).toBe(true);
    const star = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [sub]: 'repo:acme/*' } } }] };
    expect(assume(star).allowed).toBe(true);
  });

  test('ArnLike / ArnNotLikeIfExists (session deny on aws:PrincipalArn) and Numeric operators', () => {
    const t: any = {
      Resources: {
        P: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: `https://${GH}`, ClientIdList: ['sts.amazonaws.com'] } },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'deploy',
            AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: { 'Fn::GetAtt': ['P', 'Arn'] } }, Action: 'sts:AssumeRoleWithWebIdentity' }] },
            Policies: [{
              PolicyName: 'd',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { ArnNotLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } } },
                  { Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/dep?oy' } } },
                  { Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '10' } } },
                ],
              },
            }],
          },
        },
      },
    };
    const sim = AwsTrustSimulator.fromTemplate(t);
    expect(sim.evaluate({ claims: ghClaims() }).allowed).toBe(true);
    expect(sim.evaluateSessionCall({ action: 's3:GetObject' }).allowed).toBe(true);
    expect(sim.evaluateSessionCall({ action: 'ec2:RunInstances' }).allowed).toBe(false);
    expect(sim.evaluateSessionCall({ action: 'kms:Decrypt' }).allowed).toBe(true); // key absent
  });

  test('template parameters, Fn::Select / Fn::Split, and unsupported intrinsics', () => {
    const t: any = {
      Parameters: { Issuer: { Type: 'String', Default: GH } },
      Resources: {
        P: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: { 'Fn::Sub': 'https://${Issuer}' }, ClientIdList: [{ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,sts.amazonaws.com'] }] }] } },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: { Ref: 'P' } }, Action: 'sts:AssumeRoleWithWebIdentity' }] } },
        },
      },
    };
    const sim = AwsTrustSimulator.fromTemplate(t);
    expect(sim.evaluate({ claims: ghClaims() }).allowed).toBe(true);
    expect(sim.evaluate({ claims: ghClaims({ aud: 'other' }) }).allowed).toBe(false);
    t.Resources.Role.Properties.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [sub]: { 'Fn::ImportValue': 'x' } } };
    expect(() => AwsTrustSimulator.fromTemplate(t)).toThrow(/cannot resolve Fn::ImportValue/);
  });

  test('attached policies with ordinary grants on unknown resources still load (Allow statements are not read)', () => {
    const stack = new Stack(new App(), 'Grants');
    const provider = new iam.OidcProviderNative(stack, 'Github', { url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] });
    const role = new iam.Role(stack, 'Deploy', {
      assumedBy: new iam.WebIdentityPrincipal(provider.oidcProviderArn, { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } }),
    });
    const bucket = new s3.Bucket(stack, 'B');
    bucket.grantReadWrite(role);
    role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:DeleteObject'], resources: [bucket.arnForObjects('*')] }));
    const sim = AwsTrustSimulator.fromTemplate(Template.fromStack(stack).toJSON());
    const del = sim.evaluateSessionCall({ action: 's3:DeleteObject' });
    expect(del.allowed).toBe(false);
    expect(has(del, 'Statement[1] (Deny): Resource ["<unresolved')).toBe(true); // original index kept; resource not evaluated
    expect(sim.evaluateSessionCall({ action: 's3:GetObject' }).allowed).toBe(true);
  });

  test('malformed tags claim and provider ARN', () => {
    const both = ghTrust(undefined, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
    expect(has(assume(both, { claims: ghClaims({ 'https://aws.amazon.com/tags': 'x' }) }), 'is not an object')).toBe(true);
    expect(has(assume(both, { claims: ghClaims({ 'https://aws.amazon.com/tags': { principal_tags: [] } }) }), 'principal_tags is not an object')).toBe(true);
    expect(has(assume(both, { awsProviderArn: 'arn:aws:iam::123456789012:saml-provider/x' }), 'is not an IAM OIDC provider ARN')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('corpus tokens against a realistic GitHub trust policy', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'GithubDeployProd',
      Effect: 'Allow',
      Principal: { Federated: GH_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${GH}:aud`]: 'sts.amazonaws.com',
          [`${GH}:sub`]: ['repo:octo-org/octo-repo:environment:prod', 'repo:octo-org/octo-repo:ref:refs/heads/main'],
          [`${GH}:repository_owner_id`]: '65',
          [`${GH}:repository_id`]: '74',
        },
      },
    }],
  };
  const sim = AwsTrustSimulator.fromPolicyDocument(policy);
  const isProdOcto = (c: any) => c.iss === `https://${GH}` && c.sub === 'repo:octo-org/octo-repo:environment:prod' && c.repository_id === '74';

  test.each(CORPUS.map((t, i) => [i, t.provider, t] as const))('token %i (%s) with the sts.amazonaws.com audience', (_i, _p, t) => {
    const r = sim.evaluate({ claims: { ...t.claims, aud: 'sts.amazonaws.com' } });
    expect(r.allowed).toBe(isProdOcto(t.claims));
    expect(r.trace.length).toBeGreaterThan(0);
  });

  test('exactly the three github.com octo-org/octo-repo prod tokens are admitted', () => {
    const admitted = CORPUS.map((t, i) => (sim.evaluate({ claims: { ...t.claims, aud: 'sts.amazonaws.com' } }).allowed ? i : -1)).filter((i) => i >= 0);
    expect(admitted).toHaveLength(3);
    expect(admitted.every((i) => CORPUS[i].provider === 'github-actions')).toBe(true);
  });

  test('the documents\' own audiences are rejected, with the actual value in the reason', () => {
    for (const t of CORPUS) expect(sim.evaluate({ claims: t.claims }).allowed).toBe(false);
    const r = sim.evaluate({ claims: CORPUS[0].claims });
    expect(r.trace).toContain(
      `Statement[0] (Allow, Sid "GithubDeployProd"): StringEquals "${GH}:aud": expected one of ["sts.amazonaws.com"], actual "https://github.com/octo-org" -> false`,
    );
  });

  test('GHES and issuer-less tokens fail on the provider', () => {
    const ghes = CORPUS.find((t) => (t.claims.iss as string | undefined)?.includes('HOSTNAME'))!;
    expect(has(sim.evaluate({ claims: { ...ghes.claims, aud: 'sts.amazonaws.com' } }), 'does not name the token\'s provider arn:aws:iam::123456789012:oidc-provider/HOSTNAME/_services/token')).toBe(true);
    const noIss = CORPUS.find((t) => t.claims.iss === undefined)!;
    expect(has(sim.evaluate({ claims: noIss.claims }), 'token has no string "iss" claim')).toBe(true);
  });

  test('availableClaimKeys: keys AWS does not expose are absent', () => {
    const limited = AwsTrustSimulator.fromPolicyDocument(policy, { availableClaimKeys: ['sub', 'aud', 'amr'] });
    const r = limited.evaluate({ claims: { ...CORPUS[0].claims, aud: 'sts.amazonaws.com' } });
    expect(r.allowed).toBe(false);
    expect(has(r, `"${GH}:repository_owner_id": expected one of ["65"], actual absent (claim not in availableClaimKeys: AWS does not expose it)`)).toBe(true);
    // And the F9 hazard (docs/security.md#f9) with it: ForAllValues on an unexposed key passes.
    const hazard = AwsTrustSimulator.fromPolicyDocument(ghTrust({ 'ForAllValues:StringEquals': { [`${GH}:repository_owner_id`]: '65' } }), { availableClaimKeys: ['sub', 'aud'] });
    expect(hazard.evaluate({ claims: { ...CORPUS[0].claims, repository_owner_id: '66' } }).allowed).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('properties (fast-check)', () => {
  const adversarial = fc.constantFrom(':', '*', '?', '$', '{', '}', '${', '"', "'", '\\', '/', '\n', '\t', ' ', 'a', 'b', 'A', 'é', 'ß', 'ÿ', 'Ā', '😀', '\u200d', '\u0000');
  const str = fc.oneof(
    fc.string({ unit: adversarial, maxLength: 8 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.string({ unit: fc.constantFrom('a', '*', '$'), maxLength: 6 }),
  );

  /** Reference StringLike for literal parts: prefix, suffix, then leftmost in-order segments, over code points. */
  function refLike(parts: string[], s: string): boolean {
    const cs = Array.from(s);
    const ps = parts.map((p) => Array.from(p));
    const eqAt = (at: number, p: string[]) => p.every((c, k) => cs[at + k] === c);
    if (ps.length === 1) return cs.length === ps[0].length && eqAt(0, ps[0]);
    const first = ps[0];
    const last = ps[ps.length - 1];
    if (cs.length < first.length + last.length) return false;
    if (!eqAt(0, first) || !eqAt(cs.length - last.length, last)) return false;
    let pos = first.length;
    const end = cs.length - last.length;
    for (const seg of ps.slice(1, -1)) {
      let found = -1;
      for (let at = pos; at + seg.length <= end; at++) {
        if (eqAt(at, seg)) {
          found = at;
          break;
        }
      }
      if (found < 0) return false;
      pos = found + seg.length;
    }
    return true;
  }

  // Strings built from the parts with random fillers, so that matches are frequent.
  const partsAndSubject = fc
    .tuple(fc.array(str, { minLength: 1, maxLength: 4 }), fc.array(str, { minLength: 4, maxLength: 4 }), fc.boolean(), str)
    .map(([parts, fillers, build, random]) => ({
      parts,
      s: build ? parts.map((p, i) => (i === 0 ? p : fillers[i % 4] + p)).join('') : random,
    }));

  test('StringLike(likePattern(parts)) equals the reference segment search', () => {
    fc.assert(
      fc.property(partsAndSubject, ({ parts, s }) => {
        expect(matchIamString('StringLike', likePattern(parts), s)).toBe(refLike(parts, s));
      }),
      { numRuns: 3000 },
    );
  });

  test('escapeIamLiteral round-trips: an escaped value matches itself and nothing else', () => {
    fc.assert(
      fc.property(str, str, (v, w) => {
        expect(matchIamString('StringEquals', escapeIamLiteral(v, 'StringEquals'), v)).toBe(true);
        expect(matchIamString('StringEquals', escapeIamLiteral(v, 'StringEquals'), w)).toBe(v === w);
        expect(matchIamString('StringLike', escapeIamLiteral(v, 'StringLike'), v)).toBe(true);
        expect(matchIamString('StringLike', escapeIamLiteral(v, 'StringLike'), w)).toBe(v === w);
        expect(unresolvedPolicyVariables(escapeIamLiteral(v, 'StringLike'))).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  test('end to end through a trust policy (Latin-1 patterns, any subject)', () => {
    const latin1Parts = partsAndSubject.filter(({ parts }) => parts.every(isIamPolicyCharset));
    fc.assert(
      fc.property(latin1Parts, ({ parts, s }) => {
        const r = AwsTrustSimulator.fromPolicyDocument(ghTrust({ StringLike: { [`${GH}:sub`]: likePattern(parts) } })).evaluate({ claims: ghClaims({ sub: s }) });
        expect(r.allowed).toBe(refLike(parts, s));
      }),
      { numRuns: 300 },
    );
  });
});
