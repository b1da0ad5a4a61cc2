import { allWild, anyRefPattern, hasWild, IdentityLevel, partialNamePattern, partialRefPattern, pinned, refPatternIssue, refused, showPattern, SubjectAnalyser, SubjectIssue, SubjectVerdict } from '../analyser';

/**
 * The review's reading of GitHub's `sub` (https://docs.github.com/en/actions/reference/security/oidc):
 * `repo:OWNER[@ID]/REPO[@ID]:context`, or a customized template of `key:value` pairs
 * (`include_claim_keys`). Independent of builder.ts and subject.ts.
 *
 * Only the leading identity fields pin: the repository that mints a token chooses its own template
 * and the values of workflow, environment, ref and the like, so a field after one of those can be
 * forged wherever a `:` inside a value is not written `%3A` (GitHub documents the encoding for
 * github.com, GHE.com and GHES 3.19+, not for older GHES; the scanner cannot tell which one a
 * trust relies on, so it never relies on it).
 * @internal
 */

/** Claims that name the tenant (owner, enterprise) or one repository, set by GitHub, never containing `:`. */
const IDENTITY_KEYS: Record<string, IdentityLevel> = {
  repo: 3, repository: 3, repository_id: 3, repository_owner: 2, repository_owner_id: 2, enterprise: 2, enterprise_id: 2,
};
const ID = /^[1-9][0-9]*$/;
const NAME = /^[A-Za-z0-9_.-]+$/;

/** One `NAME[@ID]` half of the repository field. */
function part(p: string): { name: string; id?: string } {
  const at = p.indexOf('@');
  return at < 0 ? { name: p } : { name: p.slice(0, at), id: p.slice(at + 1) };
}

type IdState = 'none' | 'pinned' | 'open';
function idState(id: string | undefined): IdState | 'bad' {
  if (id === undefined) return 'none';
  if (hasWild(id)) return 'open';
  return ID.test(id) ? 'pinned' : 'bad';
}

/**
 * The `repo` (or `repository`) field: the owner is the tenant, so a wildcard before the owner name
 * ends crosses it, while one after it (`acme/*`, `acme/app*`, `acme@*`) stays inside it.
 */
function repoField(value: string, v: string): SubjectVerdict & { open: boolean; ownerId?: boolean } {
  const slash = value.indexOf('/');
  const owner = part(slash < 0 ? value : value.slice(0, slash));
  const repoText = slash < 0 ? undefined : value.slice(slash + 1);
  if (hasWild(owner.name)) {
    return { ...refused('wildcard-identity', `subject \`${v}\` has a wildcard in the owner (\`${showPattern(owner.name)}\` matches other owners)`), open: true };
  }
  if (!NAME.test(owner.name)) return { ...refused('malformed', `subject \`${v}\`: \`${owner.name}\` is not an owner name`), open: false };
  const ownerId = idState(owner.id);
  if (ownerId === 'bad') return { ...refused('malformed', `subject \`${v}\`: \`@${owner.id}\` is not a positive decimal ID`), open: false };
  if (repoText === undefined) {
    // `repo:acme@*` spans the rest; `repo:acme` names no repository.
    if (ownerId === 'open') return { ...orgWide(`subject \`${v}\` pins owner ${owner.name} but not a repository`), open: true };
    return { ...refused('malformed', `subject \`${v}\`: \`${value}\` is not \`OWNER[@ID]/REPO[@ID]\``), open: false };
  }
  const repo = part(repoText);
  const repoId = idState(repo.id);
  if (repoId === 'bad') return { ...refused('malformed', `subject \`${v}\`: \`@${repo.id}\` is not a positive decimal ID`), open: false };
  const open = repoText.includes('\uE000');
  if (repo.name === '' && !open) return { ...refused('malformed', `subject \`${v}\` has no repository after \`${owner.name}/\``), open };
  if (hasWild(repo.name) && repoId !== 'pinned') {
    return { ...orgWide(`subject \`${v}\` pins owner ${owner.name}; \`${showPattern(repoText)}\` admits other and future repositories of it`, ownerId === 'pinned'), open };
  }
  if (!hasWild(repo.name) && !NAME.test(repo.name)) return { ...refused('malformed', `subject \`${v}\`: \`${repo.name}\` is not a repository name`), open };
  if (!open && (ownerId === 'pinned') !== (repoId === 'pinned')) {
    return { ...refused('malformed', `subject \`${v}\`: the immutable form carries both ids (\`OWNER@ID/REPO@ID\`)`), open };
  }
  // A repository id is unique on GitHub: it pins the repository whatever the name pattern.
  return { ...pinned(3, repoId === 'pinned'), open, ownerId: ownerId === 'pinned' };
}

function orgWide(detail: string, usesIds = false): SubjectVerdict {
  return { level: 2, issues: [{ issue: 'org-wide', detail }], usesIds };
}

/** The context fields after the identity (ref, environment, pull request): what they leave open, if anything. */
function contextIssue(rest: string[], v: string): { issue: SubjectIssue; detail: string } | undefined {
  for (let j = 0; j < rest.length; j += 2) {
    const [key, value] = [rest[j], rest[j + 1]];
    if (hasWild(key)) return { issue: 'any-ref', detail: `subject \`${v}\` matches any ref, environment or pull request` };
    if (key === 'pull_request') return { issue: 'pull-request', detail: `subject \`${v}\` is the pull-request subject` };
    if (key === 'ref') {
      const what = /^refs\/tags\//.test(value ?? '') ? 'tag' : /^refs\/heads\//.test(value ?? '') ? 'branch' : 'ref';
      if (anyRefPattern(value)) return { issue: 'any-ref', detail: `subject \`${v}\` matches any ${what}` };
      return partialRefPattern(value) ? refPatternIssue(v, what, value!, `push a matching ${what}`) : undefined;
    }
    if (key === 'environment') {
      if (value === undefined || allWild(value)) return { issue: 'any-ref', detail: `subject \`${v}\` matches any environment` };
      // A workflow that names an environment creates it: write access suffices.
      return partialNamePattern(value) ? refPatternIssue(v, 'environment', value, 'name a matching environment in a workflow') : undefined;
    }
  }
  return { issue: 'any-ref', detail: `subject \`${v}\` has no ref, environment or pull-request field, so every run qualifies` };
}

function analyse(p: string): SubjectVerdict {
  const v = showPattern(p);
  const segs = p.split(':');
  if (allWild(p)) return refused('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  if (hasWild(segs[0])) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in its first claim`);
  // The leading identity fields.
  let level: IdentityLevel = 0;
  let usesIds = false;
  let ownerIds = false;
  const issues: SubjectVerdict['issues'] = [];
  let i = 0;
  let open = false;
  for (; i < segs.length && IDENTITY_KEYS[segs[i]] !== undefined && !open; i += 2) {
    const key = segs[i];
    const value = segs[i + 1];
    if (value === undefined || value === '') return refused('malformed', `subject \`${v}\` has no value after \`${key}:\``);
    if (key === 'repo' || key === 'repository') {
      const r = repoField(value, v);
      if (r.issues.some((x) => x.issue !== 'org-wide')) return r;
      // A wildcard in the last field spans the rest of the subject; one followed by fields does not.
      open = r.open && i + 2 >= segs.length;
      if (r.level === 2) {ownerIds ||= r.usesIds;} else {
        usesIds ||= r.usesIds;
        ownerIds ||= r.ownerId === true;
      }
      if (r.level > level) level = r.level;
      issues.push(...r.issues);
      continue;
    }
    if (hasWild(value)) {
      if (level >= 2) {
        i += 2;
        break;
      }
      return refused('wildcard-identity', `subject \`${v}\` has a wildcard in \`${key}\``);
    }
    if (key.endsWith('_id') && !ID.test(value)) return refused('malformed', `subject \`${v}\`: \`${key}\` value \`${value}\` is not a positive decimal ID`);
    if (key.endsWith('_id')) {
      if (IDENTITY_KEYS[key] === 3) usesIds = true;
      else ownerIds = true;
    }
    if (IDENTITY_KEYS[key] > level) level = IDENTITY_KEYS[key];
  }
  const rest = segs.slice(i);
  const laterIdentity = rest.find((k, j) => j % 2 === 0 && IDENTITY_KEYS[k] !== undefined);
  if (level === 0) {
    const first = segs[0];
    const verdict = laterIdentity
      ? refused('user-claim', `subject \`${v}\` puts \`${first}\`, which any workflow author chooses (with the template), ahead of \`${laterIdentity}\`, so the whole subject can be produced from another repository`)
      : rest.includes('job_workflow_ref')
        ? refused('reusable-only', `subject \`${v}\` pins \`job_workflow_ref\` but no caller repository or owner`, 1)
        : refused('user-claim', `subject \`${v}\` contains no repository or owner claim`);
    // With the repository pinned elsewhere (a `repository_id` condition), this is the context pin;
    // a partial pattern pins it too, and is reported where the conjunction pins one repository.
    const context = contextIssue(segs, v);
    verdict.contextPinned = context === undefined || context.issue === 'ref-pattern';
    if (context?.issue === 'ref-pattern') verdict.issues.push(context);
    return verdict;
  }
  // An owner id keeps a re-registered owner name out; a repository name then recycles only inside the owner.
  const verdict: SubjectVerdict = { level, issues, usesIds: level === 3 ? usesIds || ownerIds : ownerIds };
  if (level === 2 && issues.length === 0) {
    const why = laterIdentity ? `; \`${laterIdentity}\` comes after a claim any workflow author chooses, so it does not pin` : '';
    verdict.issues.push({ issue: 'org-wide', detail: `subject \`${v}\` pins only the owner${why}` });
  }
  if (level === 3) {
    if (open) {verdict.issues.push({ issue: 'any-ref', detail: `subject \`${v}\` matches any ref, environment or pull request of the repository` });} else {
      const issue = contextIssue(rest, v);
      if (issue) verdict.issues.push(issue);
    }
  }
  return verdict;
}

/** Does the context (the segments after `repo:O/R`) admit any ref, environment or pull request? */
function anyRefContext(ctx: string[]): boolean {
  if (ctx.length === 0) return false;
  const [kind, ...rest] = ctx;
  if (hasWild(kind)) return true;
  if (kind === 'ref') return anyRefPattern(rest.join(':'));
  if (kind === 'environment') return rest.length === 0 || allWild(rest[0]);
  return false;
}

function describe(enc: string): string | undefined {
  const v = showPattern(enc);
  const segs = v.split(':');
  if (segs[0] !== 'repo' || !segs[1] || hasWild(enc.split(':')[1] ?? '')) return undefined;
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

/** @internal */
export const GITHUB_ANALYSER: SubjectAnalyser = {
  analyse,
  describe,
  isKeyValueSubject: () => true,
  flagsNameOnly: true,
  claims: {
    repository: ['repository', 'repository_id', 'repo'],
    owner: ['repository_owner', 'repository_owner_id', 'enterprise', 'enterprise_id'],
    ids: ['repository_id', 'repository_owner_id', 'enterprise_id'],
    context: ['ref', 'environment'],
    paths: ['repository'],
  },
  advice: {
    subject: '`repo:OWNER@OWNER_ID/REPO@REPO_ID:…` (the repository first, by its immutable ids)',
    claims: '`repository_id` (with `repository_owner_id`)',
    context: '`ref:refs/heads/<branch>` or `environment:<environment>` (claims `ref`, `environment`)',
  },
};
