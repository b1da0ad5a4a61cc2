export { Jenkins, JenkinsJobProps, JenkinsTrustBuilder } from './builder';
