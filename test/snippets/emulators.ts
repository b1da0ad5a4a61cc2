/**
 * CI emulators: what token a job configured by a snippet would carry, read from the parsed snippet
 * and the CI system's documented token grammar. Written here, from the vendors' pages, without the
 * builders' subject code (lib/ci/<provider>/subject.ts), so a snippet and a builder that agree on a
 * wrong subject are caught (docs/adr/0001-independent-oracles.md):
 * - GitHub: https://docs.github.com/en/actions/reference/security/oidc
 * - GitLab: https://docs.gitlab.com/ci/secrets/id_token_authentication/
 * - Buildkite: https://buildkite.com/docs/agent/cli/reference/oidc
 * - CircleCI: https://circleci.com/docs/guides/permissions-authentication/openid-connect-tokens/
 * - Bitbucket: https://support.atlassian.com/bitbucket-cloud/docs/integrate-pipelines-with-resource-servers-using-oidc/
 * - Azure DevOps: https://learn.microsoft.com/en-us/rest/api/azure/devops/distributedtask/oidctoken/create
 * - HCP Terraform: https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens
 * - Kubernetes: https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
 * - Jenkins: https://plugins.jenkins.io/oidc-provider/ (claims, credential kinds), job URLs as
 *   Jenkins builds them (hudson.Util.rawEncode, branch-api NameEncoder), declarative `when`:
 *   https://www.jenkins.io/doc/book/pipeline/syntax/#when
 * Facts a snippet cannot set (repository ids, the person who starts a job) come from a `world`.
 */
import { envVars, ParsedFile, snippetFiles } from './files';
import { child, children, GroovyNode, named, str } from './groovy';

/** One job run the snippet configures, and its token. */
export interface Run {
  readonly label: string;
  readonly claims: Record<string, unknown>;
}

const SHA = '9f3182061f1e2cca4702c368cbc039b7dc9d4485';
const enc = (v: string) => v.replace(/:/g, '%3A');

/** A branch name that a `*` pattern admits (each `*` becomes `x`). */
function sample(pattern: string): string {
  return pattern.replace(/\\(.)/g, '$1').replace(/\*+/g, 'x');
}

/** A name matching a JavaScript-syntax regex literal source such as `^release\/.*$` (each `.*` becomes `x`). */
function regexSample(re: string): string {
  return re.replace(/^\^|\$$/g, '').replace(/\.\*/g, 'x').replace(/\\(.)/g, '$1');
}

// ---------------------------------------------------------------------------------------------
export interface GitHubWorld {
  readonly issuer: string;
  readonly owner: string;
  readonly repository: string;
  readonly ownerId: string;
  readonly repositoryId: string;
  /** Claims the job cannot set (repository_visibility, actor, …). */
  readonly extra?: Record<string, string>;
}

/** Every run of every job of the snippet's workflows (called workflows followed). */
export function githubRuns(text: string, w: GitHubWorld): Run[] {
  const files = snippetFiles(text);
  const notes = files.flatMap((f) => f.notes);
  const template = notes.map((n) => /"include_claim_keys":(\[[^\]]*\])/.exec(n)).find(Boolean);
  const keys: string[] = template ? JSON.parse(template[1]) : ['repo', 'context'];
  const immutable = notes.some((n) => /must emit the immutable subject/.test(n));
  const runs: Run[] = [];
  for (const f of files.filter((x) => x.path.startsWith('.github/workflows/') && !x.path.includes('(the called workflow)'))) {
    const doc = f.yaml;
    if (doc.permissions?.['id-token'] !== 'write') throw new Error(`${f.path}: no id-token: write permission`);
    for (const [event, config] of Object.entries<any>(doc.on ?? {})) {
      for (const ref of eventRefs(event, config)) {
        for (const [jobId, job] of Object.entries<any>(doc.jobs)) {
          const guard = typeof job.if === 'string' ? [...job.if.matchAll(/github\.ref == '([^']+)'/g)].map((m) => m[1]) : undefined;
          if (guard && !guard.includes(ref)) continue;
          let environment: string | undefined = job.environment;
          let runsOn = job['runs-on'];
          let steps: any[] = job.steps ?? [];
          let jobWorkflowRef = `${w.owner}/${w.repository}/${f.path}@${ref}`;
          if (job.uses) {
            const [path, at] = String(job.uses).split('@');
            const [o, r, ...rest] = path.split('/');
            const called = files.find((x) => x.path.startsWith(`${rest.join('/')} in ${o}/${r} `));
            if (!called) throw new Error(`${f.path}: job ${jobId} calls ${job.uses}, which the snippet does not show`);
            const cj: any = Object.values(called.yaml.jobs)[0];
            environment = cj.environment === '${{ inputs.environment }}' ? job.with?.environment : cj.environment;
            runsOn = cj['runs-on'];
            steps = cj.steps;
            jobWorkflowRef = `${path}@${/^[0-9a-f]{40}$/.test(at) ? at : `refs/heads/${at}`}`;
          }
          const login = steps.find((s) => typeof s.uses === 'string' && /^(aws-actions\/configure-aws-credentials|google-github-actions\/auth|azure\/login)@/.test(s.uses));
          if (!login) throw new Error(`${f.path}: job ${jobId} has no login step`);
          const claims: Record<string, unknown> = {
            iss: w.issuer,
            aud: login.with?.audience ?? defaultAudience(login),
            ref,
            ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
            event_name: event,
            repository: `${w.owner}/${w.repository}`,
            repository_id: w.repositoryId,
            repository_owner: w.owner,
            repository_owner_id: w.ownerId,
            workflow: doc.name ?? f.path,
            workflow_ref: `${w.owner}/${w.repository}/${f.path}@${ref}`,
            job_workflow_ref: jobWorkflowRef,
            runner_environment: String(runsOn).startsWith('self-hosted') ? 'self-hosted' : 'github-hosted',
            ...(environment ? { environment } : {}),
            ...(w.extra ?? {}),
          };
          claims.sub = keys.map((k) => {
            if (k === 'repo') return immutable ? `repo:${w.owner}@${w.ownerId}/${w.repository}@${w.repositoryId}` : `repo:${w.owner}/${w.repository}`;
            if (k === 'context') return environment ? `environment:${enc(environment)}` : event === 'pull_request' ? 'pull_request' : `ref:${enc(ref)}`;
            return `${k}:${enc(String(claims[k] ?? ''))}`;
          }).join(':');
          runs.push({ label: `${f.path} ${event} ${ref} ${jobId}`, claims });
        }
      }
    }
  }
  return runs;
}

function defaultAudience(login: any): string {
  if (login.uses.startsWith('aws-actions/')) return 'sts.amazonaws.com';
  if (login.uses.startsWith('google-github-actions/')) return `https://iam.googleapis.com/${login.with.workload_identity_provider}`;
  return 'api://AzureADTokenExchange';
}

/** The refs a workflow trigger runs on (a sample per pattern); other events run on the default branch. */
function eventRefs(event: string, config: any): string[] {
  if (event === 'push') {
    const refs = [...(config?.branches ?? []).map((b: string) => `refs/heads/${sample(b)}`), ...(config?.tags ?? []).map((t: string) => `refs/tags/${sample(t)}`)];
    return refs.length ? refs : ['refs/heads/main', 'refs/heads/feature/x'];
  }
  if (event === 'pull_request') return ['refs/pull/7/merge'];
  return ['refs/heads/main'];
}

// ---------------------------------------------------------------------------------------------
export interface GitLabWorld {
  readonly issuer: string;
  readonly projectPath: string;
  readonly projectId: string;
}

/** Every run of the `.gitlab-ci.yml` jobs (one per rule and pipeline source). */
export function gitlabRuns(text: string, w: GitLabWorld): Run[] {
  const [f] = snippetFiles(text);
  const components = f.notes.map((n) => /ci_id_token_sub_claim_components must be (\[[^\]]*\])/.exec(n)).find(Boolean);
  const subComponents: string[] = components ? JSON.parse(components[1]) : ['project_path', 'ref_type', 'ref'];
  const refProtected = f.notes.some((n) => /^Protect .*ref_protected/.test(n));
  const envProtected = f.notes.some((n) => /^Protect the environment/.test(n));
  const runs: Run[] = [];
  for (const [name, job] of Object.entries<any>(f.yaml)) {
    if (!Array.isArray(job?.script)) continue;
    const tokens = Object.values<any>(job.id_tokens ?? {});
    if (tokens.length !== 1) throw new Error(`${name}: expected one id_tokens entry`);
    const rules: { ref: string; type: string; sources: string[] }[] = (job.rules ?? [{ if: '' }]).map((r: any) => {
      const cond = String(r.if);
      const branch = /\$CI_COMMIT_BRANCH == "([^"]+)"/.exec(cond)?.[1] ?? (/\$CI_COMMIT_BRANCH =~ \/(.*?)\/( |$)/.exec(cond) ? regexSample(/\$CI_COMMIT_BRANCH =~ \/(.*?)\/( |$)/.exec(cond)![1]) : undefined);
      const tag = /\$CI_COMMIT_TAG == "([^"]+)"/.exec(cond)?.[1] ?? (/\$CI_COMMIT_TAG =~ \/(.*?)\/( |$)/.exec(cond) ? regexSample(/\$CI_COMMIT_TAG =~ \/(.*?)\/( |$)/.exec(cond)![1]) : undefined);
      const sources = [...cond.matchAll(/\$CI_PIPELINE_SOURCE == "([^"]+)"/g)].map((m) => m[1]);
      return { ref: tag ?? branch ?? 'main', type: tag ? 'tag' : 'branch', sources: sources.length ? sources : ['push'] };
    });
    for (const rule of rules) {
      for (const source of rule.sources) {
        const env = job.environment?.name;
        const claims: Record<string, unknown> = {
          iss: w.issuer,
          aud: tokens[0].aud,
          project_path: w.projectPath,
          project_id: w.projectId,
          namespace_path: w.projectPath.split('/').slice(0, -1).join('/'),
          ref: rule.ref,
          ref_type: rule.type,
          ref_path: `refs/${rule.type === 'tag' ? 'tags' : 'heads'}/${rule.ref}`,
          ref_protected: refProtected ? 'true' : 'false',
          pipeline_source: source,
          runner_environment: (job.tags ?? []).some((t: string) => t.startsWith('saas-')) ? 'gitlab-hosted' : 'self-hosted',
          ...(env ? { environment: env, environment_protected: envProtected ? 'true' : 'false', deployment_tier: job.environment.deployment_tier ?? tierOf(env) } : {}),
        };
        claims.sub = subComponents.map((c) => `${c}:${claims[c] ?? ''}`).join(':');
        runs.push({ label: `${name} ${rule.type} ${rule.ref} ${source}`, claims });
      }
    }
  }
  return runs;
}

/** GitLab's default tier from the environment name (docs: "Deployment tier of environments"). */
function tierOf(env: string): string {
  const n = env.toLowerCase();
  if (/^(prod|production|live)/.test(n)) return 'production';
  if (/^(stag|model|pre|demo)/.test(n)) return 'staging';
  if (/^(test|qc)/.test(n)) return 'testing';
  if (/^(dev|review|trunk)/.test(n)) return 'development';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
export interface BuildkiteWorld {
  readonly organization: string;
  readonly pipeline: string;
  readonly organizationId: string;
  readonly pipelineId: string;
  /** Queue keys of Buildkite hosted agents. */
  readonly hostedQueues?: string[];
}

interface Build { readonly branch: string; readonly tag?: string; readonly source: string }

/** Every build a step runs in (of branches, tags and sources the step's `if:` admits) and its token. */
export function buildkiteRuns(text: string, w: BuildkiteWorld, candidates: Build[]): Run[] {
  const [f] = snippetFiles(text);
  const runs: Run[] = [];
  for (const step of f.yaml.steps) {
    const command = String(step.command).replace(/\$\$/g, '$'); // pipeline upload interpolation
    const request = /buildkite-agent oidc request-token ([^>\n]*)>/.exec(command);
    if (!request) throw new Error(`step ${step.label}: no token request`);
    const flag = (name: string) => new RegExp(`--${name} ('([^']*)'|(\\S+))`).exec(request[1]);
    const aud = flag('audience');
    const claimsFlag = flag('claim')?.[3]?.split(',') ?? [];
    const tags = flag('aws-session-tag')?.[3]?.split(',') ?? [];
    const subjectClaim = flag('subject-claim')?.[3];
    const runsIf = step.if ? compileIf(String(step.if)) : () => true;
    for (const b of candidates.filter(runsIf)) {
      const claims: Record<string, unknown> = {
        iss: 'https://agent.buildkite.com',
        aud: aud ? aud[2] ?? aud[3] : `https://buildkite.com/${w.organization}`,
        organization_slug: w.organization,
        pipeline_slug: w.pipeline,
        build_number: 42,
        build_branch: b.branch,
        ...(b.tag ? { build_tag: b.tag } : {}),
        build_commit: SHA,
        step_key: step.key ?? null,
        job_id: '0184990a-477b-4fa8-9968-496074483cee',
        agent_id: '0184990a-4782-42b5-afc1-16715b10b8ff',
        build_source: b.source,
        runner_environment: w.hostedQueues?.includes(step.agents?.queue) ? 'buildkite-hosted' : 'self-hosted',
      };
      const optional: Record<string, string> = { organization_id: w.organizationId, pipeline_id: w.pipelineId };
      for (const c of [...claimsFlag, ...(subjectClaim ? [subjectClaim] : [])]) claims[c] = optional[c];
      // "If the build has a tag, REF is refs/tags/TAG. Otherwise, REF is refs/heads/BRANCH."
      const ref = b.tag ? `refs/tags/${b.tag}` : `refs/heads/${b.branch}`;
      claims.sub = subjectClaim ? claims[subjectClaim] : `organization:${w.organization}:pipeline:${w.pipeline}:ref:${ref}:commit:${SHA}:step:${step.key ?? ''}`;
      if (tags.length) {
        claims['https://aws.amazon.com/tags'] = { principal_tags: Object.fromEntries(tags.map((t) => [t, [claims[t] === null || claims[t] === undefined ? '' : String(claims[t])]])) };
      }
      runs.push({ label: `${step.label} ${b.tag ? `tag ${b.tag}` : `branch ${b.branch}`} ${b.source}`, claims });
    }
  }
  return runs;
}

/** A Buildkite `if:` expression (the subset snippets write) as a predicate over a build. */
function compileIf(expr: string): (b: Build) => boolean {
  const js = expr
    .replace(/build\.(branch|tag|source) =~ \/((?:\\.|[^/])*)\//g, (_m, field, re) => `new RegExp(${JSON.stringify(re)}).test(b.${field} ?? '')`)
    .replace(/build\.(branch|tag|source) == ("(?:\\.|[^"])*")/g, (_m, field, lit) => `(b.${field} === ${lit})`)
    .replace(/build\.(branch|tag|source) == null/g, (_m, field) => `((b.${field} ?? null) === null)`);
  if (/build\./.test(js)) throw new Error(`unsupported Buildkite condition ${expr}`);
  return new Function('b', `return ${js};`) as (b: Build) => boolean;
}

// ---------------------------------------------------------------------------------------------
export interface CircleCiWorld {
  readonly organizationId: string;
  readonly projectId: string;
  readonly userId: string;
  readonly vcsOrigin: string;
  /** Context names the organization has, and their ids. */
  readonly contexts?: Record<string, string>;
}

/** Every workflow job entry's run, per branch its filter admits (or the given branches). */
export function circleciRuns(text: string, w: CircleCiWorld, branches = ['main', 'feature/x']): Run[] {
  const [f] = snippetFiles(text);
  const doc = f.yaml;
  if (doc.version !== 2.1) throw new Error('.circleci/config.yml must be version 2.1');
  const runs: Run[] = [];
  for (const wf of Object.values<any>(doc.workflows)) {
    for (const entry of wf.jobs) {
      const [name, cfg] = typeof entry === 'string' ? [entry, {}] : Object.entries<any>(entry)[0];
      const job = doc.jobs[name];
      const commands = job.steps.map((s: any) => String(s.run ?? '')).join('\n');
      const custom = /circleci run oidc get --claims '(\{[^']*\})'/.exec(commands);
      if (!custom && !/\$CIRCLE_OIDC_TOKEN(_V2)?\b/.test(commands)) throw new Error(`${name}: no OIDC token used`);
      const only: string[] | undefined = cfg.filters?.branches?.only === undefined ? undefined : [cfg.filters.branches.only].flat();
      const contexts: string[] = cfg.context === undefined ? [] : [cfg.context].flat();
      for (const branch of only ?? branches) {
        const ref = `refs/heads/${branch}`;
        const v1 = `org/${w.organizationId}/project/${w.projectId}/user/${w.userId}`;
        const v2 = !custom && !/\$CIRCLE_OIDC_TOKEN_V2\b/.test(commands) ? false : true;
        runs.push({
          label: `${name} ${branch}`,
          claims: {
            'iss': `https://oidc.circleci.com/org/${w.organizationId}`,
            'aud': custom ? JSON.parse(custom[1]).aud : w.organizationId,
            'sub': v2 ? `${v1}/vcs-origin/${w.vcsOrigin}/vcs-ref/${ref}` : v1,
            'oidc.circleci.com/project-id': w.projectId,
            'oidc.circleci.com/vcs-origin': w.vcsOrigin,
            'oidc.circleci.com/vcs-ref': ref,
            'oidc.circleci.com/context-ids': contexts.map((c) => w.contexts?.[c] ?? `unknown context ${c}`),
            'oidc.circleci.com/ssh-rerun': false,
          },
        });
      }
    }
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
export interface BitbucketWorld {
  readonly workspace: string;
  readonly workspaceUuid: string;
  readonly repositoryUuid: string;
  /** Deployment environment names and their UUIDs. */
  readonly environments?: Record<string, string>;
}

/** Every step of every pipeline, on its branch (the default pipeline on a sample branch). */
export function bitbucketRuns(text: string, w: BitbucketWorld): Run[] {
  const [f] = snippetFiles(text);
  const pipelines = f.yaml.pipelines;
  const lists: [string, any[]][] = [
    ...Object.entries<any[]>(pipelines.branches ?? {}),
    ...(pipelines.default ? [['feature/x', pipelines.default] as [string, any[]]] : []),
  ];
  const defaultAud = `ari:cloud:bitbucket::workspace/${w.workspaceUuid.slice(1, -1)}`;
  const runs: Run[] = [];
  for (const [branch, items] of lists) {
    items.forEach((item, i) => {
      const step = item.step;
      if (!step || typeof step !== 'object') throw new Error(`pipeline ${branch}: item ${i} is not a step`);
      if (!step.oidc) return; // no token
      // Custom audiences are appended to the workspace audience: aud becomes a list.
      const aud = step.oidc === true ? defaultAud : [defaultAud, ...step.oidc.audiences];
      const env = step.deployment === undefined ? undefined : w.environments?.[step.deployment] ?? `{unknown environment ${step.deployment}}`;
      const stepUuid = '{6a3e7f4e-5d2c-4b1a-9e8f-7d6c5b4a3f2e}';
      runs.push({
        label: `${branch} step ${i}`,
        claims: {
          iss: `https://api.bitbucket.org/2.0/workspaces/${w.workspace}/pipelines-config/identity/oidc`,
          aud,
          sub: `${w.repositoryUuid}:${env ? `${env}:` : ''}${stepUuid}`,
          stepUuid,
          repositoryUuid: w.repositoryUuid,
          workspaceUuid: w.workspaceUuid,
          pipelineUuid: '{0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e}',
          branchName: branch,
          ...(env ? { deploymentEnvironmentUuid: env } : {}),
        },
      });
    });
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
export interface AzureDevOpsWorld {
  readonly issuer: string;
  readonly organization: string;
  readonly project: string;
  readonly pipeline: string;
  /** Service connections: name → id, and (Entra issuer) name → subject. */
  readonly connections?: Record<string, { id: string; entraSubject?: string }>;
}

/** The token of each step: the pipeline's, or a service connection's. */
export function azureDevOpsRuns(text: string, w: AzureDevOpsWorld): Run[] {
  const [f] = snippetFiles(text);
  const runs: Run[] = [];
  const connection = (name: string) => {
    const c = w.connections?.[name];
    return c?.entraSubject ?? `sc://${w.organization}/${w.project}/${name}`;
  };
  for (const step of f.yaml.steps) {
    let sub: string | undefined;
    if (step.task === 'AzureCLI@2') sub = connection(step.inputs.azureSubscription);
    if (typeof step.bash === 'string' && /\$SYSTEM_OIDCREQUESTURI/.test(step.bash)) {
      if (step.env?.SYSTEM_ACCESSTOKEN !== '$(System.AccessToken)') throw new Error('the token request needs System.AccessToken');
      const id = /serviceConnectionId=(<[^>]*>|[^"&\s]+)/.exec(step.bash)?.[1];
      const byId = id === undefined ? undefined : Object.entries(w.connections ?? {}).find(([, c]) => c.id === id)?.[0];
      sub = id === undefined ? `p://${w.organization}/${w.project}/${w.pipeline}` : byId ? connection(byId) : `unknown connection ${id}`;
    }
    if (sub) runs.push({ label: String(step.task ?? 'bash'), claims: { iss: w.issuer, aud: 'api://AzureADTokenExchange', sub } });
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
export interface HcpWorld {
  readonly issuer: string;
  readonly organization: string;
  readonly project: string;
  readonly workspace: string;
  readonly workspaceId: string;
  readonly organizationId: string;
}

/** The token of each run phase the workspace variables give credentials to. */
export function hcpRuns(text: string, w: HcpWorld): Run[] {
  const [f] = snippetFiles(text);
  const vars = envVars(f.body);
  const cloud = ['AWS', 'GCP', 'AZURE'].find((c) => vars[`TFC_${c}_PROVIDER_AUTH`] === 'true');
  if (!cloud) throw new Error('no TFC_*_PROVIDER_AUTH=true');
  const phases = ['plan', 'apply'].filter((p) => Object.keys(vars).some((k) => new RegExp(`^TFC_${cloud}_(RUN|${p.toUpperCase()})_`).test(k)));
  const defaults: Record<string, string> = {
    AWS: 'aws.workload.identity',
    GCP: `//iam.googleapis.com/${vars.TFC_GCP_WORKLOAD_PROVIDER_NAME}`,
    AZURE: 'api://AzureADTokenExchange',
  };
  return phases.map((phase) => ({
    label: phase,
    claims: {
      iss: w.issuer,
      aud: vars[`TFC_${cloud}_WORKLOAD_IDENTITY_AUDIENCE`] ?? defaults[cloud],
      sub: `organization:${w.organization}:project:${w.project}:workspace:${w.workspace}:run_phase:${phase}`,
      terraform_organization_id: w.organizationId,
      terraform_organization_name: w.organization,
      terraform_project_name: w.project,
      terraform_workspace_id: w.workspaceId,
      terraform_workspace_name: w.workspace,
      terraform_full_workspace: `organization:${w.organization}:project:${w.project}:workspace:${w.workspace}`,
      terraform_run_phase: phase,
      terraform_run_id: 'run-CZcmD7eagjhyX0vN',
    },
  }));
}

// ---------------------------------------------------------------------------------------------
/** A Kubernetes pod's projected service-account token, or the claims a shell snippet says the token carries. */
export function genericRuns(text: string, issuer: string): Run[] {
  const [f] = snippetFiles(text);
  const stated = (f.notes.join('\n').match(/^The token must carry .*$/gm) ?? []).map((l) => /^The token must carry (\S+) = ("(?:\\.|[^"])*")/.exec(l)).filter(Boolean) as RegExpExecArray[];
  const claims: Record<string, unknown> = { iss: issuer, ...Object.fromEntries(stated.map((m) => [m[1], JSON.parse(m[2])])) };
  if (f.yaml?.kind === 'Pod') {
    const pod = f.yaml;
    const volume = pod.spec.volumes.flatMap((v: any) => v.projected?.sources ?? []).find((s: any) => s.serviceAccountToken)?.serviceAccountToken;
    if (!volume) throw new Error('the pod has no projected service-account token');
    claims.aud = [volume.audience]; // Kubernetes writes aud as a list
    claims.sub = `system:serviceaccount:${pod.metadata.namespace}:${pod.spec.serviceAccountName}`;
    claims['kubernetes.io'] = { namespace: pod.metadata.namespace, serviceaccount: { name: pod.spec.serviceAccountName } };
  }
  return [{ label: f.path, claims }];
}

// ---------------------------------------------------------------------------------------------
export interface JenkinsWorld {
  /** The instance's root URL (JENKINS_URL without the trailing slash). */
  readonly jenkinsUrl: string;
  /** Branches a multibranch pipeline has (each gets a job and runs the Jenkinsfile). */
  readonly branches?: string[];
}

/** A URL path segment as Jenkins writes it: letters, digits and !$&'()*+,-.=@_ as they are, the rest %XX (UTF-8). */
function jenkinsSegment(name: string): string {
  const keep = new Set('!$&\'()*+,-.=@_');
  return [...name].map((ch) => (/[A-Za-z0-9]/.test(ch) || keep.has(ch) ? ch
    : [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))).join('');
}

/** The job name branch-api gives a branch: #%/?[]\ escaped (so the URL segment of feature/x is feature%252Fx). */
function branchJob(branch: string): string {
  const map: Record<string, string> = { '#': '%23', '%': '%25', '/': '%2F', '?': '%3F', '[': '%5B', ']': '%5D', '\\': '%5C' };
  return branch === '.' ? '%2E' : branch === '..' ? '%2E.' : [...branch].map((c) => map[c] ?? c).join('');
}

/** A declarative `when` as a predicate over the branch (the subset the snippet writes). */
function whenBranch(stage: GroovyNode): (branch: string) => boolean {
  const when = children(stage, 'when');
  if (!when.length) return () => true;
  const exact = (n: GroovyNode): string => {
    if (n.name !== 'branch') throw new Error(`Jenkinsfile: unsupported when condition ${n.name}`);
    if (n.args.length === 1 && !n.args[0].key) throw new Error('Jenkinsfile: `branch \'x\'` is an Ant-style pattern; the snippet writes comparator: \'EQUALS\'');
    if (str(named(n.args, 'comparator'), 'comparator') !== 'EQUALS') throw new Error('Jenkinsfile: only the EQUALS comparator is emulated');
    return str(named(n.args, 'pattern'), 'branch pattern');
  };
  const [w] = when;
  const conds = w.body ?? [];
  if (conds.length !== 1) throw new Error('Jenkinsfile: when must hold one condition');
  const names = conds[0].name === 'anyOf' ? (conds[0].body ?? []).map(exact) : [exact(conds[0])];
  return (branch) => names.includes(branch);
}

/**
 * Every build of the Jenkinsfile's job (one per branch its `when` admits, for a multibranch
 * pipeline) and the token the bound credential yields: `iss` the credential's issuer, `aud` its
 * audience (both set on the credential: the snippet's notes), `sub` the build's JOB_URL,
 * `build_number`. The credential must reach the cloud's tool: AWS_WEB_IDENTITY_TOKEN_FILE with
 * AWS_ROLE_ARN, gcloud's --credential-source-file, or az login's --federated-token.
 */
export function jenkinsRuns(text: string, w: JenkinsWorld): Run[] {
  const [f] = snippetFiles(text);
  if (f.path !== 'Jenkinsfile' || !f.groovy) throw new Error('the Jenkins snippet must be a Jenkinsfile');
  const note = (re: RegExp) => f.notes.map((n) => re.exec(n)).find(Boolean);
  const credential = note(/^Credential \(Jenkins credentials, kind "OpenID Connect id token as file"\): ID (\S+), audience (\S+)\.$/);
  if (!credential) throw new Error('the snippet names no "OpenID Connect id token as file" credential');
  const issuerNote = note(/^Issuer: (\S+) \((.*)\)\.?$/);
  if (!issuerNote) throw new Error('the snippet names no issuer');
  // A credential at the root gets the plugin's root issuer; another issuer is configured by hand.
  const iss = /create it there/.test(issuerNote[2]) ? `${w.jenkinsUrl}/oidc` : issuerNote[1];
  const jobNote = note(/^Job: ([^,(]+?)(, a multibranch pipeline|\s\()/);
  if (!jobNote) throw new Error('the snippet names no job');
  const jobPath = jobNote[1].split('/');
  const multibranch = jobNote[2].startsWith(',');

  const [pipeline, ...rest] = f.groovy;
  if (pipeline?.name !== 'pipeline' || rest.length) throw new Error('Jenkinsfile: one pipeline block');
  child(pipeline, 'agent');
  const runs: Run[] = [];
  for (const stage of children(child(pipeline, 'stages'), 'stage')) {
    const name = str(stage.args[0]?.value, 'stage name');
    const env = Object.fromEntries(children(stage, 'environment').flatMap((e) => e.body ?? []).map((a) => [a.name, str(a.assign, `environment ${a.name}`)]));
    for (const binding of children(child(stage, 'steps'), 'withCredentials')) {
      const list = binding.args[0]?.value;
      if (list?.kind !== 'list') throw new Error('Jenkinsfile: withCredentials takes a list of bindings');
      const files = list.items.filter((i): i is Extract<typeof i, { kind: 'call' }> => i.kind === 'call' && i.name === 'file');
      const bound = files.find((b) => str(named(b.args, 'credentialsId'), 'credentialsId') === credential[1]);
      if (!bound) throw new Error(`Jenkinsfile: credential ${credential[1]} is not bound as a file`);
      const variable = str(named(bound.args, 'variable'), 'variable');
      const scripts = children(binding, 'sh').map((sh) => {
        const v = sh.args[0]?.value;
        if (v?.kind !== 'string' || v.quote === '"') throw new Error('Jenkinsfile: sh scripts are single-quoted (no Groovy interpolation of the credential)');
        if (!/^\s*set \+x\b/.test(v.text)) throw new Error('Jenkinsfile: an sh script that handles the token must begin with set +x (Jenkins traces sh steps)');
        return v.text;
      }).join('\n');
      const reaches = variable === 'AWS_WEB_IDENTITY_TOKEN_FILE' ? Boolean(env.AWS_ROLE_ARN) && /\baws /.test(scripts)
        : new RegExp(`--credential-source-file="\\$${variable}"`).test(scripts) || new RegExp(`--federated-token "\\$\\(cat "\\$${variable}"\\)"`).test(scripts);
      if (!reaches) throw new Error(`Jenkinsfile: the token file ${variable} reaches no cloud login`);
      const admits = whenBranch(stage);
      const branches = multibranch ? (w.branches ?? ['main']).filter(admits) : [undefined];
      for (const branch of branches) {
        const names = branch === undefined ? jobPath : [...jobPath, branchJob(branch)];
        runs.push({
          label: `${name}${branch === undefined ? '' : ` on ${branch}`}`,
          claims: { iss, aud: credential[2], sub: `${w.jenkinsUrl}/${names.map((n) => `job/${jenkinsSegment(n)}/`).join('')}`, build_number: 42 },
        });
      }
    }
  }
  return runs;
}

export type { ParsedFile };
