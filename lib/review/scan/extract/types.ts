/**
 * The normalized, cloud-tagged shape every extractor produces: one trust relationship per IAM
 * statement, GCP provider (or orphan grant) and Azure federated identity credential.
 */
import { ScannedProvider } from '../../../ci/analysers';

export type Cloud = 'aws' | 'gcp' | 'azure';
/**
 * What a file is: CloudFormation (JSON or YAML), Terraform JSON, HCL (`.tf`), a `.tfvars` file, or
 * `terraform show -json` output of a plan or state (raw `.tfstate` files too).
 */
export type InputFormat = 'cloudformation' | 'cloudformation-yaml' | 'terraform-json' | 'terraform-hcl' | 'terraform-vars' | 'terraform-plan';

/** A place in an input file, 1-based (SARIF regions). */
export interface Region {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}
/** A CI provider the scanner recognises (lib/ci/analysers.ts), or `unknown`. */
export type CiProvider = ScannedProvider;

/** Metadata our own constructs attach (`Metadata["ci-oidc-trust"]` / `"//": {"ci-oidc-trust": …}`). */
export interface TrustMetadata {
  readonly id: string;
  readonly provider: string;
  readonly description: string;
  readonly warnings: { id: string; message: string }[];
  readonly widenings: string[];
  readonly ciSnippet?: string;
}

export interface AwsCondition {
  /** Operator as written, e.g. `StringLike`, `ForAllValues:StringEquals`. */
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

export interface GcpGrant {
  readonly resource: string;
  readonly role: string;
  readonly member: string;
  /** What the member selects inside the pool. */
  readonly selector: { kind: 'pool' } | { kind: 'attribute'; attribute: string; value: string } | { kind: 'subject'; value: string } | { kind: 'group'; value: string } | { kind: 'unknown'; raw: string };
}

/** The parts of a Terraform trust whose value may be an expression (unknown until plan or apply). */
export type ValuePart = 'subject' | 'claimsMatchingExpression' | 'audiences' | 'attributeCondition';

export interface AzureRoleAssignment {
  readonly resource: string;
  readonly scope: string;
  readonly role: string;
  readonly condition?: string;
}

export interface TrustRelationship {
  /** Stable id: `file#resource` or `file#resource#statement`. */
  readonly id: string;
  readonly cloud: Cloud;
  readonly file: string;
  readonly format: InputFormat;
  readonly resource: string;
  readonly resourceType: string;
  /** 0-based statement index (AWS). */
  readonly statement?: number;
  readonly sid?: string;
  /** The cloud principal, in words: role, service account(s), managed identity, application. */
  readonly principal: string;
  readonly issuer?: string;
  readonly ciProvider: CiProvider;
  readonly audiences: string[];
  readonly aws?: { federated: string[]; actions: string[]; conditions: AwsCondition[] };
  readonly gcp?: {
    pool: string;
    /** The issuer URI exactly as written (GCP accepts a token's iss with or without its trailing slash); absent when not a literal. */
    issuerUri?: string;
    /** `workload_identity_pool_provider_id` (in the provider's default audience), when a literal. */
    providerId?: string;
    attributeMapping: Record<string, string>;
    attributeCondition?: string;
    grants: GcpGrant[];
    /** `disabled = true` on the provider, or on its pool: no token is admitted while it stays so. */
    disabled?: 'provider' | 'pool';
  };
  readonly azure?: {
    kind: 'fic' | 'flexible-fic';
    /** The issuer exactly as written (Entra compares it exactly, a trailing slash included); absent when not a literal. */
    issuer?: string;
    /** Values, as Entra receives them (a Terraform `$${` is a literal `${`); for the parts named in `expressions`, the Terraform text. */
    subject?: string;
    claimsMatchingExpression?: string;
    identity: string;
    roleAssignments: AzureRoleAssignment[];
  };
  /** Network restrictions, in words (trust-time and session-time). */
  readonly network: string[];
  readonly metadata?: TrustMetadata;
  /**
   * The parts that are Terraform expressions (their text is the expression; reported in
   * `unresolved`). Every other value is known text, in which `${` is itself.
   */
  readonly expressions?: ValuePart[];
  /** Why parts of this trust could not be read (reported as "not analysable"). */
  readonly unresolved: string[];
  /** What was assumed to read it anyway (a parameter's Default, the literal text around one): reported with "not analysable". */
  readonly assumptions?: string[];
  /** Where the resource is in its file, when the input format has positions. */
  readonly region?: Region;
}

export interface LoadedFile {
  /** Path relative to the scan root, `/`-separated. */
  readonly file: string;
  /** The parsed content: JSON as is; YAML and HCL converted to their JSON form. */
  readonly json: unknown;
  /** The format, when the loader knows it (else detected from `json`). */
  readonly format?: InputFormat;
  /** The source text, for positions (SARIF regions). */
  readonly text?: string;
  /** Resource positions a loader already knows (CloudFormation YAML). */
  readonly regions?: ReadonlyMap<string, Region>;
}

