export {
  CODEOWNERS_HEADER,
  renderCodeOwners,
  servicePatterns,
} from './renderCodeOwners';
export type {
  CodeOwnersInput,
  CodeOwnersProvider,
  ServiceCodeOwners,
} from './renderCodeOwners';
export { parseCodeOwners } from './parseCodeOwners';
export type { CodeOwnersRule } from './parseCodeOwners';
export { codeOwnersDifference, codeOwnersStatus } from './codeOwnersStatus';
export type {
  CodeOwnersDifference,
  CodeOwnersStatus,
} from './codeOwnersStatus';
export { updateCodeOwnersFor } from './updateCodeOwnersFor';
