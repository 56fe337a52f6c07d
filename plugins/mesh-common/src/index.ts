/**
 * The contract of the Meshport plugins: the fleet model (types and the schema every reader
 * checks it with), Kubernetes' name rules, every label, annotation and shared default, and
 * the permissions.
 *
 * @packageDocumentation
 */
export * from './fleet';
export * from './annotations';
export * from './ownership';
export * from './standingEntity';
export * from './permissions';
export * from './traffic';
export * from './findings';
export * from './trust';
export * from './names';
export * from './defaults';
export * from './fleetSchema';
export * from './parseFleet';
export * from './dependenciesSchema';
export * from './policiesSchema';
export * from './policyLifecycle';
export * from './sameJson';
