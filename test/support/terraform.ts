/** The real `terraform` for the tests that use it as an oracle: TERRAFORM, else the first on PATH; undefined when absent (those tests skip with a notice). */
import { execFileSync } from 'child_process';
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

const PLUGIN_DIR = process.env.CIT_TF_PLUGIN_DIR ?? '/opt/tf-plugins';

/** Why `terraform plan` with the AWS provider cannot run offline here (no terraform, or no provider mirror); undefined when it can. */
export function awsPlanMissing(): string | undefined {
  if (!findTerraform()) return 'terraform is not on PATH (set TERRAFORM)';
  if (!fs.existsSync(path.join(PLUGIN_DIR, 'registry.terraform.io', 'hashicorp', 'aws'))) return `no hashicorp/aws provider mirror under ${PLUGIN_DIR} (set CIT_TF_PLUGIN_DIR)`;
  return undefined;
}

/**
 * `terraform init` from the provider mirror and `plan -out=plan.out` in `dir`, offline (an empty CLI
 * configuration, no checkpoint calls, its own data directory); returns `terraform show -json` of
 * the plan, parsed. Only where awsPlanMissing() is undefined.
 */
export function planJson(dir: string): any {
  const cliConfig = path.join(dir, 'terraform.rc');
  fs.writeFileSync(cliConfig, '');
  const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_DATA_DIR: path.join(dir, '.terraform') };
  const tf = (...args: string[]) => execFileSync(findTerraform()!, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 }).toString();
  tf('init', `-plugin-dir=${PLUGIN_DIR}`, '-input=false', '-no-color');
  tf('plan', '-input=false', '-no-color', '-lock=false', '-out=plan.out');
  return JSON.parse(tf('show', '-json', '-no-color', 'plan.out'));
}
