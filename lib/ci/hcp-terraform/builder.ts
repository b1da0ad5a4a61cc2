import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { validateIssuer } from '../../model/issuer';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { Widening } from '../../model/rules';
import { RequiredWidening, Trust } from '../../model/trust';
import { globsCondition, lit } from '../globs';
import { HCP_TERRAFORM_SPEC, HcpTerraformDetails } from './provider-spec';
import { hcpTerraformSubject } from './subject';
import { guardMethods, requireAudienceArgs, requireName, requireNetworkProps, requireProps, requireText, requireWidenings, uniqSorted } from '../values';

/** An HCP Terraform run phase (`terraform_run_phase`, the last field of `sub`). */
export enum HcpTerraformRunPhase {
  /** Plan runs: they execute provider and external-data code from the configuration. */
  PLAN = 'plan',
  /** Apply runs. */
  APPLY = 'apply',
}

/** The workspace whose runs are trusted. */
export interface HcpTerraformWorkspaceProps {
  /** Organization name. */
  readonly organization: string;
  /** Project name (may contain spaces, e.g. `Default Project`). */
  readonly project: string;
  /** Workspace name. */
  readonly workspace: string;
  /**
   * Workspace id (`ws-…`, claim `terraform_workspace_id`). Names can be recycled; the id cannot.
   * Clouds that only see `sub` (AWS, Azure) cannot check it.
   * @default - none: requires Widening.NAME_ONLY_IDENTITY
   */
  readonly workspaceId?: string;
  /** Organization id (`org-…`, claim `terraform_organization_id`). @default - none */
  readonly organizationId?: string;
  /** Terraform Enterprise host name. @default - HCP Terraform (app.terraform.io) */
  readonly hostname?: string;
}

const NAME = /^[A-Za-z0-9_-]{1,90}$/;
const PROJECT = /^[A-Za-z0-9 _-]{1,90}$/;

/** HCP Terraform / Terraform Enterprise dynamic provider credentials (docs/claims.md#hcp-terraform). */
export class HcpTerraform {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = HCP_TERRAFORM_SPEC.id;
  /** The HCP Terraform issuer. */
  public static readonly ISSUER = 'https://app.terraform.io';

  /** Start a trust for runs of one workspace. */
  public static workspace(props: HcpTerraformWorkspaceProps): HcpTerraformTrustBuilder {
    return HcpTerraformTrustBuilder._create(props);
  }

  private constructor() {}
}

/** Builds an HCP Terraform trust. Pick the run phases; plan and apply together need a widening. */
export class HcpTerraformTrustBuilder {
  /** @internal */
  public static _create(props: HcpTerraformWorkspaceProps): HcpTerraformTrustBuilder {
    return new HcpTerraformTrustBuilder(props);
  }

  private readonly props: HcpTerraformWorkspaceProps;
  private readonly issuer: string;
  private readonly phases: HcpTerraformRunPhase[] = [];
  private auds?: string[];
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Validates the props: builders come from HcpTerraform.workspace() only. */
  private constructor(props: HcpTerraformWorkspaceProps) {
    const w = 'HcpTerraform.workspace';
    requireProps(w, props);
    requireName(`${w}(organization)`, props.organization, 'organization', NAME, 'letters, digits, _ and -');
    requireName(`${w}(workspace)`, props.workspace, 'workspace', NAME, 'letters, digits, _ and -');
    requireName(`${w}(project)`, props.project, 'project', PROJECT, 'letters, digits, spaces, _ and -');
    if (props.workspaceId !== undefined && !/^ws-[A-Za-z0-9]{16}$/.test(props.workspaceId)) {
      throw new TrustConfigError(`${w}(workspaceId)`, `${JSON.stringify(props.workspaceId)} is not a workspace id (ws- and 16 letters or digits)`, 'copy it from the workspace settings');
    }
    if (props.organizationId !== undefined && !/^org-[A-Za-z0-9]{16}$/.test(props.organizationId)) {
      throw new TrustConfigError(`${w}(organizationId)`, `${JSON.stringify(props.organizationId)} is not an organization id (org- and 16 letters or digits)`, 'copy it from the organization settings');
    }
    this.props = props;
    this.issuer = props.hostname === undefined ? HcpTerraform.ISSUER : tfeIssuer(`${w}(hostname)`, props.hostname);
  }

  /** Plan runs only: give them read-only permissions. */
  public forPlan(): HcpTerraformTrustBuilder {
    this.phases.push(HcpTerraformRunPhase.PLAN);
    return this;
  }

  /** Apply runs only. */
  public forApply(): HcpTerraformTrustBuilder {
    this.phases.push(HcpTerraformRunPhase.APPLY);
    return this;
  }

  /** The workload identity audience (`TFC_*_WORKLOAD_IDENTITY_AUDIENCE`). @default - the cloud's default when compiled (AWS: aws.workload.identity) */
  public withAudience(...audiences: string[]): HcpTerraformTrustBuilder {
    requireAudienceArgs('HcpTerraformTrustBuilder.withAudience', audiences);
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): HcpTerraformTrustBuilder {
    this.net = NetworkRestriction.of(requireNetworkProps('HcpTerraformTrustBuilder.restrictNetwork', network));
    return this;
  }

  /** Accept named widenings (shown in the review). */
  public accept(...widenings: Widening[]): HcpTerraformTrustBuilder {
    this.accepted.push(...requireWidenings('HcpTerraformTrustBuilder.accept', widenings));
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    const p = this.props;
    const w = `HcpTerraform(${p.organization}/${p.workspace})`;
    const phases = uniqSorted(this.phases);
    if (phases.length === 0) throw new TrustConfigError(w, 'no run phase is chosen', 'call forPlan() (read-only) or forApply()');
    const needs: RequiredWidening[] = [];
    if (phases.length > 1) needs.push({ ruleId: 'CIT-M015', message: 'plan runs get the same credentials as apply runs' });
    if (!p.workspaceId) needs.push({ ruleId: 'CIT-M010', message: `workspace ${p.organization}/${p.workspace} is trusted by name only; deleted names can be re-registered` });
    const subjects = phases.map((phase) => lit(hcpTerraformSubject(p.organization, p.project, p.workspace, phase)));
    const tests = [globsCondition('sub', subjects)];
    if (p.workspaceId) tests.push(Condition.exact('terraform_workspace_id', p.workspaceId));
    if (p.organizationId) tests.push(Condition.exact('terraform_organization_id', p.organizationId));
    return Trust._create({
      profile: HCP_TERRAFORM_SPEC.profile,
      where: w,
      issuer: this.issuer,
      audiences: this.auds,
      condition: Condition.allOf(...tests),
      network: this.net,
      description: `HCP Terraform ${phases.join(' and ')} runs of workspace ${p.organization}/${p.project}/${p.workspace}${p.workspaceId ? ` (workspace id ${p.workspaceId})` : ' (by name only)'}`,
      needs,
      accepted: this.accepted,
      details: {
        organization: p.organization,
        project: p.project,
        workspace: p.workspace,
        workspaceId: p.workspaceId,
        organizationId: p.organizationId,
        hostname: p.hostname,
        phases,
      } satisfies HcpTerraformDetails,
    });
  }
}

/**
 * The issuer of a Terraform Enterprise host (`https://<hostname>`). A scheme, port or path in the
 * host name is refused here with a Terraform Enterprise example: the generic issuer check would read
 * `https://https://…` as host `https` on an empty port, and suggest a GitHub issuer.
 */
function tfeIssuer(where: string, hostname: string): string {
  const host = requireText(where, hostname, 'hostname');
  const fix = 'give the Terraform Enterprise host name only, without scheme, port or path, e.g. tfe.example.com';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) throw new TrustConfigError(where, `hostname ${JSON.stringify(host)} includes a URL scheme`, fix, 'CIT-M006');
  if (/[/:@?#]/.test(host)) throw new TrustConfigError(where, `hostname ${JSON.stringify(host)} includes a port, path or other URL part`, fix, 'CIT-M006');
  try {
    return validateIssuer(`https://${host}`, where);
  } catch (e) {
    throw e instanceof TrustConfigError ? new TrustConfigError(where, e.problem, fix, 'CIT-M006') : e;
  }
}

guardMethods(HcpTerraformTrustBuilder);
guardMethods(HcpTerraform, HcpTerraform);
