import * as fs from 'fs';
import * as path from 'path';
import type { Stack, Stage } from 'aws-cdk-lib';
import { reviewModel } from './attribution/attribute';
import { buildReport, renderJson, renderMarkdown, ReviewReport } from './render';
import { discoverFiles, LoadedFile, loadFiles, loadInputs } from './scan/extract';

/** Counts of a review. */
export interface TrustReportSummary {
  /** Trust relationships found (docs/review.md#the-unit-a-trust-relationship). */
  readonly trusts: number;
  /** Error findings. */
  readonly errors: number;
  /** Warnings shown: warning findings and the warnings the trusts declare. */
  readonly warnings: number;
  /** Of the warnings, those the trusts declare (model warnings and accepted widenings). */
  readonly declaredWarnings: number;
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
   * Review a template object: CloudFormation, or Terraform JSON. cdktf's `Testing.synth(stack)`
   * removes the `//` comments that carry the declared trusts (sentences, warnings, snippets), so
   * its output reads like a template this library did not write: use `fromCdktfStack(stack)` to
   * keep them.
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

  /**
   * Review one CDKTF stack with the declared trusts. cdktf's `Testing.synth(stack)` drops the `//`
   * metadata that names them; this reads the stack's Terraform JSON with it (after the same aspect
   * pass). Typed loosely so that the package root does not load cdktf.
   */
  public static fromCdktfStack(stack: any): TrustReport {
    if (typeof stack?.toTerraform !== 'function' || typeof stack?.node?.id !== 'string') {
      throw new Error('TrustReport.fromCdktfStack: expected a cdktf TerraformStack');
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cdktf = require('cdktf');
    cdktf.Testing.synth(stack); // runs the aspects, as a real synth does
    const json = JSON.parse(JSON.stringify(stack.toTerraform()));
    const file = `stacks/${stack.node.id}/cdk.tf.json`;
    return TrustReport.of(stack.node.id, [file], [{ file, json }]);
  }

  private static of(input: string, files: string[], loaded: LoadedFile[]): TrustReport {
    return new TrustReport(buildReport(input, files, reviewModel(loaded)));
  }

  /** Counts. */
  public readonly summary: TrustReportSummary;
  private readonly report: ReviewReport;

  private constructor(report: ReviewReport) {
    this.report = report;
    const { trusts, errors, warnings, declaredWarnings } = report.summary;
    this.summary = { trusts, errors, warnings, declaredWarnings };
  }

  /** Markdown for pull requests (stable order, diff-friendly). */
  public toMarkdown(): string {
    return renderMarkdown(this.report);
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
