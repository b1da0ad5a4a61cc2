/**
 * Input discovery and loading: which files of a cdk.out, cdktf.out or directory to scan, read as
 * JSON, and which input format each is. Problems are InputErrors (one line, no stack trace).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputFormat, LoadedFile } from './types';
import { isObj } from './util';

/** A user-facing input problem: printed as one line, never with a stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

// ---------------------------------------------------------------- discovery

const SKIP_DIRS = new Set(['node_modules', '.git']);

/**
 * Lists the template files to scan under `target` (a file, cdk.out, cdktf.out or any
 * directory), sorted. cdk.out manifests are honoured, and the tree is also globbed for
 * `*.template.json` / `*.tf.json`, so nested assemblies and hand-written files are found.
 */
export function discoverFiles(target: string): { root: string; files: string[] } {
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    throw new InputError(`${target}: no such file or directory. Pass a cdk.out or cdktf.out directory, or a template .json file.`);
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
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        // cdk.out asset directories hold user code, not templates.
        if (SKIP_DIRS.has(e.name) || e.name.startsWith('asset.')) continue;
        walk(full, depth + 1);
      } else if (e.isFile() && (e.name.endsWith('.template.json') || e.name.endsWith('.tf.json'))) {
        found.add(toPosix(path.relative(target, full)));
      }
    }
  };
  walk(target, 0);
  return { root: target, files: [...found].sort() };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function readJson(full: string, shown: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (e) {
    throw new InputError(`${shown}: cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${shown}: not valid JSON (${(e as Error).message}). Pass a synthesized CloudFormation template or Terraform JSON file.`);
  }
}

/** Reads and parses the discovered files. */
export function loadFiles(root: string, files: string[]): LoadedFile[] {
  return files.map(file => ({ file, json: readJson(path.join(root, file), file) }));
}

export function detectFormat(json: unknown): InputFormat | undefined {
  if (!isObj(json)) return undefined;
  if ('Resources' in json || 'AWSTemplateFormatVersion' in json) return 'cloudformation';
  if ('resource' in json || 'data' in json || 'terraform' in json || 'provider' in json) return 'terraform-json';
  return undefined;
}

