import * as fs from 'fs';
import * as path from 'path';
import type { Stack, Stage } from 'aws-cdk-lib';
import { buildReport, renderJson, renderMarkdown, ReviewReport } from './render';
import { discoverFiles, extractAll, LoadedFile, loadFiles, loadInputs } from './scan/extract';
import { scan } from './scan/scanner';

/** Counts of a review. */
export interface TrustReportSummary {
  /** Trust relationships found. */
  readonly trusts: number;
  /** Error findings. */
  readonly errors: number;
  /** Warning findings. */
  readonly warnings: number;
}

/**
 * The trust review of an app, stack, directory or template: every trust relationship (cloud
 * principal, CI identity as a sentence, exact conditions, network, warnings, widenings, CI snippet)
 * and the scanner's findings. Same content as `npx ci-oidc-trust review`; snapshot `toMarkdown()`
 * in your tests to see trust changes in pull requests.
 */
export class TrustReport {
  /**
   * Review a synthesized `cdk.out`, `cdktf.out`, a directory, or one CloudFormation (JSON, YAML),
   * Terraform JSON or `terraform show -json` file. HCL needs `fromPathAsync`.
   */
  public static fromPath(target: string, label?: string): TrustReport {
    const { root, files } = discoverFiles(target);
    return TrustReport.of(label ?? path.basename(target), files, loadFiles(root, files));
  }

  /**
   * Review any input the CLI reads, HCL (`.tf`) included, which is parsed asynchronously
   * (`fromPath` reads every other input).
   */
  public static async fromPathAsync(target: string, label?: string): Promise<TrustReport> {
    const { root, files } = discoverFiles(target);
    return TrustReport.of(label ?? path.basename(target), files, await loadInputs(root, files));
  }

  /** Review a CDK app or stage (synthesizes it). */
  public static fromCdkApp(app: Stage): TrustReport {
    return TrustReport.fromPath(app.synth().directory, 'cdk.out');
  }

  /** Review one CDK stack (synthesizes its app). */
  public static fromCdkStack(stack: Stack): TrustReport {
    // Required here, not at load: the package root needs no aws-cdk-lib (CDKTF-only users).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cdk: typeof import('aws-cdk-lib') = require('aws-cdk-lib');
    const assembly = cdk.Stage.of(stack)!.synth();
    const file = assembly.getStackArtifact(stack.artifactId).templateFile;
    const json = JSON.parse(fs.readFileSync(path.join(assembly.directory, file), 'utf8'));
    return TrustReport.of(stack.stackName, [file], [{ file, json }]);
  }

  /**
   * Review a template object: CloudFormation, or Terraform JSON such as cdktf's
   * `JSON.parse(Testing.synth(stack))` (no cdktf needed here).
   */
  public static fromTemplate(template: any, name?: string): TrustReport {
    const file = name ?? 'template.json';
    return TrustReport.of(file, [file], [{ file, json: template }]);
  }

  /**
   * Review a CDKTF app (synthesizes it into a temporary directory). Typed loosely so that the
   * package root does not load cdktf.
   */
  public static fromCdktfApp(app: any): TrustReport {
    if (typeof app?.synth !== 'function' || typeof app?.outdir !== 'string') {
      throw new Error('TrustReport.fromCdktfApp: expected a cdktf App (with synth() and outdir)');
    }
    app.synth();
    return TrustReport.fromPath(app.outdir, 'cdktf.out');
  }

  private static of(input: string, files: string[], loaded: LoadedFile[]): TrustReport {
    const trusts = extractAll(loaded);
    return new TrustReport(buildReport(input, files, trusts, scan(trusts)));
  }

  /** Counts. */
  public readonly summary: TrustReportSummary;
  private readonly report: ReviewReport;

  private constructor(report: ReviewReport) {
    this.report = report;
    this.summary = { trusts: report.summary.trusts, errors: report.summary.errors, warnings: report.summary.warnings };
  }

  /** Markdown for pull requests (stable order, diff-friendly). */
  public toMarkdown(): string {
    return renderMarkdown(this.report, { color: false });
  }

  /** JSON in the versioned schema of docs/review-schema.json. */
  public toJson(): string {
    return renderJson(this.report);
  }

  /** The ids of all findings, sorted, with repeats. */
  public findingIds(): string[] {
    return this.report.findings.map((f) => f.id).sort();
  }
}
