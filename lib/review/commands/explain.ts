import { isIP } from 'net';
import { choice, CliIo, Command, Parsed, UsageError } from './command';
import { loadPath } from './load';
import { explainDocument, renderExplainMarkdown, SIGNATURE_NOTE } from '../explain/document';
import { ExplainNetwork, judgeAll } from '../explain/judge';
import { readToken, tokenProblems } from '../explain/token';
import { MARKDOWN, terminalStyle } from '../style';

const FORMATS = ['markdown', 'json'] as const;

export const EXPLAIN: Command = {
  name: 'explain',
  summary: 'why each principal under a path (AWS role, GCP grant, Azure role assignment) allows or denies a token',
  usage: 'ci-oidc-trust explain <TOKEN: claims.json | token.jwt | -> <cdk.out | cdktf.out | directory | template | .tf | plan.json> [--source-ip ADDR] [--vpc ID] [--vpc-endpoint ID] [--format markdown|json]',
  help: [
    'Judges one token against every principal the review finds under the path, with the simulators',
    '(the independent oracles of lib/testing): allowed, or denied with the exact failing checks',
    '(AWS: statement, operator, key, the token\'s value and the allowed values; GCP: the provider\'s',
    'issuer and audience, the attribute_condition and its false terms, the grant\'s member; Azure: the',
    'credential\'s issuer, subject and audience, compared exactly and case-sensitively). Principals of',
    'another issuer get one line each. Order: allowed, then denied closest first.',
    'Terraform (JSON, HCL, plans) is read as the review reads it: variables and locals evaluated, a',
    'data.aws_iam_policy_document rendered as the AWS provider renders it.',
    '',
    'TOKEN: a JSON object of claims, or a raw JWT (three base64url segments), in a file or on stdin',
    `(-). ${SIGNATURE_NOTE} The JWT itself is never printed.`,
    '',
    'Options:',
    '  --source-ip ADDR       the request\'s source IP (AWS aws:SourceIp on the public STS endpoint,',
    '                         aws:VpcSourceIp with --vpc-endpoint)',
    '  --vpc ID               the VPC of a request through an STS VPC endpoint (aws:SourceVpc)',
    '  --vpc-endpoint ID      the STS interface VPC endpoint the request came through (aws:SourceVpce)',
    '  --format markdown|json Markdown (the default) or the versioned JSON document (docs/explain-schema.json)',
    '  GCP and Azure networks (VPC Service Controls, ABAC conditions) are not simulated: the output says so.',
    '',
    'Exit codes: 0 it ran, whatever the verdicts; 2 usage or input problem (a TOKEN that is neither',
    'claims JSON nor a JWT, a path with nothing to review); 3 internal error.',
  ].join('\n'),
  options: {
    'source-ip': { type: 'string' },
    'vpc': { type: 'string' },
    'vpc-endpoint': { type: 'string' },
    'format': { type: 'string' },
  },
  async run(parsed: Parsed, io: CliIo): Promise<number> {
    const format = choice(parsed, 'format', FORMATS, 'markdown');
    const network = networkOf(parsed);
    if (parsed.positionals.length !== 2) {
      throw new UsageError(parsed.positionals.length < 2
        ? `expected TOKEN and PATH, got ${parsed.positionals.length === 0 ? 'neither' : 'only one argument'}.`
        : `expected TOKEN and PATH, got ${parsed.positionals.length} arguments.`);
    }
    const [tokenArg, target] = parsed.positionals;
    const token = await readToken(tokenArg, io.stdin);
    const input = await loadPath(target, io);
    const principals = judgeAll(input, token.claims, network);
    const doc = explainDocument({
      path: target,
      source: token.source,
      form: token.form,
      claims: token.claims,
      problems: tokenProblems(token.claims, Math.floor(Date.now() / 1000)),
      network,
      principals,
    });
    io.stdout.write(format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : renderExplainMarkdown(doc, io.isTTY ? terminalStyle(io.color !== false) : MARKDOWN));
    if (principals.length === 0) io.stderr.write(`ci-oidc-trust: no principals (AWS roles, GCP grants, Azure role assignments) found under ${target}.\n`);
    return 0;
  },
};

function networkOf(parsed: Parsed): ExplainNetwork {
  const str = (k: string) => (typeof parsed.values[k] === 'string' ? parsed.values[k] as string : undefined);
  const sourceIp = str('source-ip');
  if (sourceIp !== undefined && isIP(sourceIp) === 0) throw new UsageError(`--source-ip must be an IPv4 or IPv6 address, got '${sourceIp}'.`);
  const awsVpcId = str('vpc');
  const awsVpcEndpointId = str('vpc-endpoint');
  if (awsVpcId !== undefined && awsVpcEndpointId === undefined) {
    throw new UsageError('--vpc needs --vpc-endpoint: aws:SourceVpc exists only on requests through an STS VPC endpoint.');
  }
  return { sourceIp, awsVpcId, awsVpcEndpointId };
}
