// The CI snippets are rendered by each provider (lib/ci/<provider>/snippet.ts) through lib/emit;
// the review renders them from the review metadata with this.
export { ciSnippet } from '../emit/snippets';
export type { SnippetSource, SnippetTarget } from '../ci/provider-spec';
