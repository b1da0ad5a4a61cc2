import { AZURE_DEVOPS_AUDIENCE, AZURE_DEVOPS_SPEC, AzureDevOpsDetails } from './provider-spec';
import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { RuleLevel, Widening } from '../../model/rules';
import { Trust, TrustFinding } from '../../model/trust';
import { guardMethods, requireName, requireNetworkProps, requireProps, requireWidenings, UUID } from '../values';

/** An Azure DevOps organization and project, under the Azure DevOps issuer. */
export interface AzureDevOpsProps {
  /** Organization GUID (the issuer is `https://vstoken.dev.azure.com/<guid>`). */
  readonly organizationId: string;
  /** Organization name. */
  readonly organization: string;
  /** Project name. */
  readonly project: string;
}

/** A service connection with workload identity federation, under the Azure DevOps issuer. */
export interface AzureDevOpsServiceConnectionProps extends AzureDevOpsProps {
  /** Service connection name (the last field of `sc://org/project/connection`). */
  readonly serviceConnection: string;
}

/** A pipeline whose ID token (`System.OidcRequestUri`) is trusted, under the Azure DevOps issuer. */
export interface AzureDevOpsPipelineProps extends AzureDevOpsProps {
  /** Pipeline name (the last field of `p://org/project/pipeline`). */
  readonly pipeline: string;
}

/** An Azure DevOps service connection under the Entra issuer. */
export interface AzureDevOpsEntraProps {
  /** Entra tenant id (the issuer is `https://login.microsoftonline.com/<tenant>/v2.0`). */
  readonly tenantId: string;
  /**
   * The exact subject from the service connection
   * (`authorization.parameters.workloadIdentityFederationSubject`), of the form
   * `/eid1/c/pub/t/<tenant>/a/<app>/sc/<organization guid>/<service connection guid>`.
   */
  readonly subject: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,63}$/;
const RETIREMENT = 'the Azure DevOps issuer is retired for eligible (public-cloud, single-tenant) service connections on 2027-07-01; convert the connection to the Entra issuer and use AzureDevOps.entraServiceConnection()';

/**
 * Azure DevOps Pipelines (docs/claims.md#azure-devops): service connection subjects `sc://org/project/connection`,
 * pipeline subjects `p://org/project/pipeline`, or the Entra-issued service connection subject.
 * The audience is always `api://AzureADTokenExchange`.
 */
export class AzureDevOps {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = AZURE_DEVOPS_SPEC.id;
  /** The audience every Azure DevOps token carries. */
  public static readonly AUDIENCE = AZURE_DEVOPS_AUDIENCE;

  /** Workload identity federation for a service connection, Azure DevOps issuer. */
  public static serviceConnection(props: AzureDevOpsServiceConnectionProps): AzureDevOpsTrustBuilder {
    return AzureDevOpsTrustBuilder._azureDevOps('sc', props, requireProps('AzureDevOps.serviceConnection', props).serviceConnection);
  }

  /** The pipeline ID token (`System.OidcRequestUri`) of one pipeline. */
  public static pipeline(props: AzureDevOpsPipelineProps): AzureDevOpsTrustBuilder {
    return AzureDevOpsTrustBuilder._azureDevOps('p', props, requireProps('AzureDevOps.pipeline', props).pipeline);
  }

  /** A service connection converted to the Entra issuer (ids only, nothing renamable). */
  public static entraServiceConnection(props: AzureDevOpsEntraProps): AzureDevOpsTrustBuilder {
    return AzureDevOpsTrustBuilder._entra(requireProps('AzureDevOps.entraServiceConnection', props));
  }

  private constructor() {}
}

/** Builds an Azure DevOps trust: the subject is exact. Get one from the AzureDevOps factory methods. */
export class AzureDevOpsTrustBuilder {
  /** A service connection (`sc`) or pipeline (`p`) under the Azure DevOps issuer. @internal */
  public static _azureDevOps(kind: 'sc' | 'p', p: AzureDevOpsProps, name: string): AzureDevOpsTrustBuilder {
    const factory = kind === 'sc' ? 'serviceConnection' : 'pipeline';
    const w = `AzureDevOps.${factory}`;
    if (!UUID.test(String(p.organizationId))) throw new TrustConfigError(`${w}(organizationId)`, `${JSON.stringify(p.organizationId)} is not a lower-case GUID`, 'copy the organization id');
    requireName(`${w}(organization)`, p.organization, 'organization', /^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/, 'letters, digits and -');
    requireName(`${w}(project)`, p.project, 'project', NAME, 'letters, digits, spaces and . _ ( ) -');
    requireName(`${w}(${factory})`, name, kind === 'sc' ? 'service connection' : 'pipeline', NAME, 'letters, digits, spaces and . _ ( ) -');
    return new AzureDevOpsTrustBuilder(kind, `https://vstoken.dev.azure.com/${p.organizationId}`, `${kind}://${p.organization}/${p.project}/${name}`,
      `Azure DevOps ${kind === 'sc' ? 'service connection' : 'pipeline'} ${p.organization}/${p.project}/${name}`);
  }

  /** A service connection under the Entra issuer. @internal */
  public static _entra(p: AzureDevOpsEntraProps): AzureDevOpsTrustBuilder {
    const w = 'AzureDevOps.entraServiceConnection';
    if (!UUID.test(String(p.tenantId))) throw new TrustConfigError(`${w}(tenantId)`, `${JSON.stringify(p.tenantId)} is not a lower-case GUID`, 'copy the tenant id');
    if (!/^\/eid1\/c\/pub\/t\/[A-Za-z0-9_-]{10,64}\/a\/[A-Za-z0-9_-]{10,64}\/sc\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/.test(String(p.subject))) {
      throw new TrustConfigError(`${w}(subject)`, `${JSON.stringify(p.subject)} is not an Entra service connection subject`, 'copy workloadIdentityFederationSubject from the service connection');
    }
    return new AzureDevOpsTrustBuilder('entra', `https://login.microsoftonline.com/${p.tenantId}/v2.0`, p.subject,
      `Azure DevOps service connection ${p.subject.split('/').pop()} (Entra issuer)`);
  }

  private readonly kind: AzureDevOpsDetails['kind'];
  private readonly issuer: string;
  private readonly subject: string;
  private readonly label: string;
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  private constructor(kind: AzureDevOpsDetails['kind'], issuer: string, subject: string, label: string) {
    this.kind = kind;
    this.issuer = issuer;
    this.subject = subject;
    this.label = label;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): AzureDevOpsTrustBuilder {
    this.net = NetworkRestriction.of(requireNetworkProps('AzureDevOpsTrustBuilder.restrictNetwork', network));
    return this;
  }

  /** Accept named widenings (shown in the review). */
  public accept(...widenings: Widening[]): AzureDevOpsTrustBuilder {
    this.accepted.push(...requireWidenings('AzureDevOpsTrustBuilder.accept', widenings));
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    const warnings: TrustFinding[] = this.kind === 'entra' ? [] : [{ ruleId: 'CIT-M018', level: RuleLevel.WARNING, message: RETIREMENT }];
    return Trust._create({
      profile: AZURE_DEVOPS_SPEC.profile,
      where: `AzureDevOps(${this.subject})`,
      issuer: this.issuer,
      audiences: [AzureDevOps.AUDIENCE],
      condition: Condition.exact('sub', this.subject),
      network: this.net,
      description: this.label,
      warnings,
      accepted: this.accepted,
      details: { subject: this.subject, kind: this.kind } satisfies AzureDevOpsDetails,
    });
  }
}

guardMethods(AzureDevOpsTrustBuilder);
guardMethods(AzureDevOps, AzureDevOps);
