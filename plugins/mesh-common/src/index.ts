/**
 * Types, annotations and permissions shared by the Meshport plugins.
 *
 * @packageDocumentation
 */
export * from './fleet';
export * from './annotations';
export * from './ownership';
export * from './standingEntity';
export * from './permissions';
export * from './traffic';
export * from './metrics';
export * from './trust';
export * from './names';
