/**
 * Reads synthesized output (CloudFormation templates, Terraform JSON) and extracts every CI-OIDC
 * trust relationship into one normalized, cloud-tagged shape (extract/types.ts), one extractor per
 * input format and cloud (extract/*). Extraction never judges; it records what it could not
 * resolve so the scanner can report it. (A file beside its directory, not extract/index.ts, so a
 * stale compiled extract.js can never shadow the directory.)
 */
import { extractCloudFormation } from './extract/cloudformation-aws';
import { detectFormat } from './extract/files';
import { extractTfAws } from './extract/terraform-aws';
import { extractTfAzure } from './extract/terraform-azure';
import { extractTfGcp } from './extract/terraform-gcp';
import { LoadedFile, TrustRelationship } from './extract/types';
import { Obj } from './extract/util';
import { cmp } from '../../model/text';

export { providerForIssuer, providerForSubject } from '../../ci/analysers';
export { splitConditionKey } from './extract/aws-policy';
export { extractCloudFormation } from './extract/cloudformation-aws';
export { detectFormat, discoverFiles, InputError, loadFiles } from './extract/files';
export { parseWifMember } from './extract/terraform-gcp';
export type { AwsCondition, AzureRoleAssignment, CiProvider, Cloud, GcpGrant, InputFormat, LoadedFile, TrustMetadata, TrustRelationship } from './extract/types';
export { normalizeIssuer } from './extract/util';
export { cmp };

/** Every trust relationship of one Terraform JSON file, AWS then GCP then Azure. */
export function extractTerraform(file: string, tf: Obj): TrustRelationship[] {
  return [...extractTfAws(file, tf), ...extractTfGcp(file, tf), ...extractTfAzure(file, tf)];
}

/** Extracts the trust relationships of all files, in stable order (file, resource, statement). */
export function extractAll(files: LoadedFile[]): TrustRelationship[] {
  const out: TrustRelationship[] = [];
  for (const f of files) {
    const fmt = detectFormat(f.json);
    if (fmt === 'cloudformation') out.push(...extractCloudFormation(f.file, f.json as Obj));
    else if (fmt === 'terraform-json') out.push(...extractTerraform(f.file, f.json as Obj));
  }
  return sortTrusts(out);
}

export function sortTrusts(ts: TrustRelationship[]): TrustRelationship[] {
  return [...ts].sort((a, b) => cmp(a.file, b.file) || cmp(a.resource, b.resource) || (a.statement ?? -1) - (b.statement ?? -1) || cmp(a.id, b.id));
}
