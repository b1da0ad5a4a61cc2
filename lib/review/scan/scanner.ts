/**
 * Judges extracted trust relationships. Every check works on the *meaning* of a
 * condition: subjects are parsed per CI provider, IAM operators are decoded, GCP CEL is
 * parsed into disjunctive normal form, and every value of every list is judged.
 */
import { AwsCondition, CiProvider, cmp, GcpGrant, splitConditionKey, TrustRelationship } from './extract';
import { findingDefinition, FindingCloud, Severity, SUBJECT_ISSUE_IDS, SubjectIssue } from './findings';

export interface Finding {
  readonly id: string;
  readonly severity: Severity;
  readonly cloud: FindingCloud;
  readonly title: string;
  /** Id of the trust relationship (`file#resource[#statement]`). */
  readonly trust: string;
  readonly file: string;
  readonly resource: string;
  readonly statement?: number;
  /** What exactly is wrong, naming the value and where it is. */
  readonly message: string;
}

// ---------------------------------------------------------------- patterns

/** Private-use characters stand for wildcards, so literal `*` (StringEquals) stays distinct. */
const ANY = '\uE000';
const ONE = '\uE001';
export type MatchMode = 'exact' | 'glob' | 'prefix' | 'regex';

/**
 * Encodes a condition value as a pattern. Returns undefined when the value holds an
 * unresolved interpolation (`${var.x}`, or an IAM policy variable other than `${*}`,
 * `${?}`, `${$}`) whose runtime value is unknown.
 */
export function encodePattern(value: string, mode: MatchMode): string | undefined {
  switch (mode) {
    case 'exact':
      return value.includes('${') ? undefined : value;
    case 'prefix':
      return value + ANY;
    case 'glob': {
      let out = '';
      for (let i = 0; i < value.length; i++) {
        const c = value[i];
        if (c === '$' && value[i + 1] === '{') {
          const end = value.indexOf('}', i);
          const inner = end < 0 ? undefined : value.slice(i + 2, end);
          if (inner === '*' || inner === '?' || inner === '$') {
            out += inner;
            i = end;
            continue;
          }
          return undefined;
        }
        out += c === '*' ? ANY : c === '?' ? ONE : c;
      }
      return out;
    }
    case 'regex': {
      // Leading inline flags such as (?s) (dot matches newline) do not change which text is literal.
      let s = value.replace(/^\(\?[imsU]+\)/, '');
      const anchoredStart = s.startsWith('^');
      const anchoredEnd = s.endsWith('$') && !s.endsWith('\\$');
      if (anchoredStart) s = s.slice(1);
      if (anchoredEnd) s = s.slice(0, -1);
      // Approximation of RE2: `.*`/`.+` → any run, `.` → one char, `\x` → literal x.
      let out = '';
      for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (c === '\\' && i + 1 < s.length) {
          out += s[++i];
        } else if (c === '.' && (s[i + 1] === '*' || s[i + 1] === '+')) {
          out += ANY;
          i++;
        } else if (c === '.') {
          out += ONE;
        } else if ('[(|+*?{'.includes(c)) {
          out += ANY; // character classes, groups, alternation: treat as "anything here"
        } else {
          out += c;
        }
      }
      return (anchoredStart ? '' : ANY) + out + (anchoredEnd ? '' : ANY);
    }
  }
}

const hasWild = (s: string | undefined): boolean => s === undefined || /[\uE000\uE001]/.test(s);
const allWild = (s: string | undefined): boolean => s === undefined || (s.length > 0 && /^[\uE000\uE001]+$/.test(s));
/** Display form: wildcards back to `*`/`?`. */
export function showPattern(s: string): string {
  return s.replace(/\uE000/g, '*').replace(/\uE001/g, '?');
}

// ---------------------------------------------------------------- claims and subjects

/** 0 none, 1 reusable workflow only, 2 owner/organisation, 3 one repository/project/pipeline. */
type Level = 0 | 1 | 2 | 3;

interface Verdict {
  level: Level;
  issues: { issue: SubjectIssue; detail: string }[];
  usesIds: boolean;
}

const REPO_CLAIMS = new Set([
  'repository', 'repository_id', 'repo', // GitHub
  'project_path', 'project_id', // GitLab
  'pipeline_id', // Buildkite (UUID)
  'terraform_workspace_id', 'terraform_full_workspace', // HCP
  'oidc.circleci.com/project-id', 'repositoryuuid', // CircleCI, Bitbucket
]);
const OWNER_CLAIMS = new Set([
  'repository_owner', 'repository_owner_id', 'enterprise', 'enterprise_id',
  'namespace_path', 'namespace_id', 'organization_slug', 'organization_id',
  'terraform_organization_id', 'terraform_organization_name', 'workspaceuuid', 'oidc.circleci.com/org-id',
]);
/** Names unique only inside an organisation: a repository pin only together with an owner pin. */
const SCOPED_CLAIMS = new Set(['pipeline_slug', 'terraform_workspace_name', 'terraform_project_id', 'terraform_project_name']);
const ID_CLAIMS = new Set(['repository_id', 'repository_owner_id', 'project_id', 'namespace_id', 'pipeline_id', 'organization_id', 'terraform_workspace_id', 'terraform_organization_id', 'enterprise_id', 'repositoryuuid', 'workspaceuuid']);

export type ClaimClass = 'subject' | 'repo' | 'owner' | 'scoped' | 'workflow' | 'audience' | 'context';

export function classifyClaim(claim: string): ClaimClass {
  const c = claim.toLowerCase();
  if (c === 'sub') return 'subject';
  if (c === 'aud' || c === 'azp' || c === 'oaud') return 'audience';
  if (c === 'job_workflow_ref') return 'workflow';
  if (REPO_CLAIMS.has(c)) return 'repo';
  if (OWNER_CLAIMS.has(c)) return 'owner';
  if (SCOPED_CLAIMS.has(c)) return 'scoped';
  return 'context';
}

const ok = (level: Level, usesIds = false): Verdict => ({ level, issues: [], usesIds });
const bad = (issue: SubjectIssue, detail: string, level: Level = 0): Verdict => ({ level, issues: [{ issue, detail }], usesIds: false });

/** Judges one pinned value of a non-`sub` claim. */
export function analyseClaim(claim: string, pattern: string): Verdict {
  const cls = classifyClaim(claim);
  const c = claim.toLowerCase();
  const v = showPattern(pattern);
  if (cls === 'repo' || cls === 'owner' || cls === 'scoped') {
    if (pattern === '' ) return bad('malformed', `\`${claim}\` is pinned to an empty value`);
    if (hasWild(pattern)) return bad('wildcard-identity', `\`${claim}\` value \`${v}\` contains a wildcard`);
    // Ids are positive decimals (GitHub, GitLab), UUIDs (Buildkite) or ws-/org-/prj- ids (HCP Terraform).
    if (ID_CLAIMS.has(c) && c !== 'repositoryuuid' && c !== 'workspaceuuid' && !/^[1-9][0-9]*$/.test(pattern) && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(pattern) && !/^(ws|org|prj)-[A-Za-z0-9]{16}$/.test(pattern)) {
      return bad('malformed', `\`${claim}\` value \`${v}\` is not a valid id`);
    }
    if (cls === 'repo') return ok(3, ID_CLAIMS.has(c));
    if (cls === 'owner') return ok(2, ID_CLAIMS.has(c));
    return ok(0); // scoped: upgraded by judgeConjunction when an owner is pinned too
  }
  if (cls === 'workflow') {
    const segs = pattern.split('/');
    if (hasWild(segs[0]) || hasWild(segs[1])) return bad('wildcard-identity', `\`job_workflow_ref\` value \`${v}\` has a wildcard in the owner or repository of the workflow`);
    return ok(1);
  }
  return ok(0);
}

const GITHUB_IDENTITY_KEYS: Record<string, Level> = {
  repo: 3, repository: 3, repository_id: 3, repository_owner: 2, repository_owner_id: 2, enterprise_id: 2, enterprise: 2,
};
const GITHUB_USER_KEYS = new Set(['workflow', 'workflow_ref', 'workflow_sha', 'environment', 'ref', 'ref_type', 'context', 'head_ref', 'base_ref', 'job_workflow_ref', 'job_workflow_sha', 'event_name', 'actor', 'actor_id', 'runner_environment', 'repository_visibility', 'pull_request', 'sha']);
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function anyRefContext(ctx: string[]): boolean {
  if (ctx.length === 0) return false;
  const [kind, ...rest] = ctx;
  if (hasWild(kind)) return true;
  if (kind === 'ref') {
    const ref = rest.join(':');
    return ref === '' || allWild(ref) || /^refs\/?[\uE000\uE001]/.test(ref);
  }
  if (kind === 'environment') return rest.length === 0 || allWild(rest[0]);
  return false;
}

function analyseGithubSubject(p: string): Verdict {
  const v = showPattern(p);
  const segs = p.split(':');
  if (allWild(p)) return bad('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (hasWild(segs[0])) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
  if (segs[0] === 'repo') {
    if (segs.length < 2 || segs[1] === '') return bad('malformed', `subject \`${v}\` has no owner/repository after \`repo:\``);
    const ownerRepo = segs[1];
    if (hasWild(ownerRepo)) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in the owner/repository \`${showPattern(ownerRepo)}\``);
    const m = /^([A-Za-z0-9_.-]+)(?:@([^/]*))?\/([A-Za-z0-9_.-]+)(?:@(.*))?$/.exec(ownerRepo);
    if (!m) return bad('malformed', `subject \`${v}\`: \`${ownerRepo}\` is not \`OWNER[@ID]/REPO[@ID]\``);
    for (const id of [m[2], m[4]]) {
      if (id !== undefined && !/^[1-9][0-9]*$/.test(id)) return bad('malformed', `subject \`${v}\`: \`@${id}\` is not a positive decimal ID`);
    }
    const usesIds = m[2] !== undefined && m[4] !== undefined;
    const ctx = segs.slice(2);
    const verdict = ok(3, usesIds);
    if (anyRefContext(ctx)) verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any ref, environment or pull request of ${m[1]}/${m[3]}` });
    else if (ctx[0] === 'pull_request') verdict.issues.push({ issue: 'pull-request', detail: `subject \`${v}\` is the pull-request subject` });
    return verdict;
  }
  // Customized subject template: `key:value` pairs (GitHub include_claim_keys).
  let level: Level = 0;
  let usesIds = false;
  let workflow = false;
  for (let i = 0; i < segs.length; i++) {
    const key = segs[i];
    if (key === 'job_workflow_ref') workflow = true;
    const idLevel = GITHUB_IDENTITY_KEYS[key];
    if (idLevel === undefined) continue;
    const value = segs[i + 1];
    if (value === undefined || hasWild(value)) return bad('wildcard-identity', `subject \`${v}\` has a wildcard or no value for \`${key}\``);
    if (key.endsWith('_id') && !/^[1-9][0-9]*$/.test(value)) return bad('malformed', `subject \`${v}\`: \`${key}\` value \`${value}\` is not a positive decimal ID`);
    if (key === 'repo' && !value.includes('/')) return bad('malformed', `subject \`${v}\`: \`repo\` value \`${value}\` is not OWNER/REPO`);
    if (key.endsWith('_id')) usesIds = true;
    if (idLevel > level) level = idLevel;
  }
  if (level === 0) {
    if (workflow) return bad('reusable-only', `subject \`${v}\` pins \`job_workflow_ref\` but no caller repository or owner`, 1);
    const first = segs[0];
    const what = GITHUB_USER_KEYS.has(first) ? `starts with the user-controllable claim \`${first}\`` : 'contains no repository or owner claim';
    return bad('user-claim', `subject \`${v}\` ${what}`);
  }
  const verdict = ok(level, usesIds);
  const envAt = segs.indexOf('environment');
  if (envAt >= 0 && allWild(segs[envAt + 1])) verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any environment` });
  return verdict;
}

function analyseGitlabSubject(p: string): Verdict {
  const v = showPattern(p);
  const segs = p.split(':');
  if (allWild(p)) return bad('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (hasWild(segs[0])) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
  let level: Level = 0;
  let usesIds = false;
  let identityEnd = -1;
  for (let i = 0; i < segs.length; i += 2) {
    const key = segs[i];
    const value = segs[i + 1];
    if (key === 'project_path' || key === 'project_id' || key === 'namespace_path' || key === 'namespace_id') {
      if (value === undefined || value === '' || hasWild(value)) return bad('wildcard-identity', `subject \`${v}\` has a wildcard or no value in \`${key}\`${value ? ` (\`${showPattern(value)}\`)` : ''}`);
      if (key === 'project_path' && !value.includes('/')) return bad('malformed', `subject \`${v}\`: project_path \`${value}\` is not GROUP/PROJECT`);
      if (key.endsWith('_id') && !/^[1-9][0-9]*$/.test(value)) return bad('malformed', `subject \`${v}\`: \`${key}\` value \`${value}\` is not a positive decimal ID`);
      const l: Level = key.startsWith('project') ? 3 : 2;
      if (l > level) level = l;
      if (key.endsWith('_id')) usesIds = true;
      identityEnd = i + 2;
    }
  }
  if (level === 0) return bad('user-claim', `subject \`${v}\` contains no project_path/project_id`);
  const verdict = ok(level, usesIds);
  const rest = segs.slice(identityEnd);
  const refAt = rest.indexOf('ref');
  if ((rest.length > 0 && allWild(rest[0])) || (refAt >= 0 && allWild(rest[refAt + 1]))) {
    verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any branch or tag` });
  }
  return verdict;
}

function analyseBuildkiteSubject(p: string): Verdict {
  const v = showPattern(p);
  if (UUID.test(p)) return ok(3, true); // --subject-claim pipeline_id (or another immutable id)
  const segs = p.split(':');
  if (allWild(p)) return bad('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (segs[0] !== 'organization') {
    if (hasWild(segs[0])) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
    return bad('malformed', `subject \`${v}\` does not start with \`organization:\` and is not a UUID`);
  }
  if (hasWild(segs[1]) || !segs[1]) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in the organization`);
  if (segs.length < 4 || segs[2] !== 'pipeline' || hasWild(segs[3]) || !segs[3]) {
    if (segs.length < 3 && !hasWild(p)) return bad('malformed', `subject \`${v}\` has no pipeline`);
    return bad('wildcard-identity', `subject \`${v}\` does not pin an exact pipeline (\`pipeline:*\` trusts every pipeline of the organization)`);
  }
  const verdict = ok(3);
  if (segs.length === 4 || hasWild(segs[4]) || (segs[4] === 'ref' && allWild(segs[5]))) {
    verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any branch or tag of pipeline ${segs[3]}` });
  }
  return verdict;
}

function analyseHcpSubject(p: string): Verdict {
  const v = showPattern(p);
  const segs = p.split(':');
  if (allWild(p)) return bad('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (segs[0] !== 'organization') return hasWild(segs[0]) ? bad('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`) : bad('malformed', `subject \`${v}\` does not start with \`organization:\``);
  const want = ['organization', null, 'project', null, 'workspace', null];
  for (let i = 0; i < want.length; i++) {
    const s = segs[i];
    if (s === undefined) return bad('malformed', `subject \`${v}\` stops before the workspace`);
    if (hasWild(s)) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in ${want[i] ?? want[i - 1]} position (\`${showPattern(s)}\`)`);
    if (want[i] !== null && s !== want[i]) return bad('malformed', `subject \`${v}\`: expected \`${want[i]}\` at position ${i + 1}`);
  }
  const verdict = ok(3);
  const phaseAt = segs.indexOf('run_phase', 6);
  if (segs.length > 6 && (hasWild(segs[6]) || (phaseAt >= 0 && allWild(segs[phaseAt + 1])))) {
    verdict.issues.push({ issue: 'run-phase-any', detail: `subject \`${v}\` matches both plan and apply runs` });
  }
  return verdict;
}

function analyseBitbucketSubject(p: string): Verdict {
  const v = showPattern(p);
  const first = p.split(':')[0];
  if (!/^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/.test(first)) {
    return bad('bitbucket-uuid', `subject \`${v}\` does not start with a braced repository UUID`);
  }
  return ok(3, true);
}

function analyseCircleciSubject(p: string): Verdict {
  const v = showPattern(p);
  const segs = p.split('/');
  if (allWild(p) || segs[0] !== 'org' || hasWild(segs[1])) return bad('wildcard-identity', `subject \`${v}\` does not pin the organization`);
  if (segs[2] !== 'project') return hasWild(segs[2]) ? bad('wildcard-identity', `subject \`${v}\` does not pin a project`) : ok(2, true);
  if (hasWild(segs[3]) || !segs[3]) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in the project (\`project/*\` trusts every project of the organization)`);
  return ok(3, true);
}

function analyseGenericSubject(p: string): Verdict {
  const v = showPattern(p);
  if (p === '') return bad('malformed', 'subject is empty');
  if (allWild(p)) return bad('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  const first = p.split(/[:/]/).filter(s => s !== '')[0];
  if (hasWild(first)) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in its first segment`);
  return ok(3);
}

function analyseAdoSubject(p: string): Verdict {
  const v = showPattern(p);
  const m = /^(sc|p):\/\/([^/]*)\/([^/]*)\/(.*)$/.exec(p);
  if (m) {
    if ([m[2], m[3], m[4]].some(s => hasWild(s) || s === '')) return bad('wildcard-identity', `subject \`${v}\` has a wildcard in the organization, project or connection`);
    return ok(3);
  }
  return analyseGenericSubject(p);
}

/** Judges one `sub` value (already encoded with {@link encodePattern}) for a CI provider. */
export function analyseSubject(provider: CiProvider, pattern: string): Verdict {
  switch (provider) {
    case 'github-actions': return analyseGithubSubject(pattern);
    case 'gitlab-ci': return analyseGitlabSubject(pattern);
    case 'buildkite': return analyseBuildkiteSubject(pattern);
    case 'hcp-terraform': return analyseHcpSubject(pattern);
    case 'bitbucket-pipelines': return analyseBitbucketSubject(pattern);
    case 'circleci': return analyseCircleciSubject(pattern);
    case 'azure-devops': return analyseAdoSubject(pattern);
    default: return analyseGenericSubject(pattern);
  }
}

// ---------------------------------------------------------------- conjunctions

interface Pin {
  /** Claim name, lower case (`sub`, `repository_id`, …); `derived:<claims>` for computed values. */
  claim: string;
  /** Where the pin is written, for messages. */
  where: string;
  /** Encoded patterns; undefined = unresolvable value. */
  values: (string | undefined)[];
  raw: string[];
}

interface ConjunctionResult {
  level: Level;
  usesIds: boolean;
  hits: { issue: SubjectIssue | 'no-identity' | 'not-analysable'; detail: string }[];
  identityPins: number;
}

const ERROR_ISSUES = new Set<SubjectIssue>(['wildcard-identity', 'user-claim', 'reusable-only', 'bitbucket-uuid', 'malformed']);

/**
 * Judges an AND of pins (an IAM statement, a CEL disjunct, a Flexible FIC expression).
 * Values of one pin are ORed, so a pin is as weak as its weakest value; pins are ANDed,
 * so the conjunction is as strong as its strongest pin.
 */
function judgeConjunction(provider: CiProvider, pins: Pin[]): ConjunctionResult {
  const hits: ConjunctionResult['hits'] = [];
  const verdicts = pins.map(pin => pin.values.map((val, i): Verdict | undefined => {
    if (val === undefined) {
      hits.push({ issue: 'not-analysable', detail: `${pin.where}: value \`${pin.raw[i]}\` contains an unresolved expression` });
      return undefined;
    }
    if (pin.claim === 'sub') return analyseSubject(provider, val);
    if (pin.claim.startsWith('derived:')) {
      // Computed from claims (e.g. `assertion.sub.split(':')[1]`): which part is unknown.
      const claims = pin.claim.slice(8).split(',');
      if (hasWild(val) && claims.some(c => classifyClaim(c) !== 'context')) return bad('wildcard-identity', `${pin.where}: value \`${showPattern(val)}\` contains a wildcard`);
      const lvl: Level = claims.some(c => classifyClaim(c) === 'repo') ? 3 : claims.some(c => ['subject', 'owner'].includes(classifyClaim(c))) ? 2 : 0;
      return ok(lvl);
    }
    return analyseClaim(pin.claim, val);
  }));
  const pinLevel = (k: number): Level => {
    const vs = verdicts[k].filter((x): x is Verdict => x !== undefined);
    if (vs.length === 0) return 0;
    return vs.reduce<Level>((m, x) => (x.level < m ? x.level : m), 3);
  };
  const levels = pins.map((_, k) => pinLevel(k));
  const ownerPinned = levels.some(l => l >= 2);
  pins.forEach((pin, k) => {
    if (classifyClaim(pin.claim) === 'scoped' && ownerPinned && verdicts[k].every(x => x && x.issues.length === 0)) levels[k] = 3;
  });
  const level = levels.reduce<Level>((m, l) => (l > m ? l : m), 0);
  pins.forEach((pin, k) => {
    const others = levels.filter((_, j) => j !== k).reduce<Level>((m, l) => (l > m ? l : m), 0);
    const vs = verdicts[k];
    let errorValues = 0;
    let cleanValues = 0;
    for (const v of vs) {
      if (!v) continue;
      let hasError = false;
      for (const h of v.issues) {
        // F7/F8: a user-controllable or workflow-only subject is fine when a repo/owner is pinned elsewhere.
        if ((h.issue === 'user-claim' || h.issue === 'reusable-only') && others >= 2) continue;
        hits.push({ issue: h.issue, detail: `${pin.where}: ${h.detail}` });
        if (ERROR_ISSUES.has(h.issue)) hasError = true;
      }
      if (hasError) errorValues++;
      else cleanValues++;
    }
    if (vs.length > 1 && errorValues > 0 && cleanValues > 0) {
      hits.push({ issue: 'poisoned-list', detail: `${pin.where}: ${errorValues} of ${vs.length} values are rejected while the others look safe; values are ORed, so the list is as broad as its broadest value` });
    }
  });
  const identityPins = pins.filter(p => p.claim === 'sub' || p.claim.startsWith('derived:') || classifyClaim(p.claim) !== 'context').length;
  const explained = hits.some(h => h.issue !== 'not-analysable' && ERROR_ISSUES.has(h.issue as SubjectIssue));
  if (level === 0 && !explained) hits.push({ issue: 'no-identity', detail: identityPins === 0 ? 'no condition pins the subject, repository, project or pipeline' : 'the pinned claims do not identify a repository, project or pipeline' });
  if (level === 1 && !hits.some(h => h.issue === 'reusable-only')) hits.push({ issue: 'reusable-only', detail: '`job_workflow_ref` is pinned but no caller repository or owner' });
  if (level === 2) hits.push({ issue: 'org-wide', detail: 'only the owner/organisation is pinned' });
  const usesIds = pins.some((p, k) => (ID_CLAIMS.has(p.claim) && levels[k] >= 2) || verdicts[k].some(v => v?.usesIds && v.level >= 2));
  return { level, usesIds, hits, identityPins };
}

// ---------------------------------------------------------------- findings helpers

class Collector {
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly trust: TrustRelationship) {}
  add(id: string, message: string) {
    const key = `${id}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d = findingDefinition(id);
    const t = this.trust;
    this.findings.push({
      id,
      severity: d.severity,
      cloud: d.cloud,
      title: d.title,
      trust: t.id,
      file: t.file,
      resource: t.resource,
      ...(t.statement !== undefined ? { statement: t.statement } : {}),
      message,
    });
  }
  subjectIssue(cloud: FindingCloud, issue: SubjectIssue, detail: string) {
    const id = SUBJECT_ISSUE_IDS[issue][cloud];
    if (id) this.add(id, detail);
  }
}

/** Issuers shared by every customer of the platform (security.md F1, F15). */
function sharedIssuer(t: TrustRelationship): boolean {
  if (!t.issuer) return true; // cannot prove tenant scoping
  const i = t.issuer.toLowerCase();
  return i === 'https://token.actions.githubusercontent.com' || i === 'https://gitlab.com' || i === 'https://agent.buildkite.com'
    || i === 'https://app.terraform.io' || i === 'https://app.eu.terraform.io' || i === 'https://oidc.circleci.com';
}

function isGithub(t: TrustRelationship): boolean {
  return t.ciProvider === 'github-actions';
}

// ---------------------------------------------------------------- AWS

const NEGATED = /^(StringNotEquals|StringNotLike|StringNotEqualsIgnoreCase|ArnNotEquals|ArnNotLike|NotIpAddress|NumericNotEquals|DateNotEquals)$/;

export function parseOperator(op: string): { set?: 'ForAllValues' | 'ForAnyValue'; base: string; ifExists: boolean } {
  const m = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(op);
  if (!m) return { base: op, ifExists: false };
  return { ...(m[1] ? { set: m[1] as 'ForAllValues' | 'ForAnyValue' } : {}), base: m[2], ifExists: m[3] !== undefined };
}

/** Claim of an IAM condition key, or undefined for keys that are not token claims. */
function awsClaim(key: string): string | undefined {
  const { prefix, claim } = splitConditionKey(key);
  if (/^aws$/i.test(prefix)) {
    const tag = /^RequestTag\/(.+)$/i.exec(claim);
    return tag ? tag[1].toLowerCase() : undefined; // Buildkite session tags
  }
  if (/^sts$/i.test(prefix) || prefix === '') return undefined;
  return claim.toLowerCase();
}

function scanAws(t: TrustRelationship, out: Collector) {
  const aws = t.aws!;
  if (t.unresolved.length) out.add('CIT-AWS-020', `not analysable: ${t.unresolved.join('; ')}`);
  for (const f of aws.federated) if (f.includes('*')) out.add('CIT-AWS-013', `Federated principal \`${f}\` contains a wildcard`);
  // Nothing readable to judge: "absent" conditions would be a guess, so report only that.
  if (aws.conditions.length === 0 && t.unresolved.length) return;
  const pins: Pin[] = [];
  let audPinned = false;
  aws.conditions.forEach((c: AwsCondition) => {
    const op = parseOperator(c.operator);
    const where = `Condition.${c.operator}["${c.key}"]`;
    if (op.set) out.add('CIT-AWS-007', `${where} uses \`${op.set}:\`, which does not reliably pin a single-valued claim`);
    const negated = NEGATED.test(op.base);
    if (negated || op.ifExists) out.add('CIT-AWS-008', `${where} is true when the key is absent`);
    const claim = awsClaim(c.key);
    if (claim === undefined) return;
    const cls = classifyClaim(claim);
    if (/IgnoreCase$/.test(op.base) && !negated && cls !== 'audience' && cls !== 'context') {
      out.add('CIT-AWS-009', `${where} compares an identity claim case-insensitively`);
    }
    if (negated) return;
    const mode: MatchMode | undefined = /^StringLike$/.test(op.base) ? 'glob' : /^StringEquals(IgnoreCase)?$/.test(op.base) ? 'exact' : undefined;
    if (!mode) return;
    if (cls === 'audience') {
      if (claim === 'aud') audPinned = true;
      c.values.forEach(v => {
        if ((mode === 'glob' && /[*?]/.test(v.replace(/\$\{[*?$]\}/g, ''))) || v.trim() === '') out.add('CIT-AWS-012', `${where} value \`${v}\` accepts any audience`);
      });
      return;
    }
    pins.push({ claim, where, values: c.values.map(v => encodePattern(v, mode)), raw: c.values });
  });
  if (!audPinned) out.add('CIT-AWS-011', 'no positive `aud` condition; only the OIDC provider\'s client-id list limits the audience');
  const r = judgeConjunction(t.ciProvider, pins);
  for (const h of r.hits) {
    if (h.issue === 'not-analysable') out.add('CIT-AWS-020', h.detail);
    else if (h.issue === 'no-identity') out.add(sharedIssuer(t) ? 'CIT-AWS-001' : 'CIT-AWS-018', `${h.detail} (issuer ${t.issuer ?? 'unknown'})`);
    else out.subjectIssue('aws', h.issue, h.detail);
  }
  if (isGithub(t) && r.level >= 2 && !r.usesIds) out.subjectIssue('aws', 'name-only', 'no owner or repository ID is pinned (no `@ID` in the subject, no `repository_id`/`repository_owner_id`)');
}

// ---------------------------------------------------------------- CEL (GCP)

type Tok = { t: 'id' | 'str' | 'num' | 'op'; v: string; pos: number };

export class CelSyntaxError extends Error {}

/** Tokenizes the CEL subset used by attribute conditions and mappings. */
export function tokenizeCel(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      // Raw/bytes string prefixes: r'…', b'…'.
      if (/[rRbB]/.test(c) && (src[i + 1] === '\'' || src[i + 1] === '"')) {
        const raw = /[rR]/.test(c);
        i++;
        out.push({ t: 'str', v: readString(raw), pos: start });
        continue;
      }
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      out.push({ t: 'id', v: src.slice(start, i), pos: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9.xXa-fA-FuU]/.test(src[i])) i++;
      out.push({ t: 'num', v: src.slice(start, i), pos: start });
      continue;
    }
    if (c === '\'' || c === '"') {
      out.push({ t: 'str', v: readString(false), pos: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['||', '&&', '==', '!=', '<=', '>='].includes(two)) {
      out.push({ t: 'op', v: two, pos: start });
      i += 2;
      continue;
    }
    if ('!<>+-*/%.()[]{},?:'.includes(c)) {
      out.push({ t: 'op', v: c, pos: start });
      i++;
      continue;
    }
    throw new CelSyntaxError(`unexpected character \`${c}\` at offset ${i}`);
  }
  return out;

  function readString(raw: boolean): string {
    const begin = i;
    const q = src[i];
    const triple = src.slice(i, i + 3) === q.repeat(3);
    const close = triple ? q.repeat(3) : q;
    i += close.length;
    let s = '';
    while (i < src.length) {
      if (src.startsWith(close, i)) {
        i += close.length;
        return s;
      }
      const ch = src[i];
      if (!triple && (ch === '\n' || ch === '\r')) break;
      if (ch === '\\' && !raw) {
        const n = src[i + 1];
        const simple: Record<string, string> = { 'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '\'': '\'', '"': '"', '`': '`', '?': '?', 'a': '\x07', 'b': '\b', 'f': '\f', 'v': '\v' };
        if (n in simple) { s += simple[n]; i += 2; continue; }
        const hex = /^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(src.slice(i + 1));
        if (hex) { s += String.fromCodePoint(parseInt(hex[1].slice(1), 16)); i += 1 + hex[1].length; continue; }
        const oct = /^[0-3][0-7]{2}/.exec(src.slice(i + 1));
        if (oct) { s += String.fromCharCode(parseInt(oct[0], 8)); i += 4; continue; }
        throw new CelSyntaxError(`invalid escape \\${n ?? ''} at offset ${i}`);
      }
      s += ch;
      i++;
    }
    throw new CelSyntaxError(`unterminated string starting at offset ${begin}`);
  }
}

export type CelNode =
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'ident'; name: string }
  | { k: 'member'; e: CelNode; name: string }
  | { k: 'index'; e: CelNode; i: CelNode }
  | { k: 'call'; target?: CelNode; name: string; args: CelNode[] }
  | { k: 'list'; items: CelNode[] }
  | { k: 'map'; entries: [CelNode, CelNode][] }
  | { k: 'unary'; op: '!' | '-'; e: CelNode }
  | { k: 'bin'; op: string; l: CelNode; r: CelNode }
  | { k: 'cond'; c: CelNode; t: CelNode; f: CelNode };

/** Parses a CEL expression (full operator precedence; no macros needed beyond calls). */
export function parseCel(src: string): CelNode {
  const toks = tokenizeCel(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => peek()?.t === 'op' && peek().v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new CelSyntaxError(`expected \`${v}\` at offset ${peek()?.pos ?? src.length}`);
    p++;
  };
  const expr = (): CelNode => {
    const c = or();
    if (isOp('?')) {
      p++;
      const t = or();
      expect(':');
      const f = expr();
      return { k: 'cond', c, t, f };
    }
    return c;
  };
  const binLevel = (next: () => CelNode, ops: string[]) => (): CelNode => {
    let l = next();
    for (;;) {
      const tk = peek();
      const op = tk && ((tk.t === 'op' && ops.includes(tk.v)) || (tk.t === 'id' && tk.v === 'in' && ops.includes('in'))) ? tk.v : undefined;
      if (!op) return l;
      p++;
      l = { k: 'bin', op, l, r: next() };
    }
  };
  const unary = (): CelNode => {
    if (isOp('!') || isOp('-')) {
      const op = peek().v as '!' | '-';
      p++;
      return { k: 'unary', op, e: unary() };
    }
    return member();
  };
  const mul = binLevel(unary, ['*', '/', '%']);
  const add = binLevel(mul, ['+', '-']);
  const rel = binLevel(add, ['==', '!=', '<', '<=', '>', '>=', 'in']);
  const and = binLevel(rel, ['&&']);
  const or = binLevel(and, ['||']);
  const args = (close: string): CelNode[] => {
    const a: CelNode[] = [];
    if (isOp(close)) { p++; return a; }
    for (;;) {
      a.push(expr());
      if (isOp(',')) { p++; if (isOp(close)) { p++; return a; } continue; }
      expect(close);
      return a;
    }
  };
  function member(): CelNode {
    let e = primary();
    for (;;) {
      if (isOp('.')) {
        p++;
        const id = peek();
        if (id?.t !== 'id') throw new CelSyntaxError(`expected a field name at offset ${id?.pos ?? src.length}`);
        p++;
        if (isOp('(')) { p++; e = { k: 'call', target: e, name: id.v, args: args(')') }; } else {e = { k: 'member', e, name: id.v };}
      } else if (isOp('[')) {
        p++;
        const i = expr();
        expect(']');
        e = { k: 'index', e, i };
      } else {return e;}
    }
  }
  function primary(): CelNode {
    const tk = peek();
    if (!tk) throw new CelSyntaxError('unexpected end of expression');
    p++;
    if (tk.t === 'str') return { k: 'lit', v: tk.v };
    if (tk.t === 'num') return { k: 'lit', v: Number(tk.v.replace(/[uU]$/, '')) };
    if (tk.t === 'id') {
      if (tk.v === 'true' || tk.v === 'false') return { k: 'lit', v: tk.v === 'true' };
      if (tk.v === 'null') return { k: 'lit', v: null };
      if (isOp('(')) { p++; return { k: 'call', name: tk.v, args: args(')') }; }
      return { k: 'ident', name: tk.v };
    }
    if (tk.v === '(') { const e = expr(); expect(')'); return e; }
    if (tk.v === '[') return { k: 'list', items: args(']') };
    if (tk.v === '{') {
      const entries: [CelNode, CelNode][] = [];
      if (isOp('}')) { p++; return { k: 'map', entries }; }
      for (;;) {
        const key = expr();
        expect(':');
        entries.push([key, expr()]);
        if (isOp(',')) { p++; if (isOp('}')) { p++; break; } continue; }
        expect('}');
        break;
      }
      return { k: 'map', entries };
    }
    throw new CelSyntaxError(`unexpected \`${tk.v}\` at offset ${tk.pos}`);
  }
  const root = expr();
  if (p < toks.length) throw new CelSyntaxError(`unexpected \`${toks[p].v}\` at offset ${toks[p].pos}`);
  return root;
}

/** Claims a CEL expression reads (`assertion.x`, `assertion['x']`), mapped through attribute_mapping. */
function claimsRead(n: CelNode, mapping: Map<string, CelNode | undefined>): string[] {
  const out = new Set<string>();
  const visit = (x: CelNode, depth: number): void => {
    if (depth > 20) return;
    const direct = directClaim(x, mapping, depth);
    if (direct) { direct.forEach(c => out.add(c)); return; }
    switch (x.k) {
      case 'member': visit(x.e, depth); break;
      case 'index': visit(x.e, depth); visit(x.i, depth); break;
      case 'call': if (x.target) visit(x.target, depth); x.args.forEach(a => visit(a, depth)); break;
      case 'list': x.items.forEach(a => visit(a, depth)); break;
      case 'map': x.entries.forEach(([a, b]) => { visit(a, depth); visit(b, depth); }); break;
      case 'unary': visit(x.e, depth); break;
      case 'bin': visit(x.l, depth); visit(x.r, depth); break;
      case 'cond': visit(x.c, depth); visit(x.t, depth); visit(x.f, depth); break;
      default: break;
    }
  };
  visit(n, 0);
  return [...out].sort();
}

/** `assertion.x` → ['x']; `attribute.y`/`google.subject` → the claims its mapping reads. */
function directClaim(x: CelNode, mapping: Map<string, CelNode | undefined>, depth: number): string[] | undefined {
  if (x.k === 'member' && x.e.k === 'ident') {
    if (x.e.name === 'assertion') return [x.name];
    if (x.e.name === 'attribute' || x.e.name === 'google') {
      const m = mapping.get(`${x.e.name}.${x.name}`);
      return m ? claimsRead(m, depth > 10 ? new Map() : mapping) : [`unmapped:${x.e.name}.${x.name}`];
    }
  }
  if (x.k === 'index' && x.e.k === 'ident' && x.e.name === 'assertion' && x.i.k === 'lit' && typeof x.i.v === 'string') return [x.i.v];
  return undefined;
}

/** The single claim an expression *is* (not merely reads), e.g. `attribute.repo` mapped to `assertion.repository`. */
function exactClaim(x: CelNode, mapping: Map<string, CelNode | undefined>): string | undefined {
  // string(assertion.x) compares the claim by its text (ci-oidc-trust's GCP compiler writes it).
  if (x.k === 'call' && !x.target && x.name === 'string' && x.args.length === 1) return exactClaim(x.args[0], mapping);
  if (x.k === 'member' && x.e.k === 'ident' && x.e.name === 'assertion') return x.name;
  if (x.k === 'index' && x.e.k === 'ident' && x.e.name === 'assertion' && x.i.k === 'lit' && typeof x.i.v === 'string') return x.i.v;
  if (x.k === 'member' && x.e.k === 'ident' && (x.e.name === 'attribute' || x.e.name === 'google')) {
    const m = mapping.get(`${x.e.name}.${x.name}`);
    return m && m !== x ? exactClaim(m, new Map()) : undefined;
  }
  return undefined;
}

type Atom = { kind: 'pin'; claim: string; values: string[]; mode: MatchMode; text: string } | { kind: 'other'; claims: string[]; text: string };
type Dnf = Atom[][];
const DNF_LIMIT = 256;

class CelTooComplex extends Error {}

function dnfOr(a: Dnf, b: Dnf): Dnf {
  const r = [...a, ...b];
  if (r.length > DNF_LIMIT) throw new CelTooComplex('condition has too many alternatives');
  return r;
}
function dnfAnd(a: Dnf, b: Dnf): Dnf {
  const r: Dnf = [];
  for (const x of a) for (const y of b) r.push([...x, ...y]);
  if (r.length > DNF_LIMIT) throw new CelTooComplex('condition has too many alternatives');
  return r;
}

function unparse(n: CelNode): string {
  switch (n.k) {
    case 'lit': return typeof n.v === 'string' ? `'${n.v.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'` : String(n.v);
    case 'ident': return n.name;
    case 'member': return `${unparse(n.e)}.${n.name}`;
    case 'index': return `${unparse(n.e)}[${unparse(n.i)}]`;
    case 'call': return `${n.target ? `${unparse(n.target)}.` : ''}${n.name}(${n.args.map(unparse).join(', ')})`;
    case 'list': return `[${n.items.map(unparse).join(', ')}]`;
    case 'map': return `{${n.entries.map(([a, b]) => `${unparse(a)}: ${unparse(b)}`).join(', ')}}`;
    case 'unary': return `${n.op}${unparse(n.e)}`;
    case 'bin': return `${unparse(n.l)} ${n.op} ${unparse(n.r)}`;
    case 'cond': return `${unparse(n.c)} ? ${unparse(n.t)} : ${unparse(n.f)}`;
  }
}

/** Converts a boolean CEL expression into DNF over pin/other atoms; `neg` pushes negation inward. */
function toDnf(n: CelNode, mapping: Map<string, CelNode | undefined>, neg: boolean): Dnf {
  const other = (): Dnf => [[{ kind: 'other', claims: claimsRead(n, mapping), text: (neg ? '!' : '') + unparse(n) }]];
  if (n.k === 'lit' && typeof n.v === 'boolean') return (n.v !== neg) ? [[]] : [];
  if (n.k === 'unary' && n.op === '!') return toDnf(n.e, mapping, !neg);
  if (n.k === 'cond') {
    const c = n.c;
    return dnfOr(dnfAnd(toDnf(c, mapping, false), toDnf(n.t, mapping, neg)), dnfAnd(toDnf(c, mapping, true), toDnf(n.f, mapping, neg)));
  }
  if (n.k === 'bin' && (n.op === '||' || n.op === '&&')) {
    const l = toDnf(n.l, mapping, neg);
    const r = toDnf(n.r, mapping, neg);
    return (n.op === '||') !== neg ? dnfOr(l, r) : dnfAnd(l, r);
  }
  // `!(x != 'v')` is `x == 'v'`: flip the comparison instead of giving up on the negation.
  if (neg && n.k === 'bin' && n.op === '!=') return toDnf({ ...n, op: '==' }, mapping, false);
  if (neg) return other();
  const claimOf = (x: CelNode): string | undefined => {
    const exact = exactClaim(x, mapping);
    if (exact) return exact.toLowerCase();
    const read = claimsRead(x, mapping);
    return read.length ? `derived:${read.map(c => c.toLowerCase()).join(',')}` : undefined;
  };
  const str = (x: CelNode): string | undefined => (x.k === 'lit' && typeof x.v === 'string' ? x.v : undefined);
  if (n.k === 'bin' && n.op === '==') {
    for (const [a, b] of [[n.l, n.r], [n.r, n.l]]) {
      const claim = claimOf(a);
      const v = str(b);
      if (claim && v !== undefined) return [[{ kind: 'pin', claim, values: [v], mode: 'exact', text: unparse(n) }]];
    }
  }
  if (n.k === 'bin' && n.op === 'in' && n.r.k === 'list') {
    const claim = claimOf(n.l);
    const vs = n.r.items.map(str);
    if (claim && vs.every(v => v !== undefined)) {
      if (vs.length === 0) return [];
      return [[{ kind: 'pin', claim, values: vs as string[], mode: 'exact', text: unparse(n) }]];
    }
  }
  if (n.k === 'call' && n.target && n.args.length === 1 && (n.name === 'startsWith' || n.name === 'matches')) {
    const claim = claimOf(n.target);
    const v = str(n.args[0]);
    if (claim && v !== undefined) return [[{ kind: 'pin', claim, values: [v], mode: n.name === 'startsWith' ? 'prefix' : 'regex', text: unparse(n) }]];
  }
  return other();
}

/** Parses `attribute_mapping` values; unparseable ones map to undefined (→ not analysable). */
function parseMapping(mapping: Record<string, string>): { map: Map<string, CelNode | undefined>; errors: string[] } {
  const map = new Map<string, CelNode | undefined>();
  const errors: string[] = [];
  for (const k of Object.keys(mapping).sort()) {
    try {
      map.set(k, parseCel(mapping[k]));
    } catch (e) {
      map.set(k, undefined);
      errors.push(`attribute_mapping["${k}"]: ${(e as Error).message}`);
    }
  }
  return { map, errors };
}

function scanGcp(t: TrustRelationship, out: Collector) {
  const g = t.gcp!;
  if (t.unresolved.length) out.add('CIT-GCP-016', `not analysable: ${t.unresolved.join('; ')}`);
  const { map: mapping, errors } = parseMapping(g.attributeMapping);
  errors.forEach(e => out.add('CIT-GCP-016', e));
  const isProvider = t.resourceType === 'google_iam_workload_identity_pool_provider';

  let condLevel: Level = 0;
  let condUsesIds = false;
  if (isProvider && g.attributeCondition === undefined) {
    out.add('CIT-GCP-001', `provider has no attribute_condition; every token from ${t.issuer ?? 'the issuer'} is admitted to pool ${g.pool}`);
  } else if (g.attributeCondition !== undefined) {
    let dnf: Dnf | undefined;
    try {
      dnf = toDnf(parseCel(g.attributeCondition), mapping, false);
    } catch (e) {
      out.add('CIT-GCP-016', `attribute_condition could not be analysed: ${(e as Error).message}`);
    }
    if (dnf) {
      const results = dnf.map(conj => {
        const pins: Pin[] = conj.filter((a): a is Extract<Atom, { kind: 'pin' }> => a.kind === 'pin').map(a => ({
          claim: a.claim,
          where: `attribute_condition \`${a.text}\``,
          values: a.values.map(v => encodePattern(v, a.mode)),
          raw: a.values,
        }));
        return { conj, pins, r: judgeConjunction(t.ciProvider, pins) };
      });
      const trivially = results.filter(x => x.pins.length === 0);
      const unpinned = results.filter(x => x.r.hits.some(h => h.issue === 'no-identity'));
      if (dnf.length > 0 && (trivially.length > 0 || unpinned.length === results.length)) {
        const why = trivially.length > 0
          ? `the branch \`${trivially[0].conj.map(a => a.text).join(' && ') || 'true'}\` is satisfiable without pinning any claim`
          : 'it references no repository, owner, project or pipeline claim';
        out.add('CIT-GCP-002', `attribute_condition \`${g.attributeCondition}\` admits tokens from any repository: ${why}`);
      } else if (unpinned.length > 0) {
        out.add('CIT-GCP-003', `attribute_condition branch \`${unpinned[0].conj.map(a => a.text).join(' && ')}\` pins no repository, owner, project or pipeline`);
      }
      for (const x of results) {
        for (const h of x.r.hits) {
          if (h.issue === 'no-identity' || h.issue === 'org-wide') continue; // judged with the grants below
          if (h.issue === 'not-analysable') out.add('CIT-GCP-016', h.detail);
          else out.subjectIssue('gcp', h.issue, h.detail);
        }
      }
      condLevel = results.length === 0 ? 3 : results.reduce<Level>((m, x) => (x.r.level < m ? x.r.level : m), 3);
      condUsesIds = results.length > 0 && results.every(x => x.r.usesIds);
    }
  }

  // A grant narrows the pool further; the effective identity is condition AND grant.
  const grantLevels: Level[] = [];
  let grantUsesIds = false;
  for (const grant of g.grants) {
    const gl = judgeGrant(t, grant, mapping, out);
    if (gl.usesIds) grantUsesIds = true;
    const effective = (gl.level > condLevel ? gl.level : condLevel) as Level;
    grantLevels.push(effective);
    if (effective === 0 && grant.selector.kind !== 'pool' && grant.selector.kind !== 'unknown') {
      out.add('CIT-GCP-005', `${grant.resource} grants \`${grant.member}\`, which selects on a claim that identifies no repository, and the provider condition pins none either`);
    }
  }
  const effectiveLevel = grantLevels.length ? grantLevels.reduce<Level>((m, l) => (l < m ? l : m), 3) : condLevel;
  if (effectiveLevel === 2) out.subjectIssue('gcp', 'org-wide', 'the attribute condition and grants pin only the owner/organisation');
  if (isGithub(t) && effectiveLevel >= 2 && !condUsesIds && !grantUsesIds) {
    out.subjectIssue('gcp', 'name-only', 'neither the attribute condition nor the grants pin `repository_id`/`repository_owner_id`');
  }
}

function judgeGrant(
  t: TrustRelationship, grant: GcpGrant, mapping: Map<string, CelNode | undefined>, out: Collector,
): { level: Level; usesIds: boolean } {
  const s = grant.selector;
  if (s.kind === 'pool') {
    out.add('CIT-GCP-004', `${grant.resource} grants ${grant.role} to every identity of pool ${t.gcp!.pool} (\`${grant.member}\`)`);
    return { level: 0, usesIds: false };
  }
  if (s.kind === 'unknown') {
    out.add('CIT-GCP-016', `${grant.resource}: member \`${s.raw}\` could not be parsed`);
    return { level: 0, usesIds: false };
  }
  if (s.kind === 'group') return { level: 0, usesIds: false };
  const key = s.kind === 'subject' ? 'google.subject' : `attribute.${s.attribute}`;
  const m = mapping.get(key);
  const claim = m ? exactClaim(m, new Map())?.toLowerCase() : undefined;
  if (!claim) {
    const read = m ? claimsRead(m, new Map()) : [];
    const lvl: Level = read.some(c => classifyClaim(c) === 'repo') ? 3 : read.some(c => ['owner', 'subject'].includes(classifyClaim(c))) ? 2 : 0;
    return { level: lvl, usesIds: read.some(c => ID_CLAIMS.has(c)) };
  }
  const pin: Pin = { claim, where: `${grant.resource} member \`${grant.member}\``, values: [encodePattern(s.value, 'exact')], raw: [s.value] };
  const r = judgeConjunction(t.ciProvider, [pin]);
  for (const h of r.hits) {
    if (h.issue === 'no-identity' || h.issue === 'org-wide' || h.issue === 'user-claim' || h.issue === 'reusable-only') continue;
    if (h.issue === 'not-analysable') out.add('CIT-GCP-016', h.detail);
    else out.subjectIssue('gcp', h.issue, h.detail);
  }
  return { level: r.level, usesIds: r.usesIds };
}

// ---------------------------------------------------------------- Azure

/** Parses a Flexible FIC `claimsMatchingExpression` (`claims['x'] matches 'v' and …`). */
export function parseFlexibleExpression(expr: string): { claim: string; op: 'eq' | 'matches'; value: string }[] {
  const out: { claim: string; op: 'eq' | 'matches'; value: string }[] = [];
  let rest = expr.trim();
  // Single quotes are escape characters in the expression language: '' is a literal quote.
  const term = /^claims\[\s*'((?:[^']|'')*)'\s*\]\s+(eq|matches)\s+'((?:[^']|'')*)'\s*/i;
  for (;;) {
    const m = term.exec(rest);
    if (!m) throw new CelSyntaxError(`cannot parse \`${rest.slice(0, 60)}\` (expected claims['name'] eq|matches 'value')`);
    out.push({ claim: m[1].replace(/''/g, '\''), op: m[2].toLowerCase() as 'eq' | 'matches', value: m[3].replace(/''/g, '\'') });
    rest = rest.slice(m[0].length);
    if (rest === '') return out;
    const and = /^and\s+/i.exec(rest);
    if (!and) throw new CelSyntaxError(`expected \`and\` before \`${rest.slice(0, 40)}\``);
    rest = rest.slice(and[0].length);
  }
}

function scanAzure(t: TrustRelationship, out: Collector) {
  const az = t.azure!;
  if (t.unresolved.length) out.add('CIT-AZ-014', `not analysable: ${t.unresolved.join('; ')}`);
  if (t.audiences.length === 0 || t.audiences.some(a => a.trim() === '' || a.includes('*'))) {
    out.add('CIT-AZ-013', `audience ${t.audiences.length ? t.audiences.map(a => `\`${a}\``).join(', ') : '(none)'} is empty or a wildcard`);
  }
  let pins: Pin[];
  if (az.kind === 'flexible-fic') {
    try {
      pins = parseFlexibleExpression(az.claimsMatchingExpression ?? '').map(term => ({
        claim: term.claim.toLowerCase(),
        where: `claimsMatchingExpression \`claims['${term.claim}'] ${term.op} '${term.value}'\``,
        values: [encodePattern(term.value, term.op === 'matches' ? 'glob' : 'exact')],
        raw: [term.value],
      }));
    } catch (e) {
      out.add('CIT-AZ-014', `claimsMatchingExpression could not be analysed: ${(e as Error).message}`);
      return;
    }
  } else {
    const sub = az.subject ?? '';
    if (sub.trim() === '') {
      out.add('CIT-AZ-001', 'subject is empty');
      return;
    }
    if (sub.includes('${')) return; // reported as not analysable
    if (sub.includes('*')) {
      out.add('CIT-AZ-003', `subject \`${sub}\` contains \`*\`; classic FICs match exactly`);
      return;
    }
    const needsColon = ['github-actions', 'gitlab-ci', 'hcp-terraform'].includes(t.ciProvider) || (t.ciProvider === 'buildkite' && !UUID.test(sub));
    if (needsColon && !sub.includes(':')) {
      out.add('CIT-AZ-002', `subject \`${sub}\` has no \`:\`; ${t.ciProvider} subjects are key:value sequences`);
      return;
    }
    pins = [{ claim: 'sub', where: 'subject', values: [sub], raw: [sub] }];
  }
  const r = judgeConjunction(t.ciProvider, pins);
  for (const h of r.hits) {
    if (h.issue === 'not-analysable') out.add('CIT-AZ-014', h.detail);
    else if (h.issue === 'no-identity') out.add('CIT-AZ-004', h.detail);
    else out.subjectIssue('azure', h.issue, h.detail);
  }
  if (isGithub(t) && r.level >= 2 && !r.usesIds) out.subjectIssue('azure', 'name-only', 'the subject has no `@ID` owner/repository form and no `repository_id` is matched');
}

// ---------------------------------------------------------------- entry points

/** Runs every check over the relationships; findings are sorted (file, resource, statement, id, message). */
export function scan(trusts: TrustRelationship[]): Finding[] {
  const all: Finding[] = [];
  for (const t of trusts) {
    const c = new Collector(t);
    if (t.cloud === 'aws' && t.aws) scanAws(t, c);
    else if (t.cloud === 'gcp' && t.gcp) scanGcp(t, c);
    else if (t.cloud === 'azure' && t.azure) scanAzure(t, c);
    all.push(...c.findings);
  }
  return sortFindings(all);
}

export function sortFindings(fs: Finding[]): Finding[] {
  return [...fs].sort((a, b) => cmp(a.file, b.file) || cmp(a.resource, b.resource) || (a.statement ?? -1) - (b.statement ?? -1)
    || cmp(a.trust, b.trust) || cmp(a.id, b.id) || cmp(a.message, b.message));
}

// ---------------------------------------------------------------- identity sentences

const PROVIDER_NAMES: Record<CiProvider, string> = {
  'github-actions': 'GitHub Actions jobs',
  'gitlab-ci': 'GitLab CI jobs',
  'buildkite': 'Buildkite jobs',
  'bitbucket-pipelines': 'Bitbucket Pipelines steps',
  'hcp-terraform': 'HCP Terraform runs',
  'circleci': 'CircleCI jobs',
  'azure-devops': 'Azure DevOps pipelines',
  'unknown': 'Workloads',
};

/** One subject value as a sentence, e.g. "GitHub Actions jobs of acme/web on branch main". */
export function describeSubject(provider: CiProvider, value: string, mode: MatchMode = 'exact'): string {
  const enc = encodePattern(value, mode);
  if (enc === undefined) return `${PROVIDER_NAMES[provider]} whose subject is \`${value}\` (contains an unresolved expression)`;
  const v = showPattern(enc);
  const segs = v.split(':');
  if (provider === 'github-actions' && segs[0] === 'repo' && segs[1] && !hasWild(enc.split(':')[1] ?? '')) {
    const m = /^([^/@]+)(?:@(\d+))?\/([^/@]+)(?:@(\d+))?$/.exec(segs[1]);
    const who = m ? `${m[1]}/${m[3]}${m[2] && m[4] ? ` (owner ID ${m[2]}, repository ID ${m[4]})` : ''}` : segs[1];
    const ctx = segs.slice(2);
    const refStr = ctx.slice(1).join(':');
    let where = '';
    if (ctx.length === 0) where = '';
    else if (ctx[0] === '*' || anyRefContext(enc.split(':').slice(2))) where = ' on any branch, tag, environment or pull request';
    else if (ctx[0] === 'ref' && refStr.startsWith('refs/heads/')) where = ` on branch ${refStr.slice(11)}`;
    else if (ctx[0] === 'ref' && refStr.startsWith('refs/tags/')) where = ` on tag ${refStr.slice(10)}`;
    else if (ctx[0] === 'ref') where = ` on ref ${refStr}`;
    else if (ctx[0] === 'environment') where = ` in environment ${decodeURIComponent(ctx[1] ?? '').replace(/%3A/gi, ':')}`;
    else if (ctx[0] === 'pull_request') where = ' for pull requests';
    else where = ` with context \`${ctx.join(':')}\``;
    return `GitHub Actions jobs of ${who}${where}`;
  }
  if (provider === 'gitlab-ci' && segs[0] === 'project_path') {
    const refType = segs[segs.indexOf('ref_type') + 1];
    const ref = segs.indexOf('ref') >= 0 ? segs[segs.indexOf('ref') + 1] : undefined;
    return `GitLab CI jobs of ${segs[1]}${ref ? ` on ${refType === 'tag' ? 'tag' : refType === 'branch' ? 'branch' : 'ref'} ${ref}` : ''}`;
  }
  if (provider === 'buildkite' && segs[0] === 'organization') {
    const ref = segs[5];
    return `Buildkite jobs of pipeline ${segs[1]}/${segs[3] ?? '*'}${ref ? ` on ${ref.replace(/^refs\/heads\//, 'branch ').replace(/^refs\/tags\//, 'tag ')}` : ''}`;
  }
  if (provider === 'hcp-terraform' && segs[0] === 'organization') {
    return `HCP Terraform runs of workspace ${segs[5] ?? '*'} (project ${segs[3] ?? '*'}, organization ${segs[1]})${segs[7] ? `, ${segs[7] === '*' ? 'any' : segs[7]} phase` : ''}`;
  }
  if (provider === 'bitbucket-pipelines') return `Bitbucket Pipelines steps of repository ${segs[0]}`;
  return `${PROVIDER_NAMES[provider]} whose subject ${mode === 'exact' ? 'is' : 'matches'} \`${v}\``;
}

/** The CI identity of a trust relationship as one sentence (metadata description wins). */
export function describeIdentity(t: TrustRelationship): string {
  if (t.metadata?.description) return t.metadata.description;
  const name = PROVIDER_NAMES[t.ciProvider];
  const anyone = `ANY ${name} that can get a token from ${t.issuer ?? 'the issuer'} (no identity condition)`;
  if (t.aws) {
    const parts: string[] = [];
    const extra: string[] = [];
    for (const c of t.aws.conditions) {
      const op = parseOperator(c.operator);
      const claim = awsClaim(c.key);
      if (!claim || NEGATED.test(op.base) || classifyClaim(claim) === 'audience') continue;
      const mode: MatchMode = op.base === 'StringLike' ? 'glob' : 'exact';
      if (claim === 'sub') parts.push(...c.values.map(v => describeSubject(t.ciProvider, v, mode)));
      else extra.push(`${claim} ${mode === 'glob' ? 'matches' : 'is'} ${c.values.map(v => `\`${v}\``).join(' or ')}`);
    }
    if (parts.length === 0 && extra.length === 0) return t.unresolved.length ? 'Not analysable (see findings)' : anyone;
    const base = parts.length ? parts.join('; or ') : `${name} where`;
    return extra.length ? `${base}${parts.length ? ', where' : ''} ${extra.join(' and ')}` : base;
  }
  if (t.azure) {
    if (t.azure.kind === 'fic') return t.azure.subject ? describeSubject(t.ciProvider, t.azure.subject) : anyone;
    try {
      const terms = parseFlexibleExpression(t.azure.claimsMatchingExpression ?? '');
      const sub = terms.find(x => x.claim === 'sub');
      const rest = terms.filter(x => x !== sub).map(x => `${x.claim} ${x.op === 'eq' ? 'is' : 'matches'} \`${x.value}\``);
      const base = sub ? describeSubject(t.ciProvider, sub.value, sub.op === 'eq' ? 'exact' : 'glob') : `${name} where`;
      return rest.length ? `${base}${sub ? ', where' : ''} ${rest.join(' and ')}` : base;
    } catch {
      return 'Not analysable (see findings)';
    }
  }
  if (t.gcp) {
    const cond = t.gcp.attributeCondition;
    const grants = t.gcp.grants.map(g => (g.selector.kind === 'attribute' ? `${g.selector.attribute} = ${g.selector.value}` : g.selector.kind === 'subject' ? `subject ${g.selector.value}` : g.selector.kind === 'pool' ? 'the whole pool' : g.member));
    const granted = grants.length ? `; granted to ${[...new Set(grants)].join(', ')}` : '';
    if (!cond) return `${anyone}${granted}`;
    return `${name} admitted by \`${cond}\`${granted}`;
  }
  return anyone;
}
