/**
 * Condition values as patterns: IAM `StringEquals`/`StringLike`, CEL `startsWith`/`matches` and
 * Flexible-FIC `matches` all become one encoding (literal text, with ANY/ONE for wildcards), which
 * the subject analysers (lib/ci/<provider>/analyser.ts) read.
 */
import { ANY, ONE } from '../../ci/analyser';

export { showPattern } from '../../ci/analyser';

export type MatchMode = 'exact' | 'glob' | 'prefix' | 'regex';

/**
 * Encodes a condition value as a pattern. By default the value is IAM's: `${*}`, `${?}` and `${$}`
 * are a literal `*`, `?` and `$`, and any other `${…}` (a policy variable, or a placeholder the
 * review could not resolve) is unknown: the result is undefined. `literal`: the value is known text
 * in which `${` is itself (a CEL string or an Entra subject read from Terraform, where `$${` was the
 * escape).
 */
export function encodePattern(value: string, mode: MatchMode, literal = false): string | undefined {
  switch (mode) {
    case 'exact':
      return literal || !value.includes('${') ? value : iamText(value);
    case 'prefix':
      return value + ANY;
    case 'glob': {
      let out = '';
      for (let i = 0; i < value.length; i++) {
        const c = value[i];
        if (!literal && c === '$' && value[i + 1] === '{') {
          const end = value.indexOf('}', i);
          const inner = end < 0 ? undefined : value.slice(i + 2, end);
          if (inner === '*' || inner === '?' || inner === '$') {
            out += inner;
            i = end;
            continue;
          }
          return undefined;
        }
        out += c === '*' ? ANY : c === '?' ? ONE : c;
      }
      return out;
    }
    case 'regex': {
      // Leading inline flags such as (?s) (dot matches newline) do not change which text is literal.
      let s = value.replace(/^\(\?[imsU]+\)/, '');
      const anchoredStart = s.startsWith('^');
      const anchoredEnd = s.endsWith('$') && !s.endsWith('\\$');
      if (anchoredStart) s = s.slice(1);
      if (anchoredEnd) s = s.slice(0, -1);
      // Approximation of RE2: `.*`/`.+` → any run, `.` → one char, `\x` → literal x.
      let out = '';
      for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (c === '\\' && i + 1 < s.length) {
          out += s[++i];
        } else if (c === '.' && (s[i + 1] === '*' || s[i + 1] === '+')) {
          out += ANY;
          i++;
        } else if (c === '.') {
          out += ONE;
        } else if ('[(|+*?{'.includes(c)) {
          out += ANY; // character classes, groups, alternation: treat as "anything here"
        } else {
          out += c;
        }
      }
      return (anchoredStart ? '' : ANY) + out + (anchoredEnd ? '' : ANY);
    }
  }
}

/** An IAM value with its escapes read (`${*}`, `${?}`, `${$}`); undefined when it holds another variable. */
function iamText(value: string): string | undefined {
  const text = value.replace(/\$\{([*?$])\}/g, '$1');
  return value.replace(/\$\{[*?$]\}/g, '').includes('${') ? undefined : text;
}
