/**
 * Reading a rendered CI snippet back: its files (`# <path>`, `# ` notes, body; files separated by a
 * `---` line), each YAML body parsed strictly by eemeli/yaml. Test-side code: it does not import
 * the snippet renderers' helpers.
 */
import { parseDocument } from 'yaml';
import { GroovyNode, parseGroovy } from './groovy';

export interface ParsedFile {
  readonly path: string;
  readonly notes: string[];
  readonly body: string;
  /** The parsed YAML body (undefined for KEY=value, shell and Groovy files). */
  readonly yaml?: any;
  /** A Jenkinsfile's statements (test/snippets/groovy.ts). */
  readonly groovy?: GroovyNode[];
}

/** Paths whose body is not YAML. */
const NOT_YAML = /: variables$|: shell$|^Jenkinsfile$/;

export function snippetFiles(text: string): ParsedFile[] {
  return text.split(/^---\n/m).map((chunk) => {
    const lines = chunk.split('\n');
    const head = lines.shift() ?? '';
    if (!head.startsWith('# ')) throw new Error(`a snippet file must start with "# <path>", got ${JSON.stringify(head)}`);
    const notes: string[] = [];
    while (lines.length && lines[0].startsWith('# ')) notes.push(lines.shift()!.slice(2));
    const body = lines.join('\n');
    const path = head.slice(2);
    if (path === 'Jenkinsfile') return { path, notes, body, groovy: parseGroovy(body) };
    return { path, notes, body, ...(NOT_YAML.test(path) ? {} : { yaml: parseYaml(body, path) }) };
  });
}

/** YAML 1.2, strict: any error or warning (duplicate keys, bad indentation, tabs) fails the test. */
export function parseYaml(body: string, where: string): any {
  const doc = parseDocument(body, { strict: true, uniqueKeys: true, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) throw new Error(`${where}: ${problems.map((p) => p.message).join('; ')}`);
  return doc.toJS();
}

/** `KEY=value` lines of an env file. */
export function envVars(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of body.split('\n').filter((l) => l.trim() !== '')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`not a KEY=value line: ${JSON.stringify(line)}`);
    if (m[1] in out) throw new Error(`variable ${m[1]} is set twice`);
    out[m[1]] = m[2];
  }
  return out;
}

/**
 * Lines that would put a secret into the job log: commands that print credentials, access tokens or
 * the OIDC token itself (echo/printf/cat of a token not redirected to a file), or shell tracing.
 */
export function credentialLeaks(text: string): string[] {
  const leaks: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#\s.*$/, '');
    if (/assume-role-with-web-identity|\bsts assume-role\b|get-session-token|SecretAccessKey|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/.test(line)) leaks.push(raw);
    if (/print-access-token|print-identity-token|get-access-token|--show-token/.test(line)) leaks.push(raw);
    if (/\bset -x\b|\bset -o xtrace\b/.test(line)) leaks.push(raw);
    // Printing the ID token: allowed only into a file (`> file`) or as a command substitution's input.
    if (/\b(echo|printf|cat)\b.*(TOKEN|token)/.test(line) && !/>\s*"?[$/A-Za-z.]/.test(line) && !/\$\(cat /.test(line)) leaks.push(raw);
  }
  return leaks;
}
