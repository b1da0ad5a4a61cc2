import { TrustConfigError } from '../../model/errors';

/**
 * The value Terraform gives a string of its JSON syntax: `$${` and `%%{` are the escapes for a
 * literal `${` / `%{`; an unescaped `${` or `%{` is an interpolation or a directive, whose value
 * only Terraform knows (undefined). Written apart from the constructs' escaping
 * (lib/emit/terraform.ts), so the simulators read Terraform's rule, not the
 * compilers'; test/emit/terraform.test.ts holds both to the real `terraform` where it is installed.
 * https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 * @internal
 */
export function readTerraformString(raw: string): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const three = raw.slice(i, i + 3);
    if (three === '$${' || three === '%%{') {
      out += three.slice(1);
      i += 2;
    } else if (raw.startsWith('${', i) || raw.startsWith('%{', i)) {
      return undefined;
    } else {
      out += raw[i];
    }
  }
  return out;
}

/** `readTerraformString` for a simulator: an expression is refused, naming `where` and `what`. @internal */
export function terraformStringValue(raw: string, where: string, what: string): string {
  const value = readTerraformString(raw);
  if (value === undefined) {
    throw new TrustConfigError(where, `${what} is a Terraform template expression (${JSON.stringify(raw)}); the simulator needs literals`, 'write the value as a literal (escape ${ as $${ and %{ as %%{)');
  }
  return value;
}
