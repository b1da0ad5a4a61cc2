import type { JenkinsDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AWS_CHECK, awsWebIdentityEnv, azureLoginCommands, firstAudience, gcpAccessNote, gcpAudience, gcpLoginCommands, renderFiles } from '../snippet-parts';

/*
 * A declarative Jenkinsfile for the job the trust pins (oidc-provider plugin,
 * https://plugins.jenkins.io/oidc-provider/): an "OpenID Connect id token as file" credential with
 * the trust's audience, bound with withCredentials (Credentials Binding plugin) as a file, and
 * handed to the cloud's own web-identity login. The AWS CLI and SDKs read AWS_WEB_IDENTITY_TOKEN_FILE
 * themselves, as the plugin's README shows. Shell steps are single-quoted Groovy strings, so Groovy
 * never interpolates the credential into the command (the shell reads it from the environment), and
 * they begin with `set +x`: Jenkins runs `sh` steps with `-x`, which would print the expanded
 * `$(cat token)` of an Azure login (Jenkins masks the bound file's path, not its contents).
 */

/** The first line of every shell step: Jenkins' default `sh -xe` would trace expanded commands. */
const NO_TRACE = 'set +x  # Jenkins runs sh steps with -x; tracing would print the expanded token';

/** The credential id the snippet binds (an id the user creates; any id works if both places agree). */
const CREDENTIAL_ID = 'ci-oidc-token';

/** A Groovy single-quoted string (no interpolation): `\` and `'` escaped. */
function gq(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

/** A Groovy triple-single-quoted string holding shell lines, indented. */
function shBlock(lines: readonly string[], indent: string): string {
  const body = lines.map((l) => `${indent}  ${l.replace(/\\/g, '\\\\').replace(/'''/g, '\\\'\\\'\\\'')}`).join('\n');
  return `${indent}sh '''\n${body}\n${indent}'''`;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The Jenkinsfile and the credential it needs. @internal */
export function jenkinsSnippet(source: SnippetSource<JenkinsDetails>, t: SnippetTarget): string {
  // Details read back from review metadata are untrusted JSON: take only what has the right shape.
  const d = source._details as unknown as Record<string, unknown>;
  const root = text(d.jenkinsUrl) ?? '<Jenkins URL>';
  const job = texts(d.jobPath);
  const branches = texts(d.branches);
  const aud = t.cloud === 'gcp' ? gcpAudience(source, t) : firstAudience(source);
  const rootIssuer = `${root}/oidc`;
  const notes = [
    `Credential (Jenkins credentials, kind "OpenID Connect id token as file"): ID ${CREDENTIAL_ID}, audience ${aud}.`,
    source.issuer === rootIssuer
      ? `Issuer: ${source.issuer} (the plugin's issuer for a credential at the Jenkins root; create it there).`
      : `Issuer: ${source.issuer} (not the root's ${rootIssuer}: create the credential in the folder with this issuer, or set it as the credential's issuer URI and serve the two files the plugin names from it).`,
    branches.length
      ? `Job: ${job.join('/')}, a multibranch pipeline: this Jenkinsfile on branch ${branches.join(', ')} (each branch is a job of its own, whose URL is the token's sub).`
      : `Job: ${job.join('/')} (its URL is the token's sub).`,
  ];
  const tokenVar = t.cloud === 'aws' ? 'AWS_WEB_IDENTITY_TOKEN_FILE' : 'OIDC_TOKEN_FILE';
  const env: Array<[string, string]> = t.cloud === 'aws' ? awsWebIdentityEnv(t) : [];
  const credsFile = '"$WORKSPACE_TMP/gcp-credentials.json"';
  const shell = [NO_TRACE, ...(t.cloud === 'aws'
    ? [AWS_CHECK]
    : t.cloud === 'gcp'
      ? [`# ${gcpAccessNote(t)}`, ...gcpLoginCommands(t, `"$${tokenVar}"`, credsFile)]
      : azureLoginCommands(t, `"$(cat "$${tokenVar}")"`))];
  const when = branches.length === 1
    ? [`      when { branch pattern: ${gq(branches[0])}, comparator: 'EQUALS' }`]
    : branches.length
      ? ['      when {', '        anyOf {', ...branches.map((b) => `          branch pattern: ${gq(b)}, comparator: 'EQUALS'`), '        }', '      }']
      : [];
  const body = [
    'pipeline {',
    '  agent any',
    '  stages {',
    '    stage(\'deploy\') {',
    ...when,
    ...(env.length ? ['      environment {', ...env.map(([k, v]) => `        ${k} = ${gq(v)}`), '      }'] : []),
    '      steps {',
    `        withCredentials([file(credentialsId: ${gq(CREDENTIAL_ID)}, variable: ${gq(tokenVar)})]) {`,
    shBlock(shell, '          '),
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
  ].join('\n');
  return renderFiles([{ path: 'Jenkinsfile', syntax: 'groovy', notes, body }]);
}
