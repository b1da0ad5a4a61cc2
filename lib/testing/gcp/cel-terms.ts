/**
 * The top-level `&&` (or `||`) terms of a CEL expression, split by text (quotes, escapes and
 * brackets respected), so that a false `attribute_condition` can say which of its terms is false.
 * Each term is then evaluated by the real CEL engine; this only finds where the terms are. A text
 * that does not split cleanly (unbalanced brackets or quotes) gives one term: the whole expression.
 */
export function topLevelTerms(expr: string, op: '&&' | '||' = '&&'): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote !== undefined) {
      if (c === '\\') {
        i++;
      } else if (expr.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = expr.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth < 0) return [expr.trim()];
    } else if (depth === 0 && expr.startsWith(op, i)) {
      terms.push(expr.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  if (depth !== 0 || quote !== undefined) return [expr.trim()];
  terms.push(expr.slice(start).trim());
  // A whole expression in parentheses: split inside them.
  if (terms.length === 1 && /^\(.*\)$/s.test(terms[0])) {
    const inner = terms[0].slice(1, -1);
    if (topLevelBalanced(inner)) return topLevelTerms(inner, op);
  }
  return terms.filter((t) => t !== '');
}

/** Whether the parentheses of a text balance without going below zero (quotes ignored). */
function topLevelBalanced(s: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
