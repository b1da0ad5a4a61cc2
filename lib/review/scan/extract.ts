/**
 * Reads synthesized or written infrastructure (CloudFormation JSON/YAML, Terraform JSON, HCL,
 * `terraform show -json` plans and states) and extracts every CI-OIDC trust relationship into one
 * normalized, cloud-tagged shape (extract/types.ts), one extractor per input format and cloud
 * (extract/*). Every Terraform form is first brought to the Terraform JSON the extractors read
 * (extract/terraform-config.ts, extract/terraform-plan.ts). Extraction never judges; it records
 * what it could not resolve so the scanner can report it. (A file beside its directory, not
 * extract/index.ts, so a stale compiled extract.js can never shadow the directory.)
 */
import * as path from 'path';
import { extractCloudFormation } from './extract/cloudformation-aws';
import { formatOf } from './extract/files';
import { regionIn } from './extract/regions';
import { extractTfAws } from './extract/terraform-aws';
import { extractTfAzure } from './extract/terraform-azure';
import { ModuleFile, normalizeModule } from './extract/terraform-config';
import { extractTfGcp } from './extract/terraform-gcp';
import { planModules } from './extract/terraform-plan';
import { InputFormat, LoadedFile, TrustRelationship } from './extract/types';
import { isObj, Obj } from './extract/util';
import { cmp } from '../../model/text';

export { providerForIssuer, providerForSubject } from '../../ci/analysers';
export { splitConditionKey } from './extract/aws-policy';
export { extractCloudFormation } from './extract/cloudformation-aws';
export { detectFormat, discoverFiles, formatOf, InputError, loadFiles, loadInputs } from './extract/files';
export { isLiteral } from './extract/terraform-config';
export { parseWifMember } from './extract/terraform-gcp';
export type { AwsCondition, AzureRoleAssignment, CiProvider, Cloud, GcpGrant, InputFormat, LoadedFile, Region, TrustMetadata, TrustRelationship, ValuePart } from './extract/types';
export { normalizeIssuer } from './extract/util';
export { cmp };

/** Every trust relationship of one Terraform JSON file (any shape), AWS then GCP then Azure. */
export function extractTerraform(file: string, tf: Obj): TrustRelationship[] {
  const { tf: normalized } = normalizeModule([{ file, json: tf }]);
  return extractNormalized(file, normalized);
}

function extractNormalized(file: string, tf: Obj): TrustRelationship[] {
  return [...extractTfAws(file, tf), ...extractTfGcp(file, tf), ...extractTfAzure(file, tf)];
}

/**
 * A Terraform module as the extractors read it: its normalized Terraform JSON (variables, locals
 * and functions evaluated; a literal `${` written `$${`, an unknown as `${…}`), the files it is
 * made of (the first names it), where each resource is defined, and, for a plan's child module, its
 * address (`module.a`).
 */
export interface TerraformModule {
  readonly files: readonly LoadedFile[];
  readonly tf: Obj;
  readonly sources: ReadonlyMap<string, string>;
  readonly modulePath: string;
}

/**
 * The Terraform modules of the files, in stable order. HCL files are read as Terraform does, one
 * module per directory with the `.tf.json` files and `.tfvars` beside them; a Terraform JSON file in
 * a directory without `.tf` files stands alone (cdktf writes one stack per file); a plan gives one
 * per module it holds.
 */
export function terraformModules(files: readonly LoadedFile[]): TerraformModule[] {
  const out: TerraformModule[] = [];
  const dirOf = (f: string) => path.posix.dirname(f);
  const hclDirs = new Set(files.filter(f => formatOf(f) === 'terraform-hcl').map(f => dirOf(f.file)));
  // The variable files Terraform loads by itself, in its order (later ones win); others need -var-file.
  const varsByDir = new Map<string, Obj[]>();
  const autoVars = files.filter(f => formatOf(f) === 'terraform-vars' && isObj(f.json) && autoVarRank(f.file) !== undefined)
    .sort((a, b) => autoVarRank(a.file)! - autoVarRank(b.file)! || cmp(a.file, b.file));
  for (const f of autoVars) varsByDir.set(dirOf(f.file), [...(varsByDir.get(dirOf(f.file)) ?? []), f.json as Obj]);
  const modules = new Map<string, LoadedFile[]>();
  for (const f of files) {
    const fmt = formatOf(f);
    if (fmt === 'terraform-plan') {
      for (const m of planModules(f.json as Obj)) out.push({ files: [f], tf: m.tf, sources: new Map(), modulePath: m.path });
    } else if (fmt === 'terraform-hcl' || (fmt === 'terraform-json' && hclDirs.has(dirOf(f.file)))) {
      modules.set(dirOf(f.file), [...(modules.get(dirOf(f.file)) ?? []), f]);
    } else if (fmt === 'terraform-json') {
      modules.set(f.file, [f]);
    }
  }
  for (const [key, members] of [...modules.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const moduleFiles: ModuleFile[] = members.filter(m => isObj(m.json)).map(m => ({ file: m.file, json: m.json as Obj }));
    const tfvars = hclDirs.has(key) || members.length > 1 ? varsByDir.get(key) ?? [] : varsByDir.get(dirOf(key)) ?? [];
    const { tf, sources } = normalizeModule(moduleFiles, tfvars);
    out.push({ files: members, tf, sources, modulePath: '' });
  }
  return out;
}

/** Extracts the trust relationships of all files, in stable order (file, resource, statement). */
export function extractAll(files: LoadedFile[]): TrustRelationship[] {
  const out: TrustRelationship[] = [];
  for (const f of files) {
    const fmt = formatOf(f);
    if (fmt === 'cloudformation' || fmt === 'cloudformation-yaml') out.push(...withRegions(extractCloudFormation(f.file, f.json as Obj), f, fmt));
  }
  for (const m of terraformModules(files)) {
    const first = m.files[0];
    if (formatOf(first) === 'terraform-plan') {
      out.push(...withRegions(extractNormalized(first.file, m.tf).map(t => inModule(t, m.modulePath)), first, 'terraform-plan'));
      continue;
    }
    const byFile = new Map(m.files.map(x => [x.file, x]));
    for (const t of extractNormalized(first.file, m.tf)) {
      const file = m.sources.get(t.resource) ?? first.file;
      const moved = file === first.file ? t : { ...t, file, id: `${file}${t.id.slice(first.file.length)}` };
      const loaded = byFile.get(file)!;
      out.push(...withRegions([moved], loaded, formatOf(loaded)!));
    }
  }
  return sortTrusts(out);
}

/** terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars[.json]; undefined for other files. */
function autoVarRank(file: string): number | undefined {
  const base = path.posix.basename(file);
  if (base === 'terraform.tfvars') return 0;
  if (base === 'terraform.tfvars.json') return 1;
  if (/\.auto\.tfvars(\.json)?$/.test(base)) return 2;
  return undefined;
}

/** A resource of a child module in a plan: its full address (`module.a.aws_iam_role.r`). */
function inModule(t: TrustRelationship, modulePath: string): TrustRelationship {
  if (!modulePath) return t;
  const resource = `${modulePath}.${t.resource}`;
  const suffix = t.id.slice(`${t.file}#${t.resource}`.length);
  return { ...t, resource, id: `${t.file}#${resource}${suffix}` };
}

function withRegions(trusts: TrustRelationship[], f: LoadedFile, format: InputFormat): TrustRelationship[] {
  return trusts.map(t => {
    const region = regionIn(f, format, t.resource);
    return { ...t, format, ...(region ? { region } : {}) };
  });
}

export function sortTrusts(ts: TrustRelationship[]): TrustRelationship[] {
  return [...ts].sort((a, b) => cmp(a.file, b.file) || cmp(a.resource, b.resource) || (a.statement ?? -1) - (b.statement ?? -1) || cmp(a.id, b.id));
}
