/**
 * Input discovery and loading: which files of a cdk.out, cdktf.out, Terraform or CloudFormation
 * directory to scan, how each is read (JSON, YAML, HCL), and which input format each is. Problems
 * are InputErrors (one line, no stack trace).
 */
import * as fs from 'fs';
import * as path from 'path';
import { looksLikeCloudFormationYaml, parseCloudFormationYaml } from './cloudformation-yaml';
import { InputError } from './errors';
import { parseHcl } from './hcl';
import { isPlanOrState } from './terraform-plan';
import { InputFormat, LoadedFile } from './types';
import { isObj } from './util';

export { InputError };

// ---------------------------------------------------------------- discovery

// `.terraform` holds downloaded providers and module copies, not the configuration under review.
const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform']);

/** Files that are inputs by their name alone. */
const BY_NAME = /(\.template\.json|\.tf\.json|\.tf|\.tfvars|\.tfvars\.json|\.tfstate)$/;
/** Files that are inputs when their content says so (CloudFormation YAML, plan/state JSON, templates). */
const BY_CONTENT = /\.(json|ya?ml|template)$/;

/**
 * Lists the files to scan under `target` (a file, cdk.out, cdktf.out or any directory), sorted.
 * cdk.out manifests are honoured; the tree is globbed for `*.template.json`, `*.tf.json`, `*.tf`,
 * `*.tfvars[.json]` and `*.tfstate`; other `*.json`, `*.yaml`, `*.yml` and `*.template` files are
 * kept when they are CloudFormation templates or `terraform show -json` output.
 */
export function discoverFiles(target: string): { root: string; files: string[] } {
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    throw new InputError(`${target}: no such file or directory. Pass a cdk.out or cdktf.out directory, a Terraform or CloudFormation directory, or a template, .tf or plan JSON file.`);
  }
  if (st.isFile()) return { root: path.dirname(target), files: [path.basename(target)] };
  if (!st.isDirectory()) throw new InputError(`${target}: not a file or directory.`);

  const found = new Set<string>();
  const manifest = path.join(target, 'manifest.json');
  if (fs.existsSync(manifest)) {
    const m = readJson(manifest, path.relative(target, manifest) || 'manifest.json') as any;
    for (const art of Object.values<any>(m?.artifacts ?? {})) {
      const tf = art?.type === 'aws:cloudformation:stack' ? art?.properties?.templateFile : undefined;
      if (typeof tf === 'string' && fs.existsSync(path.join(target, tf))) found.add(toPosix(tf));
    }
  }
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        // cdk.out asset directories hold user code, not templates.
        if (SKIP_DIRS.has(e.name) || e.name.startsWith('asset.')) continue;
        walk(full, depth + 1);
      } else if (e.isFile() && (BY_NAME.test(e.name) || (BY_CONTENT.test(e.name) && isInputByContent(full)))) {
        found.add(toPosix(path.relative(target, full)));
      }
    }
  };
  walk(target, 0);
  return { root: target, files: [...found].sort() };
}

/** A JSON/YAML file found in a directory is reviewed only when it is a template, plan or state. */
function isInputByContent(full: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch {
    return false;
  }
  if (/\.ya?ml$|\.template$/.test(full) && !/^\s*[{[]/.test(text)) return looksLikeCloudFormationYaml(text);
  try {
    const json = JSON.parse(text);
    return isPlanOrState(json) || detectFormat(json) === 'cloudformation';
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function readText(full: string, shown: string): string {
  try {
    return fs.readFileSync(full, 'utf8');
  } catch (e) {
    throw new InputError(`${shown}: cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

function readJson(full: string, shown: string): unknown {
  return parseJson(readText(full, shown), shown);
}

function parseJson(text: string, shown: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${shown}: not valid JSON (${(e as Error).message}). Pass a synthesized CloudFormation template, Terraform JSON or \`terraform show -json\` output.`);
  }
}

const isHcl = (file: string) => /\.(tf|tfvars)$/.test(file);
const isYaml = (file: string, text: string) => /\.(ya?ml|template)$/.test(file) && !/^\s*[{[]/.test(text);

/** Reads one non-HCL file: JSON, or CloudFormation YAML. */
function loadSync(root: string, file: string): LoadedFile {
  const text = readText(path.join(root, file), file);
  if (isYaml(file, text)) {
    const { json, regions } = parseCloudFormationYaml(file, text);
    // YAML that is not a template (a CI workflow named explicitly) has no format: the CLI says so.
    return looksLikeCloudFormationYaml(text) ? { file, json, text, regions, format: 'cloudformation-yaml' } : { file, json: null, text };
  }
  const json = parseJson(text, file);
  const format = /\.tfvars\.json$/.test(file) ? 'terraform-vars' : undefined;
  return { file, json, text, ...(format ? { format } : {}) };
}

/**
 * Reads and parses the discovered files (JSON and YAML). HCL needs the asynchronous parser: use
 * loadInputs, which reads every kind.
 */
export function loadFiles(root: string, files: string[]): LoadedFile[] {
  return files.map(file => {
    if (isHcl(file)) throw new InputError(`${file}: HCL is read asynchronously: use \`npx ci-oidc-trust review\` or \`await TrustReport.fromPathAsync()\`.`);
    return loadSync(root, file);
  });
}

/** Reads and parses the discovered files of every kind, HCL included. */
export async function loadInputs(root: string, files: string[]): Promise<LoadedFile[]> {
  const out: LoadedFile[] = [];
  for (const file of files) {
    if (!isHcl(file)) {
      out.push(loadSync(root, file));
      continue;
    }
    const text = readText(path.join(root, file), file);
    const json = await parseHcl(file, text);
    out.push({ file, json, text, format: file.endsWith('.tfvars') ? 'terraform-vars' : 'terraform-hcl' });
  }
  return out;
}

export function detectFormat(json: unknown): InputFormat | undefined {
  if (!isObj(json)) return undefined;
  if (isPlanOrState(json)) return 'terraform-plan';
  if ('Resources' in json || 'AWSTemplateFormatVersion' in json) return 'cloudformation';
  if ('resource' in json || 'data' in json || 'terraform' in json || 'provider' in json) return 'terraform-json';
  return undefined;
}

/** The format of a loaded file: what its loader said, else what its content is. */
export function formatOf(f: LoadedFile): InputFormat | undefined {
  if (f.format) return f.format;
  if (/\.tfvars\.json$/.test(f.file)) return 'terraform-vars';
  const d = detectFormat(f.json);
  // An HCL or Terraform JSON file with only variables/locals/outputs is still part of a module.
  if (d === undefined && /\.tf\.json$/.test(f.file) && isObj(f.json)) return 'terraform-json';
  return d;
}
