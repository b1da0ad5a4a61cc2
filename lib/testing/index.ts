// The test kit (jsii submodule `testing`): the simulators, independent oracles of what each cloud
// accepts, and TokenExpectation. Reached as `testing.X` from the package root; importing it loads
// neither aws-cdk-lib nor cdktf (the construct-based factories require them when called).
// Layout: result.ts (the one request and result shape), aws/ gcp/ azure/ (one simulator each;
// aws/private: policy parsing, condition operators, IAM string matching, CIDRs, CloudFormation
// intrinsics), expect.ts (TokenExpectation), private/ (request checks, synthesis of constructs).
// `export *` because jsii does not see interfaces named in `export { … }` of a submodule; each
// file below exports only public API.
export * from './result';
export * from './aws/simulator';
export * from './gcp/simulator';
export * from './azure/simulator';
export * from './expect';
