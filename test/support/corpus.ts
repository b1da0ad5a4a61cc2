/**
 * The one reader of the token corpus (test/corpus/tokens.json: published CI token payloads, see
 * test/corpus/README.md). Every call parses the file again, so a test can never change what
 * another test reads.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A corpus entry. */
export interface CorpusToken {
  readonly provider: string;
  readonly source: string;
  readonly description: string;
  readonly claims: Record<string, any>;
}

const FILE = path.join(__dirname, '..', 'corpus', 'tokens.json');

/** Every corpus token, or those of one CI provider (`github-actions`, `gitlab-ci`, …), in file order. */
export function corpusTokens(provider?: string): CorpusToken[] {
  const all: CorpusToken[] = JSON.parse(fs.readFileSync(FILE, 'utf8'));
  return provider === undefined ? all : all.filter((t) => t.provider === provider);
}
