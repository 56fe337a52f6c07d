export * from './types';
export * from './requestMarker';
export {
  computePolicyStates,
  createLifecycleCache,
  LifecycleCache,
} from './computePolicyStates';
export { policyFieldDifferences, MAX_DIFFERENCES } from './differences';
export { lifecycleFindings, LIFECYCLE_CHECKS } from './findings';
