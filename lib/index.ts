// Public surface. The package root loads no cdktf code: the GCP and Azure constructs load their
// provider submodules lazily, when a construct is created (test/packaging.test.ts proves it).
// The test kit (simulators, TokenExpectation) is only the `testing` submodule (`testing.X`);
// nothing else in the root refers to it (test/testing/root-load.test.ts).
export * from './model';
export * from './ci/github';
export * from './ci/gitlab';
export * from './ci/buildkite';
export * from './ci/circleci';
export * from './ci/bitbucket';
export * from './ci/azure-devops';
export * from './ci/hcp-terraform';
export * from './ci/generic';
export * from './aws';
export * from './gcp';
export * from './azure';
export * from './review';
export * as testing from './testing';
