import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../examples/azure-identity';
import { AzureTrustSimulator } from '../../lib/testing';

test('examples/azure-identity.ts synthesizes offline and admits exactly the intended jobs', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'azure-example-'));
  try {
    main(outdir);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks/ci-identity/cdk.tf.json'), 'utf8'));
    const sim = AzureTrustSimulator.fromTerraformJson(tf);
    expect(sim.credentials.map((c) => c.subject).sort()).toEqual([
      'project_path:platform/infra:project_id:4242:ref_type:branch:ref:main:ref_protected:true',
      'repo:acme@1234567/web@890123456:environment:production',
      'repo:acme@1234567/web@890123456:environment:staging',
    ]);
    const aud = 'api://AzureADTokenExchange';
    const gh = { iss: 'https://token.actions.githubusercontent.com', aud };
    const gl = { iss: 'https://gitlab.com', aud };
    expect(sim.evaluate({ claims: { ...gh, sub: 'repo:acme@1234567/web@890123456:environment:production' } }).allowed).toBe(true);
    expect(sim.evaluate({ claims: { ...gh, sub: 'repo:acme/web:environment:production' } }).allowed).toBe(false);
    expect(sim.evaluate({ claims: { ...gh, sub: 'repo:acme@1234567/web@890123456:ref:refs/heads/main' } }).allowed).toBe(false);
    expect(sim.evaluate({ claims: { ...gl, sub: 'project_path:platform/infra:project_id:4242:ref_type:branch:ref:main:ref_protected:true' } }).allowed).toBe(true);
    expect(sim.evaluate({ claims: { ...gl, sub: 'project_path:platform/infra:project_id:4242:ref_type:branch:ref:main:ref_protected:false' } }).allowed).toBe(false);
    expect(sim.evaluate({ claims: { ...gl, sub: 'project_path:platform/infra:ref_type:branch:ref:main' } }).allowed).toBe(false);
    expect(tf.terraform.required_providers.azurerm.version).toBe('4.55.0');
    expect(Object.values<any>(tf.resource.azurerm_role_assignment)[0]).toMatchObject({ role_definition_name: 'Contributor', principal_type: 'ServicePrincipal' });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
