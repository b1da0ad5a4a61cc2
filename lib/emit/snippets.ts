import { SnippetAzureCloud, SnippetSource, SnippetTarget } from '../ci/provider-spec';
import { providerSpec } from '../ci/registry';

/**
 * The CI-side configuration a trust needs (what the job must request for the compiled trust to
 * accept its token), rendered by the trust's provider (lib/ci/<provider>/snippet.ts). Shown in the
 * review and offered as stack outputs. A provider the registry does not know gets the generic text.
 * @internal
 */
export function ciSnippet(trust: SnippetSource, target: SnippetTarget): string {
  return providerSpec(trust.provider).snippet(trust, snippetTarget(target));
}

const CLOUDS: readonly SnippetAzureCloud[] = ['PUBLIC', 'US_GOVERNMENT', 'CHINA'];

/**
 * A target as the snippets expect it, also when read back from review metadata (untrusted JSON):
 * only string fields are kept, and an earlier build's `extra` (the GCP service account or the
 * Azure tenant id) lands in its own field.
 * @internal
 */
export function snippetTarget(raw: SnippetTarget): SnippetTarget {
  const r = raw as unknown as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof r[k] === 'string' ? r[k] as string : undefined);
  const cloud = str('cloud') as SnippetTarget['cloud'];
  const extra = str('extra');
  const azureCloud = str('azureCloud') as SnippetAzureCloud | undefined;
  return {
    cloud,
    principal: str('principal') ?? '',
    ...(str('region') !== undefined ? { region: str('region') } : {}),
    ...((str('serviceAccount') ?? (cloud === 'gcp' ? extra : undefined)) !== undefined ? { serviceAccount: str('serviceAccount') ?? extra } : {}),
    ...((str('tenantId') ?? (cloud === 'azure' ? extra : undefined)) !== undefined ? { tenantId: str('tenantId') ?? extra } : {}),
    ...(str('subscriptionId') !== undefined ? { subscriptionId: str('subscriptionId') } : {}),
    ...(azureCloud && CLOUDS.includes(azureCloud) ? { azureCloud } : {}),
  };
}
