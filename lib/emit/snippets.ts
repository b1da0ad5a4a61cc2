import { SnippetSource, SnippetTarget } from '../ci/provider-spec';
import { providerSpec } from '../ci/registry';

/**
 * The CI-side configuration a trust needs (what the job must request for the compiled trust to
 * accept its token), rendered by the trust's provider (lib/ci/<provider>/snippet.ts). Shown in the
 * review and offered as stack outputs. A provider the registry does not know gets the generic text.
 * @internal
 */
export function ciSnippet(trust: SnippetSource, target: SnippetTarget): string {
  return providerSpec(trust.provider).snippet(trust, target);
}
