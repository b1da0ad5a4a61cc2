/**
 * Jenkins (oidc-provider plugin): the provider added by CONTRIBUTING's "Add a CI provider" recipe.
 * The subject is the job URL; checked against the model, the AWS simulator and the Azure credentials.
 */
import { App, Stack } from 'aws-cdk-lib';
import { CiOidcRole, Jenkins } from '../../lib';
import { AzureCloud, compileTrust } from '../../lib/azure/compile';
import { jenkinsJobUrl } from '../../lib/ci/jenkins/subject';
import { providerSpec, specForIssuer } from '../../lib/ci/registry';
import { AwsTrustSimulator } from '../../lib/testing';
import { thrownConfigError } from '../support/errors';

const URL = 'https://jenkins.acme.com';
const ISS = `${URL}/oidc`;

test('the subject is the job URL, folders and branches one job/NAME/ level each, encoded as Jenkins encodes them', () => {
  // hudson.Util.rawEncode keeps !$&'()*+,-.=@_ and encodes the rest (space, ~, non-ASCII as UTF-8).
  expect(jenkinsJobUrl(URL, ['platform', 'web app', 'a+b=c@d', 'x~ü'])).toBe(`${URL}/job/platform/job/web%20app/job/a+b=c@d/job/x%7E%C3%BC/`);
  // A multibranch branch's job is named with / escaped (branch-api NameEncoder), then rawEncoded: %252F.
  expect(jenkinsJobUrl(URL, ['platform', 'web app'], 'feature/x')).toBe(`${URL}/job/platform/job/web%20app/job/feature%252Fx/`);
  const t = Jenkins.job({ jenkinsUrl: URL, job: 'platform/deploy' }).onBranch('main', 'release/1').toTrust();
  expect(t.issuer).toBe(ISS);
  expect(t.terms).toEqual([{ tests: [{ claim: 'sub', operator: 'EQUALS', values: [`${URL}/job/platform/job/deploy/job/main/`, `${URL}/job/platform/job/deploy/job/release%252F1/`] }] }]);
  expect(t.description).toBe(`Jenkins builds of job platform/deploy on ${URL} (branch main or release/1)`);
  expect(specForIssuer(ISS)?.spec.id).toBe('jenkins');
  expect(providerSpec(t.provider).issuers[0].shared).toBe(false);
});

test('bad input is refused with where and fix', () => {
  const wild = thrownConfigError(() => Jenkins.job({ jenkinsUrl: URL, job: 'platform/*' }));
  expect(wild.message).toContain('Jenkins.job(job): "platform/*" has an empty or wildcard folder or job name');
  expect(wild.ruleId).toBe('CIT-M002');
  expect(thrownConfigError(() => Jenkins.job({ jenkinsUrl: 'http://jenkins.acme.com', job: 'deploy' })).message).toContain('is not an https URL');
  expect(thrownConfigError(() => Jenkins.job(null as any)).message).toContain('props must be an object');
  expect(thrownConfigError(() => Jenkins.job({ jenkinsUrl: URL, job: 'deploy' }).onBranch('*')).ruleId).toBe('CIT-M003');
});

test('AWS admits the job\'s builds and denies other jobs, branches and instances', () => {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const role = new CiOidcRole(stack, 'Deploy', { trusts: [Jenkins.job({ jenkinsUrl: URL, job: 'platform/deploy' }).onBranch('main').toTrust()] });
  const sim = AwsTrustSimulator.fromRole(role);
  const token = { iss: ISS, aud: 'sts.amazonaws.com', sub: `${URL}/job/platform/job/deploy/job/main/`, build_number: 7 };
  expect(sim.evaluate({ claims: token }).allowed).toBe(true);
  expect(role.trusts[0].evaluate(token).allowed).toBe(true);
  for (const sub of [`${URL}/job/platform/job/deploy/job/dev/`, `${URL}/job/platform/job/deploy/`, `${URL}/job/platform/job/deploy/job/main/job/x/`, `${URL}/job/platform/job/deploy/job/main`]) {
    expect(sim.evaluate({ claims: { ...token, sub } }).allowed).toBe(false);
    expect(role.trusts[0].evaluate({ ...token, sub }).allowed).toBe(false);
  }
  expect(sim.evaluate({ claims: { ...token, iss: 'https://other.example/oidc' } }).allowed).toBe(false);
});

test('Azure gets one exact credential per job URL', () => {
  const c = compileTrust(Jenkins.job({ jenkinsUrl: URL, job: 'deploy' }).onBranch('main', 'dev').toTrust(), AzureCloud.PUBLIC);
  expect(c.credentials.map((x) => [x.issuer, x.subject])).toEqual([[ISS, `${URL}/job/deploy/job/dev/`], [ISS, `${URL}/job/deploy/job/main/`]]);
});
