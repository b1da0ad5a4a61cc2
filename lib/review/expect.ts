import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CiOidcRole } from '../aws/role';
import { AwsTrustSimulator } from '../aws/simulator';
import { AzureFederationSimulator } from '../azure/simulator';
import { GcpTrustSimulator } from '../gcp/simulator';
import { RequestContext } from '../model/network';
import { Decision } from '../model/trust';

/** Decides a token against a compiled artifact. @internal */
interface Decider {
  decide(claims: Record<string, any>, request?: RequestContext): Decision;
}

/**
 * Token expectations for your tests, evaluated against what was actually synthesized (the
 * simulators), not against the model:
 *
 *   TokenExpectation.forRole(role).allows({ iss, aud, sub, ref });
 *   TokenExpectation.forRole(role).denies({ ...token, ref: 'refs/heads/dev' }, 'refs/heads/dev');
 */
export class TokenExpectation {
  /** Expectations against a CiOidcRole's synthesized trust policy. */
  public static forRole(role: CiOidcRole): TokenExpectation {
    const stack = Stack.of(role);
    const template = Template.fromStack(stack).toJSON();
    return TokenExpectation.forCloudFormation(template, stack.getLogicalId(role.node.defaultChild as any));
  }

  /** Expectations against a role in a CloudFormation template. */
  public static forCloudFormation(template: any, roleLogicalId?: string): TokenExpectation {
    const sim = AwsTrustSimulator.fromTemplate(template, roleLogicalId);
    return new TokenExpectation({
      decide: (claims, request) => {
        const r = sim.assume({ claims, sourceIp: request?.sourceIp, vpcId: request?.awsVpcId, vpcEndpointId: request?.awsVpcEndpointId });
        // The simulator traces every test; a denial's reasons are the tests that failed.
        const failed = r.reasons.filter((x) => !/-> true$|principal matches|is covered by|^Token: /.test(x));
        return { allowed: r.allowed, reasons: r.allowed ? [] : failed };
      },
    });
  }

  /**
   * Expectations against a synthesized GCP workload identity provider (Terraform JSON, e.g.
   * `JSON.parse(Testing.synth(stack))`); `member` checks a grant too. Needs `@bufbuild/cel`.
   */
  public static forGcpProvider(terraformJson: any, providerResourceName?: string, member?: string): TokenExpectation {
    const sim = GcpTrustSimulator.fromTerraformJson(terraformJson, providerResourceName);
    return new TokenExpectation({ decide: (claims) => sim.evaluate(claims, member ? { member } : undefined) });
  }

  /** Expectations against the federated credentials of a synthesized Azure identity (Terraform JSON). */
  public static forAzureIdentity(terraformJson: any, identityName?: string): TokenExpectation {
    const sim = AzureFederationSimulator.fromTerraformJson(terraformJson, identityName);
    return new TokenExpectation({
      decide: (claims) => {
        const r = sim.evaluate(claims);
        // The simulator traces every test; a denial's reasons are the tests that failed.
        const failed = r.reasons.filter((x) => !/-> true$|principal matches|is covered by|^Token: /.test(x));
        return { allowed: r.allowed, reasons: r.allowed ? [] : failed };
      },
    });
  }

  /** @internal */
  public static _fromDecider(d: Decider): TokenExpectation {
    return new TokenExpectation(d);
  }

  private readonly decider: Decider;

  private constructor(decider: Decider) {
    this.decider = decider;
  }

  /** The verdict and its reasons. */
  public decide(claims: { [claim: string]: any }, request?: RequestContext): Decision {
    return this.decider.decide(claims, request);
  }

  /** Throws (with the reasons) unless the compiled artifact allows the token. */
  public allows(claims: { [claim: string]: any }, request?: RequestContext): void {
    const d = this.decide(claims, request);
    if (!d.allowed) throw new Error(`expected the token to be allowed, but it was denied:\n  ${d.reasons.join('\n  ')}`);
  }

  /**
   * Throws unless the compiled artifact denies the token; with `because`, also unless one of the
   * reasons mentions it (e.g. `refs/heads/dev`).
   */
  public denies(claims: { [claim: string]: any }, because?: string, request?: RequestContext): void {
    const d = this.decide(claims, request);
    if (d.allowed) throw new Error('expected the token to be denied, but it was allowed');
    if (because !== undefined && !d.reasons.some((r) => r.includes(because))) {
      throw new Error(`expected a denial because of ${JSON.stringify(because)}, but the reasons were:\n  ${d.reasons.join('\n  ')}`);
    }
  }
}
