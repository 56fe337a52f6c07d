export { OwnershipConflictAlert, OwnerCell } from './OwnershipConflict';
