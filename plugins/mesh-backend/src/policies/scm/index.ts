export * from './PolicyRepositoryScm';
export { createPolicyRepositoryScm } from './createPolicyRepositoryScm';
export { GithubPolicyRepositoryScm } from './GithubPolicyRepositoryScm';
export { GitlabPolicyRepositoryScm } from './GitlabPolicyRepositoryScm';
export {
  SnapshotPolicyRepositoryScm,
  SNAPSHOT_INDEX_FILE,
} from './SnapshotPolicyRepositoryScm';
export {
  MAX_BRANCH_FILE_BYTES,
  MAX_BRANCH_FILES,
  isBranchFile,
} from './branchFiles';
