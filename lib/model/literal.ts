import { TrustConfigError } from './errors';

/**
 * CDK and CDKTF stand for a value known only at deploy (a CloudFormation parameter, a resource
 * attribute, a Terraform variable) with marker text in a string: `${Token[TOKEN.12]}`,
 * `${TfToken[TOKEN.3]}`, `#{Token[…]}` in a list. A trust is compiled, checked and reviewed at
 * synth, where such a value would be this text: IAM would match it literally (escaped, it matches
 * no token), a review would show it, and no rule could check it.
 * @internal
 */
const UNRESOLVED_TOKEN = /[$#]\{(?:Tf)?Token\[/;

/**
 * Refuse a token where a trust needs a literal value. `what` names the value in the message
 * (`claim workflow: value`), `noun` in the fix (`value`).
 * @internal
 */
export function refuseUnresolvedToken(where: string, what: string, value: string, noun = what): void {
  if (!UNRESOLVED_TOKEN.test(value)) return;
  throw new TrustConfigError(where,
    `${what} ${JSON.stringify(value)} is an unresolved token (a value known only at deploy, such as a CloudFormation parameter or a Terraform variable); a trust is compiled and checked at synth, where it is only this text`,
    `give the literal ${noun}; to vary it by environment, read it at synth (context, an environment variable or a file)`);
}
