/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from 'fs';
import * as path from 'path';
import type { IConstruct } from 'constructs';
import { TrustConfigError } from '../../model/errors';

/*
 * What a construct synthesizes to, for the simulators' construct-based factories. aws-cdk-lib and
 * cdktf are required here, when called, so that importing the test kit loads neither (a CDKTF-only
 * user has no aws-cdk-lib, a CDK-only user no cdktf).
 */

function load(where: string, module: string): any {
  try {
    return require(module);
  } catch (e) {
    throw new TrustConfigError(where, `cannot load ${module} (${(e as Error).message})`, `install ${module}`);
  }
}

/** The synthesized CloudFormation template of the construct's stack, and the logical id of its default child. @internal */
export function cloudFormationOf(construct: IConstruct, where: string): { template: any; logicalId: string } {
  const cdk = load(where, 'aws-cdk-lib');
  const stack = cdk.Stack.of(construct);
  const stage = cdk.Stage.of(stack);
  if (!stage) {
    throw new TrustConfigError(where, `stack ${stack.node.path} is not in an App or Stage, so it cannot be synthesized`, 'create the stack in an aws-cdk-lib App');
  }
  // As aws-cdk-lib/assertions Template.fromStack does, without loading the assertions module.
  const assembly = stage.synth();
  const template = stack.nestedStackParent
    ? JSON.parse(fs.readFileSync(path.join(assembly.directory, stack.templateFile), 'utf8'))
    : assembly.getStackArtifact(stack.artifactId).template;
  const cfn = construct.node.defaultChild;
  if (!cfn || !cdk.CfnElement.isCfnElement(cfn)) {
    throw new TrustConfigError(where, `${construct.node.path} has no CloudFormation resource as its default child`, 'pass the CiOidcRole itself');
  }
  return { template, logicalId: stack.getLogicalId(cfn) };
}

/** The Terraform JSON of the construct's stack (cdktf `Testing.synth`, which drops the `//` comments). @internal */
export function terraformJsonOf(construct: IConstruct, where: string): any {
  const cdktf = load(where, 'cdktf');
  return JSON.parse(cdktf.Testing.synth(cdktf.TerraformStack.of(construct)));
}

/** The Terraform resource name (`friendlyUniqueId`) of a cdktf resource construct. @internal */
export function terraformNameOf(resource: unknown, where: string): string {
  const name = (resource as { friendlyUniqueId?: unknown } | undefined)?.friendlyUniqueId;
  if (typeof name !== 'string') throw new TrustConfigError(where, 'the construct holds no cdktf resource', 'pass the construct created by ci-oidc-trust');
  return name;
}
