/**
 * Review of 1,000 trusts written as HCL and as the plan JSON the real terraform makes of the same
 * configuration: 1,000 `aws_iam_role`s in 10 files (a quarter each: policy document with immutable
 * subjects, `jsonencode()` aud-only, organisation wildcard, heredoc pull-request policy), locals and
 * a .tfvars value. Time covers reading the files (HCL: parsing through the WebAssembly HCL parser),
 * evaluation, extraction, judging and rendering Markdown and SARIF; medians of 7 in-process runs
 * after one warm-up, plus the first (cold) run, which includes starting the WebAssembly module.
 * The plan needs terraform and a hashicorp/aws provider mirror (CIT_TF_PLUGIN_DIR, default
 * /opt/tf-plugins); without them only the HCL half runs.
 *
 *   TS_NODE_PROJECT=test/tsconfig.json npx ts-node --prefer-ts-exts --transpile-only bench/review-inputs.ts
 */
/* eslint-disable no-console */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildReport, renderMarkdown } from '../lib/review/render';
import { renderSarif } from '../lib/review/sarif';
import { discoverFiles, extractAll, loadInputs } from '../lib/review/scan/extract';
import { parseHcl } from '../lib/review/scan/extract/hcl';
import { scan } from '../lib/review/scan/scanner';

const N = 1000;
const FILES = 10;
const OUT = path.join(__dirname, '..', '.bench', 'review-inputs');
const PLUGIN_DIR = process.env.CIT_TF_PLUGIN_DIR ?? '/opt/tf-plugins';

function role(i: number): string {
  const name = `r${String(i).padStart(4, '0')}`;
  const repo = `repo${i}`;
  switch (i % 4) {
    case 0: return `data "aws_iam_policy_document" "${name}" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "\${local.host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "\${local.host}:sub"
      values   = ["repo:\${var.org}@\${var.owner_id}/${repo}@${10000 + i}:environment:production"]
    }
  }
}

resource "aws_iam_role" "${name}" {
  name               = "${name}"
  assume_role_policy = data.aws_iam_policy_document.${name}.json
}
`;
    case 1: return `resource "aws_iam_role" "${name}" {
  name = "${name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.provider_arn }
      Condition = { StringEquals = { "\${local.host}:aud" = "sts.amazonaws.com" } }
    }]
  })
}
`;
    case 2: return `resource "aws_iam_role" "${name}" {
  name = "${name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.provider_arn }
      Condition = {
        StringEquals = { "\${local.host}:aud" = "sts.amazonaws.com" }
        StringLike   = { "\${local.host}:sub" = "repo:\${var.org}/*" }
      }
    }]
  })
}
`;
    default: return `resource "aws_iam_role" "${name}" {
  name               = "${name}"
  assume_role_policy = <<-EOT
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
      "Principal": {"Federated": "\${local.provider_arn}"},
      "Condition": {"StringEquals": {"\${local.host}:aud": "sts.amazonaws.com", "\${local.host}:sub": "repo:\${var.org}/${repo}:pull_request"}}}]}
  EOT
}
`;
  }
}

function writeConfig(dir: string) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'providers.tf'), `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock-access-key"
  secret_key                  = "mock-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variable "org" {
  default = "acme"
}

variable "owner_id" {
  type = string
}

locals {
  host         = "token.actions.githubusercontent.com"
  provider_arn = "arn:aws:iam::123456789012:oidc-provider/\${local.host}"
}
`);
  fs.writeFileSync(path.join(dir, 'terraform.tfvars'), 'owner_id = "1001"\n');
  const per = N / FILES;
  for (let f = 0; f < FILES; f++) {
    fs.writeFileSync(path.join(dir, `roles-${f}.tf`), Array.from({ length: per }, (_x, k) => role(f * per + k)).join('\n'));
  }
}

function findTerraform(): string | undefined {
  return (process.env.PATH ?? '').split(path.delimiter).map(d => path.join(d, 'terraform')).find(c => fs.existsSync(c));
}

function makePlan(dir: string): string | undefined {
  const terraform = findTerraform();
  if (!terraform || !fs.existsSync(path.join(PLUGIN_DIR, 'registry.terraform.io', 'hashicorp', 'aws'))) return undefined;
  const cli = path.join(dir, 'terraform.rc');
  fs.writeFileSync(cli, '');
  const env = { ...process.env, TF_CLI_CONFIG_FILE: cli, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  const tf = (...a: string[]) => execFileSync(terraform, a, { cwd: dir, env, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const t0 = Date.now();
  tf('init', `-plugin-dir=${PLUGIN_DIR}`, '-input=false', '-no-color');
  tf('plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=plan.out');
  const planDir = path.join(OUT, 'plan');
  fs.mkdirSync(planDir, { recursive: true });
  fs.writeFileSync(path.join(planDir, 'plan.json'), tf('show', '-json', 'plan.out'));
  console.log(`terraform init + plan + show -json of ${N} roles: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  fs.rmSync(path.join(dir, '.terraform'), { recursive: true, force: true });
  return planDir;
}

async function review(target: string): Promise<{ ms: number; trusts: number; findings: number }> {
  const t0 = process.hrtime.bigint();
  const { root, files } = discoverFiles(target);
  const trusts = extractAll(await loadInputs(root, files));
  const findings = scan(trusts);
  const report = buildReport(target, files, trusts, findings);
  renderMarkdown(report);
  renderSarif(report, { trusts });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, trusts: trusts.length, findings: findings.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label: string, target: string) {
  const first = await review(target);
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) runs.push((await review(target)).ms);
  const bytes = fs.readdirSync(target).reduce((s, f) => s + fs.statSync(path.join(target, f)).size, 0);
  console.log(`| ${label} | ${first.trusts} | ${first.findings} | ${(bytes / 1024).toFixed(0)} | ${first.ms.toFixed(0)} | ${median(runs).toFixed(0)} |`);
}

async function mainBench() {
  const hcl = path.join(OUT, 'hcl');
  writeConfig(hcl);
  const plan = makePlan(hcl);
  for (const f of ['terraform.rc', 'plan.out', '.terraform.lock.hcl']) fs.rmSync(path.join(hcl, f), { force: true });
  const w0 = Date.now();
  await parseHcl('start.tf', '');
  console.log(`starting the WebAssembly HCL parser (first .tf file of a process): ${Date.now() - w0} ms`);
  console.log('| input | trusts | findings | input KiB | first run ms | median ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  await measure('HCL (11 files)', hcl);
  if (plan) await measure('plan JSON (`terraform show -json`)', plan);
  else console.log('(plan JSON skipped: terraform or the provider mirror is missing)');
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

void mainBench();
