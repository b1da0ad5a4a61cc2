export { TrustReport, TrustReportSummary } from './report';
