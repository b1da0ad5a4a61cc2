/** CiOidcProvider and iam.IOidcProvider: either one is taken wherever a provider is. */
import { App, Fn, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CiOidcPrincipal } from '../../lib/aws/principal';
import { CiOidcProvider, ICiOidcProvider } from '../../lib/aws/provider';
import { CiOidcRole } from '../../lib/aws/role';
import { GitHubActions } from '../../lib/ci/github';
import { thrownConfigError } from '../support/errors';

const GITHUB = 'https://token.actions.githubusercontent.com';
const ARN = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const stack = () => new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
const ghTrust = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch('main').toTrust();
const federated = (s: Stack) => Object.values(Template.fromStack(s).findResources('AWS::IAM::Role'))
  .map((r: any) => r.Properties.AssumeRolePolicyDocument.Statement.map((st: any) => st.Principal.Federated));

describe('CiOidcProvider is an iam.IOidcProvider', () => {
  test('created: literal issuer (host/path as iam has it), removal policy on the resource', () => {
    const s = stack();
    const p = new CiOidcProvider(s, 'Gh', { issuer: GITHUB });
    const asIam: iam.IOidcProvider = p;
    expect(asIam.oidcProviderIssuer).toBe('token.actions.githubusercontent.com');
    expect(s.resolve(asIam.oidcProviderArn)).toEqual({ Ref: expect.stringMatching(/^Gh/) });
    p.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const [provider] = Object.values(Template.fromStack(s).findResources('AWS::IAM::OIDCProvider')) as any[];
    expect(provider.DeletionPolicy).toBe('Retain');
  });

  test('imported by ARN: an ICiOidcProvider with both issuers; an ARN of another issuer is refused', () => {
    const s = stack();
    const p: ICiOidcProvider = CiOidcProvider.fromOidcProviderArn(s, 'Gh', ARN, GITHUB);
    expect([p.oidcProviderArn, p.issuer, p.oidcProviderIssuer]).toEqual([ARN, GITHUB, 'token.actions.githubusercontent.com']);
    const e = thrownConfigError(() => CiOidcProvider.fromOidcProviderArn(s, 'Gl', ARN, 'https://gitlab.com'));
    expect(e.where).toBe('CiOidcProvider.fromOidcProviderArn(Gl)');
    expect(e.message).toContain(`${ARN} is not the ARN of the provider for https://gitlab.com`);
    expect(e.fix).toBe('use arn:<partition>:iam::<account>:oidc-provider/gitlab.com');
  });
});

describe('an iam.IOidcProvider is taken wherever a provider is', () => {
  test('fromOidcProvider reads the issuer from the ARN; once per provider; a CI provider is returned as it is', () => {
    const s = stack();
    const imported = iam.OidcProviderNative.fromOidcProviderArn(s, 'Imported', 'arn:aws-us-gov:iam::123456789012:oidc-provider/gitlab.example.com/ci');
    const p = CiOidcProvider.fromOidcProvider(imported);
    expect([p.issuer, p.oidcProviderArn]).toEqual(['https://gitlab.example.com/ci', imported.oidcProviderArn]);
    expect(CiOidcProvider.fromOidcProvider(imported)).toBe(p);
    const own = new CiOidcProvider(s, 'Own', { issuer: GITHUB });
    expect(CiOidcProvider.fromOidcProvider(own)).toBe(own);
  });

  test('an imported iam provider in `providers`: the role trusts its ARN and no provider is created', () => {
    const s = stack();
    new CiOidcRole(s, 'R', { trusts: [ghTrust()], providers: [iam.OidcProviderNative.fromOidcProviderArn(s, 'Gh', ARN)] });
    expect(federated(s)).toEqual([[ARN]]);
    Template.fromStack(s).resourceCountIs('AWS::IAM::OIDCProvider', 0);
  });

  test('an iam.OidcProviderNative created in the app: the issuer is its URL, and it is the one provider', () => {
    const s = stack();
    const native = new iam.OidcProviderNative(s, 'Native', { url: GITHUB, clientIds: ['sts.amazonaws.com'] });
    new CiOidcRole(s, 'R', { trusts: [ghTrust()], providers: [native] });
    CiOidcPrincipal.fromTrusts(s, [ghTrust()], { providers: [native] });
    expect(federated(s)).toEqual([[{ Ref: expect.stringMatching(/^Native/) }]]);
    Template.fromStack(s).resourceCountIs('AWS::IAM::OIDCProvider', 1);
  });

  test('a provider whose issuer is unknown at synth is refused, naming the place and the fix', () => {
    const s = stack();
    const unknown = iam.OidcProviderNative.fromOidcProviderArn(s, 'T', Fn.importValue('ProviderArn'));
    const e = thrownConfigError(() => new CiOidcRole(s, 'R', { trusts: [ghTrust()], providers: [unknown] }));
    expect(e.where).toBe('CiOidcRole(R).providers[0]');
    expect(e.message).toContain('the issuer of S/T is not known at synth (its ARN is a token)');
    expect(e.fix).toBe('use CiOidcProvider.fromOidcProviderArn(scope, id, arn, issuer) with the issuer URL');
    // ...as fromOidcProviderArn takes it.
    new CiOidcRole(s, 'Ok', { trusts: [ghTrust()], providers: [CiOidcProvider.fromOidcProviderArn(s, 'Known', unknown.oidcProviderArn, GITHUB)] });
  });

  test('an ARN that is not an OIDC provider is refused', () => {
    const s = stack();
    class Saml extends Resource implements iam.IOidcProvider {
      public readonly oidcProviderArn = 'arn:aws:iam::123456789012:saml-provider/corp';
      public readonly oidcProviderIssuer = 'corp';
    }
    const bad = new Saml(s, 'Bad');
    const e = thrownConfigError(() => CiOidcPrincipal.fromTrusts(s, [ghTrust()], { providers: [bad] }));
    expect(e.message).toContain('arn:aws:iam::123456789012:saml-provider/corp is not the ARN of an IAM OIDC provider');
    expect(e.where).toBe('CiOidcPrincipal(S).providers[0]');
  });
});
