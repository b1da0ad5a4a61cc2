export { TrustReport, TrustReportSummary } from './report';
export { TokenExpectation } from './expect';
