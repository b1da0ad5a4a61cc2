/**
 * Terraform reads every string of a configuration (HCL or JSON) as a template: `${…}` is an
 * interpolation and `%{…}` a directive, and `$${` / `%%{` are the escapes for a literal `${` / `%{`
 * (https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences).
 * A trust's values are literals a branch, subject or audience may legally contain (`feature/${x}`):
 * every string the constructs write from them goes through `terraformLiteral`, or Terraform would
 * evaluate it and the deployed condition would no longer be the compiled one.
 * @internal
 */
export function terraformLiteral(value: string): string {
  return value.replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
}
