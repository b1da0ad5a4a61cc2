/** The real `terraform` for the tests that use it as an oracle: TERRAFORM, else the first on PATH; undefined when absent (those tests skip with a notice). */
import * as fs from 'fs';
import * as path from 'path';

export function findTerraform(): string | undefined {
  const candidates = process.env.TERRAFORM ? [process.env.TERRAFORM] : (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'terraform'));
  return candidates.find((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
