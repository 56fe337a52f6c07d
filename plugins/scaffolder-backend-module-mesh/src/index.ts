/**
 * Scaffolder actions that turn a mesh request (a route, an access grant, any Meshport policy)
 * into the files of a policy-repository pull request.
 *
 * @packageDocumentation
 */

export { scaffolderModule as default } from './module';
export { createTrafficPolicyAction } from './actions/trafficPolicy';
export { createAccessPolicyAction } from './actions/accessPolicy';
export { createRenderPolicyAction } from './actions/renderPolicy';
export { createPolicyRepositoryAction } from './actions/policyRepository';
export type { MeshActionDeps } from './service/renderPolicyRequest';
export { PolicyRenderers, ParsedPolicies } from './service/policyRenderers';
export type { RepositoryRenderer } from './service/policyRenderers';
export { RequestAnalyzer } from './service/requestAnalysis';
export type {
  Checks,
  RequestAnalysis,
  RenderedChange,
} from './service/requestAnalysis';
