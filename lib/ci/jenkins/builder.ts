import { Condition } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { validateIssuer } from '../../model/issuer';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { Trust } from '../../model/trust';
import { guardMethods, requireText, uniqSorted } from '../values';
import { JENKINS_SPEC, JenkinsDetails } from './provider-spec';
import { jenkinsJobUrl } from './subject';

/** The Jenkins job whose builds are trusted. */
export interface JenkinsJobProps {
  /** The Jenkins root URL as builds see it (`JENKINS_URL` without the trailing slash), e.g. `https://jenkins.acme.com`. */
  readonly jenkinsUrl: string;
  /** The job's full name: folders and job separated by `/`, e.g. `platform/deploy`. */
  readonly job: string;
  /**
   * The token issuer configured in the oidc-provider plugin.
   * @default - `<jenkinsUrl>/oidc`, the plugin's issuer at the root
   */
  readonly issuer?: string;
}

/**
 * Jenkins with the oidc-provider plugin (docs/claims.md#jenkins): one issuer per instance, `sub` =
 * the job URL. A multibranch pipeline's branches are jobs one level down (`onBranch`).
 */
export class Jenkins {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = JENKINS_SPEC.id;

  /** Start a trust for builds of one job. */
  public static job(props: JenkinsJobProps): JenkinsTrustBuilder {
    return JenkinsTrustBuilder._create(props);
  }

  private constructor() {}
}

/** Builds a Jenkins trust: the exact job URL (one per branch of a multibranch pipeline). */
export class JenkinsTrustBuilder {
  /** @internal */
  public static _create(props: JenkinsJobProps): JenkinsTrustBuilder {
    return new JenkinsTrustBuilder(props);
  }

  private readonly url: string;
  private readonly issuer: string;
  private readonly jobPath: string[];
  private readonly branches: string[] = [];
  private auds?: string[];
  private net?: NetworkRestriction;

  private constructor(props: JenkinsJobProps) {
    const w = 'Jenkins.job';
    if (props === null || typeof props !== 'object') throw new TrustConfigError(w, `props must be an object, got ${JSON.stringify(props)}`, 'pass { jenkinsUrl, job }');
    this.url = validateIssuer(requireText(`${w}(jenkinsUrl)`, props.jenkinsUrl, 'jenkinsUrl'), `${w}(jenkinsUrl)`);
    this.issuer = validateIssuer(props.issuer ?? `${this.url}/oidc`, `${w}(issuer)`);
    const job = requireText(`${w}(job)`, props.job, 'job');
    this.jobPath = job.split('/');
    if (this.jobPath.some((s) => s.trim() === '' || /[*?]/.test(s))) {
      throw new TrustConfigError(`${w}(job)`, `${JSON.stringify(job)} has an empty or wildcard folder or job name`, 'give the full job name as Jenkins shows it, e.g. platform/deploy', 'CIT-M002');
    }
  }

  /** Builds of these branches of a multibranch pipeline (each branch is a job one level down). */
  public onBranch(...branches: string[]): JenkinsTrustBuilder {
    for (const b of branches) {
      const v = requireText('JenkinsTrustBuilder.onBranch', b, 'branch');
      if (v.trim() === '' || /[*?]/.test(v)) throw new TrustConfigError('JenkinsTrustBuilder.onBranch', `branch ${JSON.stringify(v)} is empty or a wildcard`, 'give the exact branch name', 'CIT-M003');
      this.branches.push(v);
    }
    return this;
  }

  /** The audience configured on the job's OpenID Connect credential. @default - the cloud's default */
  public withAudience(...audiences: string[]): JenkinsTrustBuilder {
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): JenkinsTrustBuilder {
    this.net = NetworkRestriction.of(network);
    return this;
  }

  /** Validate and return the trust. */
  public toTrust(): Trust {
    const branches = uniqSorted(this.branches);
    const subjects = branches.length ? branches.map((b) => jenkinsJobUrl(this.url, this.jobPath, b)) : [jenkinsJobUrl(this.url, this.jobPath)];
    const name = this.jobPath.join('/');
    return Trust._create({
      profile: JENKINS_SPEC.profile,
      where: `Jenkins(${name})`,
      issuer: this.issuer,
      audiences: this.auds,
      condition: Condition.oneOf('sub', subjects),
      network: this.net,
      description: `Jenkins builds of job ${name} on ${this.url}${branches.length ? ` (branch ${branches.join(' or ')})` : ''}`,
      details: { jenkinsUrl: this.url, jobPath: this.jobPath, ...(branches.length ? { branches } : {}) } satisfies JenkinsDetails,
    });
  }
}

guardMethods(JenkinsTrustBuilder);
guardMethods(Jenkins, Jenkins);
