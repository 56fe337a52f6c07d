export {
  analyzeFleet,
  analyzeFleetStepwise,
  compareFindings,
  diffFindings,
} from './analyzeFleet';
export type { AnalysisResult } from './analyzeFleet';
export { AnalysisContext, serviceHost } from './context';
export { sameAnalysisInput } from './sameAnalysisInput';
export type { AnalysisInput, RemovedObject } from './context';
export { ALL_CHECKS } from './checks';
export type { Check, CheckInfo, FindingDraft } from './types';
