export { HcpTerraform, HcpTerraformTrustBuilder, HcpTerraformWorkspaceProps, HcpTerraformRunPhase } from './builder';
