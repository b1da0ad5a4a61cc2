/**
 * The TOKEN argument of `ci-oidc-trust explain`: a JSON file of claims or a raw JWT (a file, or `-`
 * for stdin). A JWT's payload is decoded and its signature is NOT checked: explain judges the
 * claims as given. The raw JWT is a bearer credential: it is never printed or put in a message.
 */
import * as fs from 'fs';
import { InputError } from '../scan/extract';

export type TokenForm = 'claims' | 'jwt';

export interface ReadToken {
  /** Where it was read from: the file name, or `stdin`. */
  readonly source: string;
  readonly form: TokenForm;
  readonly claims: Record<string, unknown>;
}

/** A token problem no principal will overlook, or a note the simulators cannot judge (time). */
export interface TokenProblem {
  readonly id: 'expired' | 'not-yet-valid' | 'no-issuer' | 'no-audience' | 'audience-list';
  readonly message: string;
}

const SEGMENT = '[A-Za-z0-9_-]+';
const JWS = new RegExp(`^${SEGMENT}\\.${SEGMENT}\\.[A-Za-z0-9_-]*$`);
const JWE = new RegExp(`^${SEGMENT}\\.[A-Za-z0-9_-]*\\.${SEGMENT}\\.${SEGMENT}\\.[A-Za-z0-9_-]*$`);

/** Read all of a stream (stdin) as UTF-8 text. */
export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Read the TOKEN argument; InputError (exit 2) for what is neither claims JSON nor a JWT. */
export async function readToken(arg: string, stdin: NodeJS.ReadableStream | undefined): Promise<ReadToken> {
  let text: string;
  const source = arg === '-' ? 'stdin' : arg;
  if (arg === '-') {
    if (!stdin) throw new InputError('TOKEN is -, but no standard input is available.');
    text = await readStream(stdin);
  } else {
    try {
      text = fs.readFileSync(arg, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(`${arg}: cannot read the token file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code ?? 'unreadable'}).`);
    }
  }
  return { source, ...parseToken(text, source) };
}

/** Claims JSON or a JWT, from its text. Messages never quote the text (it may be a credential). */
export function parseToken(raw: string, source: string): { form: TokenForm; claims: Record<string, unknown> } {
  const text = raw.replace(/^\uFEFF/, '').trim();
  const compact = text.replace(/^Bearer\s+/i, '');
  if (JWS.test(compact)) {
    const payload = compact.split('.')[1];
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new InputError(`${source}: a JWT (three base64url segments) whose payload is not JSON.`);
    }
    if (!isObject(claims)) throw new InputError(`${source}: a JWT whose payload is not a JSON object of claims.`);
    return { form: 'jwt', claims };
  }
  if (JWE.test(compact)) throw new InputError(`${source}: an encrypted JWT (JWE, five segments): its claims cannot be read without the key. Pass the decrypted claims as JSON.`);
  if (text.startsWith('{') || text.startsWith('[')) {
    let claims: unknown;
    try {
      claims = JSON.parse(text);
    } catch (e) {
      // The position only: Node's message may quote the text.
      const at = /position (\d+)/.exec((e as Error).message)?.[1];
      throw new InputError(`${source}: starts like JSON but does not parse${at ? ` (at character ${at})` : ''}.`);
    }
    if (!isObject(claims)) throw new InputError(`${source}: JSON, but not an object of claims (e.g. {"iss": …, "sub": …, "aud": …}).`);
    // A template or Terraform JSON in the TOKEN place: the arguments are swapped.
    if (claims.iss === undefined && ['Resources', 'AWSTemplateFormatVersion', 'resource', 'terraform', 'format_version'].some((k) => k in claims)) {
      throw new InputError(`${source}: a CloudFormation template or Terraform JSON, not token claims: the order is explain TOKEN PATH.`);
    }
    return { form: 'claims', claims };
  }
  throw new InputError(`${source}: neither a JSON object of token claims nor a JWT (three base64url segments separated by dots).`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What makes every cloud refuse the token before any condition, or what explain cannot judge (time). */
export function tokenProblems(claims: Record<string, unknown>, now: number): TokenProblem[] {
  const out: TokenProblem[] = [];
  const when = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  if (typeof claims.exp === 'number' && claims.exp < now) {
    out.push({ id: 'expired', message: `exp ${when(claims.exp)} is in the past: every cloud refuses an expired token. A note only: the verdicts below judge the conditions, not the time.` });
  }
  if (typeof claims.nbf === 'number' && claims.nbf > now) {
    out.push({ id: 'not-yet-valid', message: `nbf ${when(claims.nbf)} is in the future: the token is not valid yet. A note only: the verdicts below judge the conditions, not the time.` });
  }
  if (typeof claims.iss !== 'string' || claims.iss === '') {
    out.push({ id: 'no-issuer', message: 'no iss claim: no cloud can find the identity provider for it; no principal accepts it.' });
  }
  const aud = claims.aud;
  if (aud === undefined || aud === null || aud === '' || (Array.isArray(aud) && aud.length === 0)) {
    out.push({ id: 'no-audience', message: 'no aud claim: every cloud checks the audience; no principal accepts it.' });
  } else if (Array.isArray(aud) && aud.length > 1) {
    const azp = typeof claims.azp === 'string' ? ` STS reads azp ${JSON.stringify(claims.azp)} instead.` : ' Without an azp claim AWS STS refuses it (it reads one audience); GCP and Azure accept a list that contains their audience.';
    out.push({ id: 'audience-list', message: `aud lists ${aud.length} audiences.${azp} See docs/snippets.md#sts-and-a-list-audience.` });
  }
  return out;
}
