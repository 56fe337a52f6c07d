/**
 * Meshport's high-level mesh policies (TrafficPolicy, AccessPolicy, VirtualDestination), their
 * validation, and their compiler to per-cluster Istio and Linkerd objects. Pure functions, no
 * I/O: the same code runs in the backend, in the browser (live preview) and in the CLI.
 *
 * @packageDocumentation
 */
export {
  POLICY_API_VERSION,
  POLICY_LABEL,
  POLICIES_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from './constants';
export type { Diagnostic } from './diagnostics';
export { formatDiagnostic } from './diagnostics';
export { defaultPolicyName } from './names';
export {
  trafficPolicyFromRequest,
  accessPolicyFromRequest,
  routeFromRequest,
} from './requests';
export type {
  TrafficRequest,
  AccessRequest,
  RouteRequestRow,
} from './requests';
export {
  parsePolicy,
  parsePolicyYaml,
  policyRef,
  POLICY_KINDS,
  trafficPolicySchema,
  accessPolicySchema,
  virtualDestinationSchema,
} from './schema';
export type {
  Policy,
  PolicyKind,
  ParseResult,
  TrafficPolicy,
  AccessPolicy,
  VirtualDestination,
  TrafficSource,
  RouteTarget,
  WeightedTarget,
  RequestMatch,
  AccessSource,
  Destination,
  PolicyMetadata,
} from './schema';
export { compile, fleetTopology, verifyCompiled } from './compile';
export type { CompileResult, CompileOptions } from './compile';
export { loadSchemaValidator } from './translate/schemaCheck';
export type { SchemaValidator } from './translate/schemaCheck';
export type { Conflict } from './conflicts';
export type { MeshResource } from './translate/resources';
export {
  renderRepository,
  policyPath,
  policyDestinations,
  renderedPath,
  renderedService,
} from './render';
export type {
  PolicyDestinations,
  RenderedFileSubject,
  RenderResult,
} from './render';
export { CompileMemo, createCompileMemo } from './compileMemo';
export type { CompileMemoStats } from './compileMemo';
export { summarizeChange, formatChangeSummary } from './summarizeChange';
export type { ChangeSummary, ChangeSet, ChangedFile } from './summarizeChange';
export { toYaml } from './yaml';
export { renderedSpecHash, canonicalSpec } from './specHash';
export type { SpecOwner } from './specHash';
export { Verifier } from './verify/verifier';
export {
  formatTrace,
  formatVerifiedSplit,
  summarizeVerification,
} from './verify/format';
export type { PolicyVerification } from './verify/verifyPolicies';
export type {
  Caller,
  ClusterObject,
  Leg,
  MeshSettings,
  Trace,
  TraceRequest,
  VerifierInputs,
} from './verify/types';
export {
  analyzeFleet,
  analyzeFleetStepwise,
  compareFindings,
  diffFindings,
  sameAnalysisInput,
  ALL_CHECKS,
} from './analyze';
export type {
  AnalysisResult,
  AnalysisInput,
  RemovedObject,
  CheckInfo,
} from './analyze';
export * from './lifecycle';
export {
  CODEOWNERS_HEADER,
  codeOwnersDifference,
  codeOwnersStatus,
  parseCodeOwners,
  renderCodeOwners,
  servicePatterns,
  updateCodeOwnersFor,
} from './codeowners';
export type {
  CodeOwnersDifference,
  CodeOwnersInput,
  CodeOwnersProvider,
  CodeOwnersRule,
  CodeOwnersStatus,
  ServiceCodeOwners,
} from './codeowners';
