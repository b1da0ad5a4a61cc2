import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { RuleLevel, Widening } from '../../model/rules';
import { Trust, TrustFinding } from '../../model/trust';
import { requireName, UUID } from '../values';

/** An Azure DevOps service connection or pipeline, under the Azure DevOps issuer. */
export interface AzureDevOpsProps {
  /** Organization GUID (the issuer is `https://vstoken.dev.azure.com/<guid>`). */
  readonly organizationId: string;
  /** Organization name. */
  readonly organization: string;
  /** Project name. */
  readonly project: string;
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
 * Azure DevOps Pipelines (ci-claims.md §8): service connection subjects `sc://org/project/connection`,
 * pipeline subjects `p://org/project/pipeline`, or the Entra-issued service connection subject.
 * The audience is always `api://AzureADTokenExchange`.
 */
export class AzureDevOps {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = 'azure-devops';
  /** The audience every Azure DevOps token carries. */
  public static readonly AUDIENCE = 'api://AzureADTokenExchange';

  /** Workload identity federation for a service connection, Azure DevOps issuer. */
  public static serviceConnection(props: AzureDevOpsProps, serviceConnection: string): AzureDevOpsTrustBuilder {
    return new AzureDevOpsTrustBuilder(props, 'sc', serviceConnection);
  }

  /** The pipeline ID token (`System.OidcRequestUri`) of one pipeline. */
  public static pipeline(props: AzureDevOpsProps, pipeline: string): AzureDevOpsTrustBuilder {
    return new AzureDevOpsTrustBuilder(props, 'p', pipeline);
  }

  /** A service connection converted to the Entra issuer (ids only, nothing renamable). */
  public static entraServiceConnection(props: AzureDevOpsEntraProps): AzureDevOpsTrustBuilder {
    return new AzureDevOpsTrustBuilder(props, 'entra', props.subject);
  }
}

/** Builds an Azure DevOps trust: the subject is exact. */
export class AzureDevOpsTrustBuilder {
  private readonly issuer: string;
  private readonly subject: string;
  private readonly label: string;
  private readonly kind: string;
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Use the AzureDevOps factory methods. */
  public constructor(props: AzureDevOpsProps | AzureDevOpsEntraProps, kind: string, name: string) {
    const w = `AzureDevOps.${kind === 'entra' ? 'entraServiceConnection' : kind === 'sc' ? 'serviceConnection' : 'pipeline'}`;
    this.kind = kind;
    if (kind === 'entra') {
      const p = props as AzureDevOpsEntraProps;
      if (!UUID.test(String(p.tenantId))) throw new TrustConfigError(`${w}(tenantId)`, `${JSON.stringify(p.tenantId)} is not a lower-case GUID`, 'copy the tenant id');
      if (!/^\/eid1\/c\/pub\/t\/[A-Za-z0-9_-]{10,64}\/a\/[A-Za-z0-9_-]{10,64}\/sc\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/.test(String(p.subject))) {
        throw new TrustConfigError(`${w}(subject)`, `${JSON.stringify(p.subject)} is not an Entra service connection subject`, 'copy workloadIdentityFederationSubject from the service connection');
      }
      this.issuer = `https://login.microsoftonline.com/${p.tenantId}/v2.0`;
      this.subject = p.subject;
      this.label = `Azure DevOps service connection ${p.subject.split('/').pop()} (Entra issuer)`;
    } else {
      const p = props as AzureDevOpsProps;
      if (!UUID.test(String(p.organizationId))) throw new TrustConfigError(`${w}(organizationId)`, `${JSON.stringify(p.organizationId)} is not a lower-case GUID`, 'copy the organization id');
      requireName(`${w}(organization)`, p.organization, 'organization', /^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/, 'letters, digits and -');
      requireName(`${w}(project)`, p.project, 'project', NAME, 'letters, digits, spaces and . _ ( ) -');
      requireName(`${w}(name)`, name, kind === 'sc' ? 'service connection' : 'pipeline', NAME, 'letters, digits, spaces and . _ ( ) -');
      this.issuer = `https://vstoken.dev.azure.com/${p.organizationId}`;
      this.subject = `${kind}://${p.organization}/${p.project}/${name}`;
      this.label = `Azure DevOps ${kind === 'sc' ? 'service connection' : 'pipeline'} ${p.organization}/${p.project}/${name}`;
    }
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): AzureDevOpsTrustBuilder {
    this.net = NetworkRestriction.of(network);
    return this;
  }

  /** Accept named widenings (shown in the review). */
  public accept(...widenings: Widening[]): AzureDevOpsTrustBuilder {
    this.accepted.push(...widenings);
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    const warnings: TrustFinding[] = this.kind === 'entra' ? [] : [{ ruleId: 'CIT-M018', level: RuleLevel.WARNING, message: RETIREMENT }];
    return Trust._create({
      profile: { id: AzureDevOps.PROVIDER_ID, displayName: 'Azure DevOps', identityClaims: [], subjectIdentity: /^((sc|p):\/\/[^/]+\/[^/]+\/[^/]+|\/eid1\/c\/pub\/t\/[^/]+\/a\/[^/]+\/sc\/[0-9a-f-]{36}\/[0-9a-f-]{36}):/ },
      where: `AzureDevOps(${this.subject})`,
      issuer: this.issuer,
      audiences: [AzureDevOps.AUDIENCE],
      condition: Condition.exact('sub', this.subject),
      network: this.net,
      description: this.label,
      warnings,
      accepted: this.accepted,
      details: { subject: this.subject, kind: this.kind },
    });
  }
}
