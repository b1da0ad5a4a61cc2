import type { GenericOidcDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { firstAudience } from '../snippet-parts';

/** Nothing is known about the CI system: say what to request and where to exchange it. @internal */
export function genericSnippet(source: SnippetSource<GenericOidcDetails>, t: SnippetTarget): string {
  return `# Request a token from ${source.issuer} with audience ${firstAudience(source)}, then exchange it with ${t.principal}.\n`;
}
