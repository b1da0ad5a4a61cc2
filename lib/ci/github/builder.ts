import { Condition, Test } from '../../model/condition';
import { TrustConfigError } from '../../model/errors';
import { Glob } from '../../model/glob';
import { NetworkRestriction, NetworkRestrictionProps } from '../../model/network';
import { RuleLevel, Widening } from '../../model/rules';
import { RequiredWidening, Trust, TrustFinding } from '../../model/trust';
import { concat, globsCondition, joinFields, lit, pat, SUBJECT_LIMIT } from '../globs';
import { guardMethods, PRODUCTION_REF, refuseWildcard, requireAudienceArgs, requireEnum, requireId, requireName, requireNetworkProps, requireProps, requireRefName, requireRefPattern, requireStrings, requireText, requireWidenings, uniqSorted } from '../values';
import { GITHUB_VOLATILE, isGitHubClaim } from './claims';
import { GitHubIssuer } from './issuer';
import { BOTH_SIZE_HINT, GHES_TEXTS, GITHUB_SPEC, GitHubDetails } from './provider-spec';
import { claimField, DEFAULT_TEMPLATE, encodeSubjectValue, environmentContext, PULL_REQUEST_CONTEXT, refContext, repoField } from './subject';

/** Which `sub` form the repository's tokens carry (docs/claims.md#github-actions). */
export enum GitHubSubjectFormat {
  /** `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`: repos created, renamed or transferred after 2026-07-15, or opted in. */
  IMMUTABLE = 'IMMUTABLE',
  /** `repo:OWNER/REPO:…`, with the repository id pinned as the `repository_id` claim where ids are given. */
  NAME = 'NAME',
  /**
   * Either form, with the repository id pinned as the `repository_id` claim (so both forms are held to
   * the same immutable id): the default when ids are given. AWS (github.com) and GCP check it; Azure
   * matches the subject only and refuses it at synth, so on Azure choose IMMUTABLE or NAME.
   */
  BOTH = 'BOTH',
}

/** The repository whose workflows are trusted. */
export interface GitHubRepositoryProps {
  /** Owner (organization or user) login, e.g. `acme`. */
  readonly owner: string;
  /** Repository name without the owner, e.g. `web`. */
  readonly repository: string;
  /**
   * Numeric owner id (`repository_owner_id`). Immutable: survives renames, cannot be re-registered.
   * @default - none: requires Widening.NAME_ONLY_IDENTITY
   */
  readonly ownerId?: string;
  /**
   * Numeric repository id (`repository_id`).
   * @default - none: requires Widening.NAME_ONLY_IDENTITY
   */
  readonly repositoryId?: string;
  /** Which GitHub signs the tokens. @default GitHubIssuer.GITHUB_COM */
  readonly issuer?: GitHubIssuer;
  /**
   * The `sub` form the repository's tokens carry: `gh api repos/OWNER/REPO/actions/oidc/customization/sub`
   * shows the repository's setting, and a run's token shows the form itself (docs/subject-format.md).
   * @default BOTH when both ids are given and the issuer has the immutable form (the repository id
   * is then pinned as a claim, so no repository is locked out by its form; Azure needs an explicit
   * choice), else NAME
   */
  readonly subjectFormat?: GitHubSubjectFormat;
}

/**
 * Events whose runs get a branch subject (`ref:refs/heads/<branch>`) without the pushed code: they run
 * the base branch's workflow, and someone without write access can start them (a fork's pull request
 * for pull_request_target, a comment for issue_comment, a fork's finished run for workflow_run).
 * https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows
 */
const BASE_CONTEXT_EVENTS = 'pull_request_target, workflow_run and issue_comment';
const BASE_CONTEXT_EVENTS_WARNING = `every event's runs on these refs get its tokens, including ${BASE_CONTEXT_EVENTS} runs that a fork's author can start: pin an environment with required reviewers, or the events (onEvent) where the cloud checks event_name (GCP)`;
const EVENT_NAME = /^[a-z][a-z_]{1,63}$/;

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9_])){0,38}$/;
const REPO = /^(?!\.\.?$)(?!.*\.git$)[A-Za-z0-9._-]{1,100}$/;
const TEMPLATE_KEY = /^[A-Za-z0-9_]{1,100}$/;
/** Template keys GitHub sets from the owner or enterprise: allowed ahead of the repository. */
const TENANT_KEYS = new Set(['repository_owner', 'repository_owner_id', 'enterprise', 'enterprise_id']);

/** GitHub Actions: typed trusts for workflows of one repository. */
export class GitHubActions {
  /** The CI profile id in trusts and reviews. */
  public static readonly PROVIDER_ID = GITHUB_SPEC.id;

  /** Start a trust for workflows of one repository. */
  public static repository(props: GitHubRepositoryProps): GitHubTrustBuilder {
    return GitHubTrustBuilder._create(props);
  }

  private constructor() {}
}

/**
 * Builds a GitHub Actions trust. Contexts: pin an environment, branches, tags or pull requests;
 * multiple values of one kind are alternatives. With an environment, branches and tags are extra
 * pins on the `ref` claim (the subject carries the environment, not the ref).
 */
export class GitHubTrustBuilder {
  /** @internal */
  public static _create(props: GitHubRepositoryProps): GitHubTrustBuilder {
    return new GitHubTrustBuilder(props);
  }

  private readonly owner: string;
  private readonly repo: string;
  private readonly ownerId?: string;
  private readonly repoId?: string;
  private readonly issuer: GitHubIssuer;
  private readonly format: GitHubSubjectFormat;
  private readonly envs: string[] = [];
  private readonly refs: string[] = [];
  private readonly refPatterns: string[] = [];
  private readonly envPatterns: string[] = [];
  private pr = false;
  private anyRef = false;
  private readonly pins = new Map<string, string[]>();
  private template?: string[];
  private auds?: string[];
  private net?: NetworkRestriction;
  private readonly accepted: Widening[] = [];

  /** Validates the props: builders come from GitHubActions.repository() only. */
  private constructor(props: GitHubRepositoryProps) {
    const w = 'GitHubActions.repository';
    requireProps(w, props);
    this.owner = requireName(`${w}(owner)`, props.owner, 'owner', OWNER, 'up to 39 letters, digits and single inner hyphens');
    this.repo = requireName(`${w}(repository)`, props.repository, 'repository name', REPO, 'up to 100 of A-Z a-z 0-9 . _ -, without the owner, "/" or a ".git" suffix');
    this.ownerId = props.ownerId === undefined ? undefined : requireId(`${w}(ownerId)`, props.ownerId, 'owner id');
    this.repoId = props.repositoryId === undefined ? undefined : requireId(`${w}(repositoryId)`, props.repositoryId, 'repository id');
    if ((this.ownerId === undefined) !== (this.repoId === undefined)) {
      throw new TrustConfigError(w, 'only one of ownerId and repositoryId is given', 'give both ids (GET /repos/{owner}/{repo} returns owner.id and id)');
    }
    if (props.issuer !== undefined && !(props.issuer instanceof GitHubIssuer)) {
      throw new TrustConfigError(`${w}(issuer)`, `issuer must be a GitHubIssuer, got ${typeof props.issuer === 'string' ? `the string ${JSON.stringify(props.issuer)}` : String(props.issuer)}`, 'use GitHubIssuer.GITHUB_COM, GitHubIssuer.enterpriseCloud(slug), GitHubIssuer.dataResidency(subdomain) or GitHubIssuer.enterpriseServer(hostname)');
    }
    if (props.subjectFormat !== undefined) requireEnum(`${w}(subjectFormat)`, props.subjectFormat, GitHubSubjectFormat, 'GitHubSubjectFormat');
    this.issuer = props.issuer ?? GitHubIssuer.GITHUB_COM;
    const hasIds = this.repoId !== undefined;
    this.format = props.subjectFormat ?? (hasIds && this.issuer.supportsImmutableSubject ? GitHubSubjectFormat.BOTH : GitHubSubjectFormat.NAME);
    if (this.format !== GitHubSubjectFormat.NAME && !hasIds) {
      throw new TrustConfigError(`${w}(subjectFormat)`, `the ${this.format} subject format needs ownerId and repositoryId`, 'give both ids');
    }
    if (this.format !== GitHubSubjectFormat.NAME && !this.issuer.supportsImmutableSubject) {
      throw new TrustConfigError(`${w}(subjectFormat)`, `${this.issuer.label} (GitHub Enterprise Server) does not emit the immutable subject`, GHES_TEXTS.noImmutableSubject);
    }
  }

  /** Jobs on these branches (short names, e.g. `main`). */
  public onBranch(...branches: string[]): GitHubTrustBuilder {
    for (const b of branches) this.refs.push(`refs/heads/${requireRefName('GitHubTrustBuilder.onBranch', b, 'branch', 'onBranchPattern')}`);
    return this;
  }

  /** Jobs on these tags (short names, e.g. `v1.2.0`). */
  public onTag(...tags: string[]): GitHubTrustBuilder {
    for (const t of tags) this.refs.push(`refs/tags/${requireRefName('GitHubTrustBuilder.onTag', t, 'tag', 'onTagPattern')}`);
    return this;
  }

  /** Jobs on branches matching a pattern such as `release/*`. Requires Widening.REF_PATTERN. */
  public onBranchPattern(pattern: string): GitHubTrustBuilder {
    this.refPatterns.push(`refs/heads/${requireRefPattern('GitHubTrustBuilder.onBranchPattern', pattern, 'branch pattern')}`);
    return this;
  }

  /** Jobs on tags matching a pattern such as `v*`. Requires Widening.REF_PATTERN. */
  public onTagPattern(pattern: string): GitHubTrustBuilder {
    this.refPatterns.push(`refs/tags/${requireRefPattern('GitHubTrustBuilder.onTagPattern', pattern, 'tag pattern')}`);
    return this;
  }

  /** Jobs that reference one of these environments (the subject then carries the environment). */
  public inEnvironment(...environments: string[]): GitHubTrustBuilder {
    for (const e of environments) {
      refuseWildcard('GitHubTrustBuilder.inEnvironment', e, 'environment', 'inEnvironmentPattern');
      const v = requireText('GitHubTrustBuilder.inEnvironment', e, 'environment');
      if (/[*?"'`\\$]/.test(v) || v.length > 255) {
        throw new TrustConfigError('GitHubTrustBuilder.inEnvironment', `environment ${JSON.stringify(v)} contains one of * ? " ' \` \\ $ or is over 255 characters`, 'use the environment name as GitHub shows it');
      }
      if (/%3A/i.test(v)) {
        throw new TrustConfigError('GitHubTrustBuilder.inEnvironment', `environment ${JSON.stringify(v)} is already %3A-encoded, which is ambiguous`, 'give the plain name with ":"; the subject encoding is applied for you');
      }
      const twin = this.envs.find((x) => x !== v && x.toLowerCase() === v.toLowerCase());
      if (twin) {
        throw new TrustConfigError('GitHubTrustBuilder.inEnvironment', `environments ${JSON.stringify(twin)} and ${JSON.stringify(v)} differ only in letter case; GitHub environment names are case-insensitive and the token carries one spelling`, 'give the name once, spelled as GitHub shows it');
      }
      this.envs.push(v);
    }
    return this;
  }

  /**
   * Jobs that reference an environment matching a pattern: `*` for every environment of the
   * repository, or literal text then `*` (`prod-*`). Requires Widening.REF_PATTERN. Never admits a
   * job without an environment (branch, tag and pull-request subjects have no `environment:` field).
   * The pattern matches the name as the token spells it, case-sensitively (as every cloud compares
   * `sub`); GitHub matches environment names case-insensitively, so write the pattern's letters as
   * the environments are named in GitHub's settings, which is the spelling tokens carry.
   */
  public inEnvironmentPattern(pattern: string): GitHubTrustBuilder {
    const w = 'GitHubTrustBuilder.inEnvironmentPattern';
    if (pattern !== '*') {
      const v = requireText(w, pattern, 'environment pattern');
      if (!v.includes('*')) throw new TrustConfigError(w, `environment pattern ${JSON.stringify(v)} has no *`, 'use inEnvironment() for an exact name');
      if (v.startsWith('*')) throw new TrustConfigError(w, `environment pattern ${JSON.stringify(v)} starts with a wildcard`, 'use "*" for every environment, or start the pattern with literal text, e.g. "prod-*"', 'CIT-M003');
      if (/[?"'`\\$]/.test(v) || v.length > 255) {
        throw new TrustConfigError(w, `environment pattern ${JSON.stringify(v)} contains one of ? " ' \` \\ $ or is over 255 characters`, 'use the environment name as GitHub shows it, with * for the varying part');
      }
      if (/%3A/i.test(v)) throw new TrustConfigError(w, `environment pattern ${JSON.stringify(v)} is already %3A-encoded, which is ambiguous`, 'give the plain name with ":"; the subject encoding is applied for you');
    }
    this.envPatterns.push(pattern);
    return this;
  }

  /** Pull-request runs (subject `repo:…:pull_request`). They run untrusted code: grant read-only permissions. */
  public onPullRequest(): GitHubTrustBuilder {
    this.pr = true;
    return this;
  }

  /** Any branch, tag, pull request or environment of the repository. Requires Widening.ANY_REF. */
  public onAnyRef(): GitHubTrustBuilder {
    this.anyRef = true;
    return this;
  }

  /**
   * Only jobs of this called (reusable) workflow, e.g.
   * `acme/shared/.github/workflows/deploy.yml@refs/heads/main` (pinned together with the caller repository).
   */
  public fromReusableWorkflow(jobWorkflowRef: string): GitHubTrustBuilder {
    const v = requireText('GitHubTrustBuilder.fromReusableWorkflow', jobWorkflowRef, 'job_workflow_ref');
    if (!/^[A-Za-z0-9_-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[^@\s:*?]+\.ya?ml@refs\/(heads|tags)\/[^\s:*?]+$|^[A-Za-z0-9_-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[^@\s:*?]+\.ya?ml@[0-9a-f]{40}$/.test(v)) {
      throw new TrustConfigError('GitHubTrustBuilder.fromReusableWorkflow', `${JSON.stringify(v)} is not OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex sha>)`, 'copy job_workflow_ref from a token or the workflow run page');
    }
    return this.withClaim('job_workflow_ref', v);
  }

  /** Only GitHub-hosted runners (`runner_environment == github-hosted`). */
  public onGitHubHostedRunners(): GitHubTrustBuilder {
    return this.withClaim('runner_environment', 'github-hosted');
  }

  /**
   * Only runs of these events (`event_name`, e.g. `push`, `workflow_dispatch`): keeps base-context
   * events such as pull_request_target and workflow_run, which a fork's author can start, off a
   * branch trust. GCP checks it in the attribute condition; AWS and Azure cannot see `event_name`
   * (synth fails with the fix: an environment with required reviewers, or `event_name` in the
   * subject template).
   */
  public onEvent(...events: string[]): GitHubTrustBuilder {
    const w = 'GitHubTrustBuilder.onEvent';
    if (events.length === 0) throw new TrustConfigError(w, 'no event given', 'give at least one event name, e.g. "push"');
    for (const e of events) {
      const v = requireText(w, e, 'event name');
      if (!EVENT_NAME.test(v)) throw new TrustConfigError(w, `event name ${JSON.stringify(v)} is not a GitHub event name (lower-case letters and _)`, 'use the event name as in the workflow\'s `on:` (push, workflow_dispatch, release, …)');
    }
    return this.withClaim('event_name', ...events);
  }

  /** Pin another GitHub claim to one of these exact values (e.g. `event_name`, `repository_visibility`, `repo_property_team`). */
  public withClaim(claim: string, ...values: string[]): GitHubTrustBuilder {
    requireStrings('GitHubTrustBuilder.withClaim', [claim], 'claim name');
    const w = `GitHubTrustBuilder.withClaim(${claim})`;
    if (claim === 'sub') {
      throw new TrustConfigError(w, 'the builder sets sub itself, from the repository, the subject format and the context methods', 'use onBranch(), onTag(), inEnvironment() or onPullRequest() for the context, and withSubjectTemplate() when the repository has a custom subject template');
    }
    if (!isGitHubClaim(claim)) throw new TrustConfigError(w, `${JSON.stringify(claim)} is not a GitHub Actions claim`, 'use a claim from the GitHub OIDC reference, e.g. event_name, runner_environment, repo_property_<name>');
    if (['repository', 'repository_id', 'repository_owner', 'repository_owner_id', 'environment', 'ref'].includes(claim)) {
      throw new TrustConfigError(w, `${claim} is set by the repository/context methods`, 'use GitHubActions.repository(), inEnvironment(), onBranch() or onTag()');
    }
    if (GITHUB_VOLATILE.has(claim)) throw new TrustConfigError(w, `${claim} changes with every run, so pinning it pins nothing durable`, 'pin a stable claim instead');
    if (values.length === 0) throw new TrustConfigError(w, 'no value given', 'give at least one exact value');
    const list = this.pins.get(claim) ?? [];
    for (const v of values) list.push(requireText(w, v, claim));
    this.pins.set(claim, list);
    return this;
  }

  /**
   * The repository's custom subject template (`include_claim_keys`), e.g.
   * `["repo", "context", "job_workflow_ref"]`. Every key must be pinned by this builder.
   */
  public withSubjectTemplate(...keys: string[]): GitHubTrustBuilder {
    const w = 'GitHubTrustBuilder.withSubjectTemplate';
    requireStrings(w, keys, 'template key');
    if (keys.length === 0) throw new TrustConfigError(w, 'the template is empty', 'give the include_claim_keys list, e.g. "repo", "context"');
    for (const k of keys) {
      if (!TEMPLATE_KEY.test(k) || !(k === 'repo' || k === 'context' || isGitHubClaim(k))) {
        throw new TrustConfigError(w, `key ${JSON.stringify(k)} is not "repo", "context" or a GitHub claim name`, 'use the keys of include_claim_keys exactly');
      }
    }
    if (new Set(keys).size !== keys.length) throw new TrustConfigError(w, 'a key is repeated', 'list each key once');
    if (!keys.includes('repo') && !keys.includes('repository_id')) {
      throw new TrustConfigError(w, `the template ${JSON.stringify(keys)} has neither "repo" nor "repository_id", so any repository emitting the same values matches`, 'include "repo" (or "repository_id") in the template', 'CIT-M016');
    }
    // The repository that mints a token chooses its own template and values such as workflow names:
    // a field it chooses ahead of the repository could carry the rest of the subject.
    const ahead = keys.slice(0, keys.findIndex((k) => k === 'repo' || k === 'repository_id')).filter((k) => !TENANT_KEYS.has(k));
    if (ahead.length) {
      throw new TrustConfigError(w, `the template ${JSON.stringify(keys)} puts ${ahead.map((k) => JSON.stringify(k)).join(', ')} ahead of the repository, so another repository could produce the whole subject`, 'put "repo" (or "repository_id") first in the template, after owner or enterprise keys only', 'CIT-M016');
    }
    this.template = [...keys];
    return this;
  }

  /** The audiences the job requests. @default - the cloud's default when compiled (sts.amazonaws.com, api://AzureADTokenExchange, the GCP provider name) */
  public withAudience(...audiences: string[]): GitHubTrustBuilder {
    requireAudienceArgs('GitHubTrustBuilder.withAudience', audiences);
    this.auds = [...(this.auds ?? []), ...audiences];
    return this;
  }

  /** Restrict where the credential request may come from. */
  public restrictNetwork(network: NetworkRestrictionProps): GitHubTrustBuilder {
    this.net = NetworkRestriction.of(requireNetworkProps('GitHubTrustBuilder.restrictNetwork', network));
    return this;
  }

  /** Accept named widenings of the secure default (each is shown in the review). */
  public accept(...widenings: Widening[]): GitHubTrustBuilder {
    this.accepted.push(...requireWidenings('GitHubTrustBuilder.accept', widenings));
    return this;
  }

  /** Validate and return the trust (jsii reserves `build`). */
  public toTrust(): Trust {
    // In steps, each its own function: checks, then the condition, then the sentence (the order of
    // the errors a builder can raise), so no one function is the size of the whole.
    const w = `GitHubActions(${this.owner}/${this.repo})`;
    const sel = this._selection();
    const { needs, warnings } = this._findings(w, sel);
    const condition = this._commonCondition(sel) ?? Condition.anyOf(...this._alternatives(w, sel));
    return Trust._create({
      profile: GITHUB_SPEC.profile,
      where: w,
      issuer: this.issuer.url,
      audiences: this.auds,
      condition,
      network: this.net,
      description: this._sentence(sel),
      warnings,
      needs,
      accepted: this.accepted,
      details: this._details(sel),
      sizeHint: this.format === GitHubSubjectFormat.BOTH ? BOTH_SIZE_HINT : undefined,
    });
  }

  /** The contexts pinned, sorted and deduplicated. */
  private _selection(): Selection {
    const envs = uniqSorted(this.envs);
    const envPatterns = uniqSorted(this.envPatterns);
    // Every environment context this trust admits, exact names and patterns.
    const envGlobs: Glob[] = [...envs.map(lit), ...envPatterns.map(pat)];
    return {
      envs,
      refs: uniqSorted(this.refs),
      patterns: uniqSorted(this.refPatterns),
      envPatterns,
      envGlobs,
      hasEnv: envGlobs.length > 0,
      template: this.template ?? DEFAULT_TEMPLATE,
      eventPinned: this.pins.has('event_name'),
    };
  }

  /** The widenings the trust needs and the warnings it carries; refuses contradictory contexts. */
  private _findings(w: string, sel: Selection): { needs: RequiredWidening[]; warnings: TrustFinding[] } {
    const { refs, patterns, envPatterns, hasEnv } = sel;
    const needs: RequiredWidening[] = [];
    const warnings: TrustFinding[] = [];
    if (this.repoId === undefined) needs.push({ ruleId: 'CIT-M010', message: `${this.owner}/${this.repo} is trusted by name only; a deleted or renamed owner or repository can be re-registered by anyone` });
    if (patterns.length) needs.push({ ruleId: 'CIT-M012', message: `ref patterns ${patterns.join(', ')} admit every matching ref anyone with push access creates` });
    if (envPatterns.length) needs.push({ ruleId: 'CIT-M012', message: `environment patterns ${envPatterns.join(', ')} admit jobs of every matching environment anyone with admin access creates` });
    if (this.pr && hasEnv) throw new TrustConfigError(w, 'a job in an environment gets the environment subject, never the pull_request one', 'drop onPullRequest(), or pin event_name with withClaim("event_name", "pull_request")');
    const hasContext = sel.envGlobs.length + refs.length + patterns.length > 0 || this.pr;
    if (this.anyRef && hasContext) throw new TrustConfigError(w, 'onAnyRef() is combined with specific contexts', 'use either onAnyRef() or the specific contexts');
    if (!hasContext && !this.anyRef) throw new TrustConfigError(w, 'no branch, tag, environment or pull request is pinned', 'call onBranch(), onTag(), inEnvironment() or onPullRequest(); or onAnyRef() with Widening.ANY_REF', 'CIT-M011');
    if (this.anyRef) needs.push({ ruleId: 'CIT-M011', message: `every branch, tag, pull request and environment of ${this.owner}/${this.repo} is trusted` });
    if (/[A-Z]/.test(`${this.owner}/${this.repo}`)) {
      warnings.push({ ruleId: 'CIT-M022', level: RuleLevel.WARNING, message: `${this.owner}/${this.repo} has upper-case letters; subjects are compared case-sensitively, so the spelling must be the one GitHub's API returns (gh api repos/${this.owner}/${this.repo} --jq .full_name)` });
    }
    if (this.pr) warnings.push({ ruleId: 'CIT-M013', level: RuleLevel.WARNING, message: 'pull-request runs are trusted; they execute code from the pull request' });
    if (!hasEnv && (refs.some((r) => r.startsWith('refs/tags/') || PRODUCTION_REF.test(r.replace(/^refs\/heads\//, ''))) || patterns.length)) {
      const events = sel.eventPinned ? '' : `; ${BASE_CONTEXT_EVENTS_WARNING}`;
      warnings.push({ ruleId: 'CIT-M014', level: RuleLevel.WARNING, message: `deploys from ${[...refs, ...patterns].join(', ')} without a GitHub environment, so no protection rule or reviewer applies${events}` });
    }
    return { needs, warnings };
  }

  /**
   * The condition of the most common trusts, built directly: the default subject template, exact
   * branches, tags or environments, nothing else pinned. It is the canonical condition
   * `_alternatives` reaches through the subject grammar for them (one alternative: both subject
   * forms merge), made without the globs and the condition algebra, which took most of
   * `toTrust`'s time (docs/benchmarks.md); test/ci/github-common-condition.test.ts holds the two equal.
   * Undefined for every other trust.
   */
  private _commonCondition(sel: Selection): Condition | undefined {
    if (this.template || this.pr || this.anyRef || this.pins.size || sel.patterns.length || sel.envPatterns.length) return undefined;
    const contexts = sel.hasEnv ? sel.envs.map(environmentContext) : sel.refs.map(refContext);
    // More subjects than joinFields allows: the general path refuses them with its message.
    if (contexts.length === 0 || contexts.length > SUBJECT_LIMIT) return undefined;
    const subjects: string[] = [];
    const forms = this.format === GitHubSubjectFormat.BOTH ? [false, true] : [this.format === GitHubSubjectFormat.IMMUTABLE];
    for (const immutable of forms) {
      const repo = repoField(this.owner, this.repo, immutable ? { ownerId: this.ownerId, repositoryId: this.repoId } : undefined);
      for (const c of contexts) subjects.push(`${repo}:${c}`);
    }
    // The tests in canonical order (by claim): with an environment the subject carries it and the
    // refs are a claim of their own; the repository id is pinned unless the subject holds it.
    const tests: Test[] = [];
    if (sel.hasEnv && sel.refs.length) tests.push({ kind: 'in', claim: 'ref', values: sel.refs });
    if (this.repoId && !forms.some((immutable) => this._subjectHoldsIds(immutable))) tests.push({ kind: 'in', claim: 'repository_id', values: [this.repoId] });
    tests.push({ kind: 'in', claim: 'sub', values: uniqSorted(subjects) });
    return Condition._fromTerms([{ tests }]);
  }

  /**
   * Does this subject form carry the owner and repository ids, so no `repository_id` claim test is
   * needed? The immutable form does; BOTH still pins the claim on it (it repeats the subject's id),
   * so both forms are held to the same id and merge into one alternative. The one home of that rule
   * for both ways to the condition.
   */
  private _subjectHoldsIds(immutable: boolean): boolean {
    return immutable && this.format !== GitHubSubjectFormat.BOTH;
  }

  /** One condition per subject form (both forms merge into one alternative when they can). */
  private _alternatives(w: string, sel: Selection): Condition[] {
    const { refs, patterns, envGlobs, hasEnv, template } = sel;
    // Values each template key can take, as globs; the pins a key consumes are then not separate tests.
    const contexts: Glob[] = hasEnv
      ? envGlobs.map((g) => concat(lit(environmentContext('')), encodeGlob(g)))
      : this.anyRef
        ? [{ parts: ['', ''] }]
        : [...refs.map((r) => lit(refContext(r))), ...patterns.map((p) => concat(lit(refContext('')), encodeGlob(pat(p)))), ...(this.pr ? [lit(PULL_REQUEST_CONTEXT)] : [])];
    const refValues: Glob[] = [...refs.map(lit), ...patterns.map(pat)];
    // The values of the template keys other than context, repo and ref (a custom template's).
    let derived: Map<string, Glob[]> | undefined;
    const derive = (key: string): Glob[] | undefined => {
      if (!derived) {
        derived = new Map<string, Glob[]>();
        derived.set('repository', [lit(`${this.owner}/${this.repo}`)]);
        derived.set('repository_owner', [lit(this.owner)]);
        if (this.repoId) {
          derived.set('repository_owner_id', [lit(this.ownerId!)]);
          derived.set('repository_id', [lit(this.repoId)]);
        }
        if (hasEnv) derived.set('environment', envGlobs);
        for (const [k, v] of this.pins) derived.set(k, uniqSorted(v).map(lit));
        if (refs.length && !patterns.length && !hasEnv && !derived.has('ref_type')) {
          derived.set('ref_type', uniqSorted(refs.map((r) => (r.startsWith('refs/tags/') ? 'tag' : 'branch'))).map(lit));
        }
      }
      return derived.get(key);
    };

    if (this.pr && !template.includes('context')) {
      // Without "context" the subject cannot say pull_request, and the model has no other exact pin for it.
      throw new TrustConfigError(w, 'the subject template has no "context", so onPullRequest() could not be enforced', 'add "context" to the template, or pin event_name with withClaim("event_name", "pull_request")');
    }
    const alternatives: Condition[] = [];
    // The claim pins both subject forms share are made once (by what they pin, not by claim: a
    // withClaim pin may test a claim another pin tests too): the forms then merge by identity.
    const pinned = new Map<string, Condition>();
    const pin = (what: string, make: () => Condition): Condition => {
      let c = pinned.get(what);
      if (!c) pinned.set(what, (c = make()));
      return c;
    };
    const formats = this.format === GitHubSubjectFormat.BOTH ? [true, false] : [this.format === GitHubSubjectFormat.IMMUTABLE];
    for (const immutable of formats) {
      const consumed = new Set<string>();
      const subjects = joinFields(template.map((key): Glob[] => {
        if (key === 'context') return contexts;
        if (key === 'repo') {
          consumed.add('repository');
          if (this._subjectHoldsIds(immutable)) ['repository_owner_id', 'repository_id'].forEach((k) => consumed.add(k));
          return [lit(repoField(this.owner, this.repo, immutable ? { ownerId: this.ownerId, repositoryId: this.repoId } : undefined))];
        }
        if (key === 'ref') {
          if (!refValues.length) throw new TrustConfigError(w, 'the subject template has "ref" but no branch or tag is pinned', 'pin onBranch()/onTag(), or remove "ref" from the template');
          consumed.add('ref');
          return refValues.map((g) => concat(lit(refContext('')), encodeGlob(g)));
        }
        const v = derive(key);
        if (!v) throw new TrustConfigError(w, `the subject template has "${key}", which this trust does not pin, so the subject could hold any value there`, `pin it with withClaim("${key}", ...), or remove it from the template`);
        consumed.add(key);
        return v.map((g) => concat(lit(claimField(key, '')), encodeGlob(g)));
      }), w);
      const tests: Condition[] = [globsCondition('sub', subjects)];
      // A template without "context" does not carry the branch/tag/environment in `sub`: pin them as
      // claims, or the builder would silently drop onBranch()/onTag()/inEnvironment().
      if ((hasEnv || !template.includes('context')) && !consumed.has('ref') && refValues.length) tests.push(pin('refs', () => globsCondition('ref', refValues)));
      if (hasEnv && !template.includes('context') && !consumed.has('environment')) tests.push(pin('environments', () => globsCondition('environment', envGlobs)));
      // The name-form subject pins owner and repository names; the repository id (unique, never
      // reused) makes a recycled name useless. The owner id would add nothing, and AWS cannot see it.
      // BOTH pins it on the immutable form too (it repeats the subject's id), so the two forms merge
      // into one alternative: one IAM statement, one CEL clause.
      if (this.repoId && !consumed.has('repository_id')) tests.push(pin('repository id', () => Condition.exact('repository_id', this.repoId!)));
      for (const [k, v] of this.pins) if (!consumed.has(k)) tests.push(pin(`withClaim ${k}`, () => Condition.oneOf(k, uniqSorted(v))));
      alternatives.push(Condition.allOf(...tests));
    }
    return alternatives;
  }

  /** Who is trusted, as a sentence for reviewers. */
  private _sentence(sel: Selection): string {
    const { envs, refs, patterns, envPatterns, hasEnv } = sel;
    const form = this.format === GitHubSubjectFormat.BOTH ? 'name or immutable subject' : this.format === GitHubSubjectFormat.IMMUTABLE ? 'immutable subject' : 'name subject';
    const ids = this.repoId ? ` (owner id ${this.ownerId}, repository id ${this.repoId}; ${form})` : ' (by name only)';
    const ctx: string[] = [];
    // Pushed part by part rather than spread from lists: every trust makes its sentence.
    const envText: string[] = [];
    if (envs.length) envText.push(`in environment ${envs.join(' or ')}`);
    for (const p of envPatterns) envText.push(p === '*' ? 'in every environment' : `in environments matching ${p}`);
    if (envText.length) ctx.push(envText.join(' or '));
    const branchNames: string[] = [];
    const tagNames: string[] = [];
    for (const r of refs) {
      if (r.startsWith('refs/heads/')) branchNames.push(r.slice(11));
      else if (r.startsWith('refs/tags/')) tagNames.push(r.slice(10));
    }
    const refText: string[] = [];
    if (branchNames.length) refText.push(`on branch ${branchNames.join(' or ')}`);
    if (tagNames.length) refText.push(`on tag ${tagNames.join(' or ')}`);
    for (const p of patterns) refText.push(p === 'refs/heads/*' ? 'on every branch' : p === 'refs/tags/*' ? 'on every tag' : `on refs matching ${p}`);
    if (this.pr) refText.push('in pull requests');
    if (this.anyRef) refText.push('on any ref');
    if (refText.length) ctx.push(refText.join(' or '));
    const branchTrust = branchNames.length > 0 || patterns.some((p) => p.startsWith('refs/heads/')) || this.anyRef;
    if (branchTrust && !hasEnv && !sel.eventPinned) ctx.push(`by any event (push, and base-context events such as ${BASE_CONTEXT_EVENTS} that a fork's author can start)`);
    if (this.pins.size) for (const [k, v] of [...this.pins.entries()].sort()) ctx.push(`with ${k} ${uniqSorted(v).join(' or ')}`);
    const issuerText = this.issuer === GitHubIssuer.GITHUB_COM ? '' : ` on ${this.issuer.label}`;
    return `GitHub Actions jobs of ${this.owner}/${this.repo}${ids}${issuerText} ${ctx.join(', ')}`;
  }

  /** The facts the CI snippet and the review read. */
  private _details(sel: Selection): GitHubDetails {
    const details: { -readonly [K in keyof GitHubDetails]: GitHubDetails[K] } = {
      owner: this.owner,
      repository: this.repo,
      ownerId: this.ownerId,
      repositoryId: this.repoId,
      subjectFormat: this.format,
      subjectTemplate: this.template,
      environments: sel.envs,
      refs: [...sel.refs, ...sel.patterns],
      issuerWebUrl: this.issuer.webUrl,
    };
    // Set only when used (every trust makes its details: no spread of empty objects).
    if (this.pr) details.pullRequest = true;
    if (this.anyRef) details.anyRef = true;
    if (this.pins.size) details.claims = Object.fromEntries([...this.pins.entries()].sort().map(([k, v]) => [k, uniqSorted(v)]));
    return details;
  }
}

/** What a builder pins as its contexts, sorted and deduplicated (toTrust's steps share it). */
interface Selection {
  readonly envs: string[];
  readonly refs: string[];
  readonly patterns: string[];
  readonly envPatterns: string[];
  /** Every environment context the trust admits, exact names and patterns. */
  readonly envGlobs: Glob[];
  readonly hasEnv: boolean;
  readonly template: readonly string[];
  readonly eventPinned: boolean;
}

function encodeGlob(g: Glob): Glob {
  return { parts: g.parts.map(encodeSubjectValue) };
}

guardMethods(GitHubTrustBuilder);
guardMethods(GitHubActions, GitHubActions);
