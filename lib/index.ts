// Public surface. The package root loads no cdktf code and no aws-cdk-lib (both optional peers):
// the GCP and Azure constructs load their provider submodules when a construct is created, and the
// compiled root loads the modules that need aws-cdk-lib at load (./aws, jsii submodules) on first
// use of one of their exports (scripts/lazy-index.js, test/packaging.test.ts). The test kit
// (simulators, TokenExpectation) is only the `testing` submodule (`testing.X`), loaded on first use
// (test/testing/root-load.test.ts).
export * from './model';
export * from './ci/github';
export * from './ci/gitlab';
export * from './ci/buildkite';
export * from './ci/circleci';
export * from './ci/bitbucket';
export * from './ci/azure-devops';
export * from './ci/hcp-terraform';
export * from './ci/jenkins';
export * from './ci/generic';
export * from './aws';
export * from './gcp';
export * from './azure';
export * from './review';
export * as testing from './testing';
