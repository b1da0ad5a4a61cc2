/**
 * Input from every jsii language (docs/security.md#bad-input-matrix): Python, Java, .NET, Go and
 * plain JavaScript pass null, undefined, numbers, objects, a string where a list is declared and
 * values outside an enum. Table-driven: every public method of every builder, every factory field
 * and every construct is called with such values; each call either succeeds or throws a
 * TrustConfigError with where, problem and fix, never a TypeError, and the cases that used to be
 * accepted silently are refused with the message asserted.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Testing, TerraformStack } from 'cdktf';
import { CiOidcProvider } from '../../lib/aws/provider';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure/identity';
import { Buildkite } from '../../lib/ci/buildkite';
import { GenericOidc } from '../../lib/ci/generic';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool } from '../../lib/gcp/pool';
import { TrustErrors } from '../../lib/model/errors';
import { NetworkRestriction } from '../../lib/model/network';
import { FACTORIES, UUID1 } from '../support/builders';
import { thrownConfigError } from '../support/errors';

const BAD: unknown[] = [null, undefined, 42, true, {}, [], ['main'], 'NOT_A_VALUE', ''];

/** Never a TypeError: a TrustConfigError with its parts, or success. */
function judged(f: () => unknown): 'ok' | 'refused' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!TrustErrors.isTrustConfigError(e)) throw new Error(`not a TrustConfigError: ${String(e)}`);
    const d = TrustErrors.detailsOf(e)!;
    expect(d.where.length).toBeGreaterThan(0);
    expect(d.problem.length).toBeGreaterThan(0);
    expect(d.fix.length).toBeGreaterThan(0);
    expect(TrustErrors.parseMessage(d.message)).toEqual(d);
    return 'refused';
  }
}

function publicMethods(o: object): string[] {
  return Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((k) => k !== 'constructor' && !k.startsWith('_') && typeof (o as any)[k] === 'function');
}

describe.each(FACTORIES)('%s', (name, make, valid) => {
  test('valid props build', () => {
    expect(judged(() => make(valid))).toBe('ok');
  });

  test.each(BAD.filter((b) => b !== undefined).map((b) => [JSON.stringify(b), b]))('props = %s', (_s, bad) => {
    expect(judged(() => make(bad))).toBe('refused');
  });

  test.each(Object.keys(valid))('every BAD value in field %s', (field) => {
    for (const bad of BAD) judged(() => make({ ...valid, [field]: bad }).toTrust?.());
  });

  test('every public method with every BAD value, then toTrust()', () => {
    const methods = publicMethods(make(valid));
    expect(methods.length).toBeGreaterThan(2);
    for (const m of methods) {
      for (const bad of BAD) {
        judged(() => {
          const b = make(valid);
          b[m](bad);
          return b.toTrust();
        });
        judged(() => make(valid)[m](bad, bad));
      }
    }
    void name;
  });
});

describe('formerly accepted silently, now refused with the message', () => {
  test.each([
    ['GenericOidc identityClaims as a string (was matched by substring)', () => GenericOidc.issuer({ name: 'Vault', issuer: 'https://vault.example.com', identityClaims: 'repository_id' as any }),
      'GenericOidc.issuer(identityClaims): identityClaims must be a list of strings, got a string ("repository_id"). Fix: wrap the value in a list: ["repository_id"]'],
    ['accept() with a value outside Widening', () => GitHubActions.repository({ owner: 'a', repository: 'b' }).accept('NAME_ONLY' as any),
      'GitHubTrustBuilder.accept: a string ("NAME_ONLY") is not a Widening. Fix: use one of Widening.NAME_ONLY_IDENTITY, Widening.ANY_REF, Widening.REF_PATTERN, Widening.PLAN_AND_APPLY'],
    ['GitHub subjectFormat outside the enum', () => GitHubActions.repository({ owner: 'a', repository: 'b', ownerId: '1', repositoryId: '2', subjectFormat: 'immutable' as any }),
      'GitHubActions.repository(subjectFormat): a string ("immutable") is not a GitHubSubjectFormat. Fix: use one of GitHubSubjectFormat.IMMUTABLE, GitHubSubjectFormat.NAME, GitHubSubjectFormat.BOTH'],
    ['GitHub issuer as a URL string', () => GitHubActions.repository({ owner: 'a', repository: 'b', issuer: 'https://token.actions.githubusercontent.com' as any }),
      'GitHubActions.repository(issuer): issuer must be a GitHubIssuer, got the string "https://token.actions.githubusercontent.com". Fix: use GitHubIssuer.GITHUB_COM, GitHubIssuer.enterpriseCloud(slug), GitHubIssuer.dataResidency(subdomain) or GitHubIssuer.enterpriseServer(hostname)'],
    ['GitLab subjectComponents as a string (was split into letters)', () => GitLabCi.project({ projectPath: 'g/p', projectId: '1', subjectComponents: 'project_id' as any }),
      'GitLabCi.project(subjectComponents): subjectComponents must be a list of strings, got a string ("project_id"). Fix: wrap the value in a list: ["project_id"]'],
    ['GitLab subjectComponents value outside the enum', () => GitLabCi.project({ projectPath: 'g/p', projectId: '1', subjectComponents: ['project_id', 'branch'] as any }),
      'GitLabCi.project(subjectComponents): a string ("branch") is not a GitLabSubjectComponent. Fix: use one of'],
    ['Buildkite subject outside the enum', () => Buildkite.pipeline({ organization: 'acme', pipeline: 'deploy', pipelineId: UUID1, subject: 'pipeline_id' as any }),
      'Buildkite.pipeline(subject): a string ("pipeline_id") is not a BuildkiteSubject. Fix: use one of'],
    ['Buildkite build source outside the enum', () => Buildkite.pipeline({ organization: 'acme', pipeline: 'deploy', pipelineId: UUID1 }).fromBuildSource('push' as any),
      'BuildkiteTrustBuilder.fromBuildSource: a string ("push") is not a BuildkiteBuildSource. Fix: use one of'],
    ['a network list given as a string', () => NetworkRestriction.of({ sourceIpCidrs: '203.0.113.0/24' as any }),
      'NetworkRestriction.sourceIpCidrs: sourceIpCidrs must be a list, got the string "203.0.113.0/24". Fix: wrap it in a list: ["203.0.113.0/24"]'],
    ['GitHubActions.repository(null)', () => GitHubActions.repository(null as any), 'GitHubActions.repository: props must be an object, got null. Fix: pass the props struct with its required fields'],
    ['onBranch(null)', () => GitHubActions.repository({ owner: 'a', repository: 'b' }).onBranch(null as any), 'GitHubTrustBuilder.onBranch: branch must be a string, got null. Fix: give the branch as a string'],
  ])('%s', (_name, f, message) => {
    expect(thrownConfigError(f).message.startsWith(message)).toBe(true);
  });
});

describe('constructs', () => {
  const gh = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('prod').toTrust();
  const stack = () => new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const tf = () => new TerraformStack(Testing.app(), 't');
  const pool = () => new GcpWorkloadIdentityPool(tf(), 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' });
  const azure = { name: 'deploy', resourceGroupName: 'rg', location: 'westeurope' };

  const calls: [string, (bad: any) => unknown][] = [
    ['CiOidcRole props', (bad) => new CiOidcRole(stack(), 'R', bad)],
    ['CiOidcRole trusts', (bad) => new CiOidcRole(stack(), 'R', { trusts: bad })],
    ['CiOidcRole trusts[0]', (bad) => new CiOidcRole(stack(), 'R', { trusts: [bad] })],
    ['CiOidcRole providers', (bad) => new CiOidcRole(stack(), 'R', { trusts: [gh()], providers: bad })],
    ['CiOidcProvider props', (bad) => new CiOidcProvider(stack(), 'P', bad)],
    ['CiOidcProvider issuer', (bad) => new CiOidcProvider(stack(), 'P', { issuer: bad })],
    ['CiOidcProvider clientIds', (bad) => new CiOidcProvider(stack(), 'P', { issuer: 'https://token.actions.githubusercontent.com', clientIds: bad })],
    ['CiOidcProvider.fromIssuer issuer', (bad) => CiOidcProvider.fromIssuer(stack(), 'P', bad)],
    ['GcpWorkloadIdentityPool props', (bad) => new GcpWorkloadIdentityPool(tf(), 'Pool', bad)],
    ['GcpWorkloadIdentityPool poolId', (bad) => new GcpWorkloadIdentityPool(tf(), 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: bad })],
    ['addProvider options', (bad) => pool().addProvider('P', bad)],
    ['addProvider trusts', (bad) => pool().addProvider('P', { providerId: 'github', trusts: bad })],
    ['addProvider audiences', (bad) => pool().addProvider('P', { providerId: 'github', trusts: [gh()], audiences: bad })],
    ['grantServiceAccountImpersonation', (bad) => pool().addProvider('P', { providerId: 'github', trusts: [gh()] }).grantServiceAccountImpersonation(bad)],
    ['principalSetMember', (bad) => pool().addProvider('P', { providerId: 'github', trusts: [gh(), gh()] }).principalSetMember(bad)],
    ['FederatedManagedIdentity props', (bad) => new FederatedManagedIdentity(tf(), 'Id', bad)],
    ['FederatedManagedIdentity cloud', (bad) => new FederatedManagedIdentity(tf(), 'Id', { ...azure, cloud: bad })],
    ['FederatedManagedIdentity trusts', (bad) => new FederatedManagedIdentity(tf(), 'Id', { ...azure, trusts: bad })],
    ['FederatedManagedIdentity addTrust', (bad) => new FederatedManagedIdentity(tf(), 'Id', azure).addTrust(bad)],
    ['FederatedManagedIdentity grant', (bad) => new FederatedManagedIdentity(tf(), 'Id', { ...azure, trusts: [gh()] }).grant(bad, bad)],
    ['fromExistingIdentity props', (bad) => FederatedManagedIdentity.fromExistingIdentity(tf(), 'X', bad)],
  ];

  test.each(calls)('%s with every BAD value: a TrustConfigError or success, never a TypeError', (_name, call) => {
    for (const bad of BAD) judged(() => call(bad));
  });

  test('messages name the construct and the field', () => {
    expect(thrownConfigError(() => new CiOidcRole(stack(), 'R', { trusts: gh() as any })).message).toBe('CiOidcRole(R).trusts: trusts must be a list of Trust, got an object. Fix: wrap the trust in a list: [trust]');
    expect(thrownConfigError(() => new FederatedManagedIdentity(tf(), 'Id', { ...azure, cloud: 'public' as any })).message).toBe('FederatedManagedIdentity(Id).cloud: the string "public" is not a AzureCloud. Fix: use one of AzureCloud.PUBLIC, AzureCloud.US_GOVERNMENT, AzureCloud.CHINA');
    expect(thrownConfigError(() => pool().addProvider('P', { providerId: 'github', trusts: [gh()], audiences: 'sts.googleapis.com' as any })).message).toBe('GcpWorkloadIdentityProvider(t/Pool/P).audiences: audiences must be a list of strings, got the string "sts.googleapis.com". Fix: wrap it in a list: ["sts.googleapis.com"]');
  });
});
