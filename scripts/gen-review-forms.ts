/**
 * Writes every review fixture (test/review/fixtures/{insecure,secure}) in the other forms the review
 * reads (test/support/forms.ts): HCL (fixtures/hcl/<case>/main.tf), Terraform JSON in the array
 * shape (fixtures/tfjson-array/), plan JSON (fixtures/plan/) and CloudFormation YAML
 * (fixtures/cloudformation-yaml/). `npx projen review:forms`; test/review/forms.test.ts fails when a
 * committed file differs from what this writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formFiles } from '../test/support/forms';

const ROOT = path.join(__dirname, '..', 'test', 'review', 'fixtures');
for (const [rel, text] of formFiles(ROOT)) {
  fs.mkdirSync(path.dirname(path.join(ROOT, rel)), { recursive: true });
  fs.writeFileSync(path.join(ROOT, rel), text);
}
