import { modelOf, ReviewModel } from '../attribution/attribute';
import { discoverFiles, extractAll, formatOf, InputError, LoadedFile, loadInputs, TrustRelationship } from '../scan/extract';
import { CliIo } from './command';

/** What a path holds, read once for every command: the files, the trust relationships, the review model. */
export interface LoadedPath {
  readonly path: string;
  readonly files: string[];
  readonly loaded: LoadedFile[];
  readonly trusts: TrustRelationship[];
  readonly model: ReviewModel;
}

/** Read a cdk.out, cdktf.out, directory or file as the review does; InputError (exit 2) when it holds nothing to review. */
export async function loadPath(target: string, io: CliIo): Promise<LoadedPath> {
  const { root, files } = discoverFiles(target);
  if (files.length === 0) {
    throw new InputError(`${target}: no CloudFormation templates (*.template.json, *.yaml, cdk.out manifest), Terraform (*.tf, *.tf.json) or plan JSON found. Run \`cdk synth\`, \`cdktf synth\` or \`terraform show -json\` first.`);
  }
  const progress = `Scanning ${files.length} file${files.length === 1 ? '' : 's'} under ${target}…`;
  // On a terminal the progress line is erased once the files are read (stderr, so pipes never see it).
  if (io.isTTY) io.stderr.write(progress);
  try {
    const loaded = await loadInputs(root, files);
    // A file named explicitly must be a template; inside directories, other JSON is skipped.
    if (files.length === 1 && files[0] === target.split(/[\\/]/).pop() && formatOf(loaded[0]) === undefined) {
      throw new InputError(`${target}: readable, but neither a CloudFormation template (no "Resources"), Terraform (no "resource"/"data") nor \`terraform show -json\` output.`);
    }
    const trusts = extractAll(loaded);
    return { path: target, files, loaded, trusts, model: modelOf(trusts, loaded) };
  } finally {
    if (io.isTTY) io.stderr.write('\r\x1b[2K');
  }
}
