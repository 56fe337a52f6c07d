/**
 * Builders of the Kubernetes objects of a generated mesh fleet, shared by the demo fleet
 * snapshot (`examples/demo-fleet`) and the bench (`bench/lib/fleetObjects.ts`): each describes
 * its clusters as `ClusterSpec`s and gets the objects an API server would serve for them.
 *
 * @packageDocumentation
 */
export * from './objects';
export * from './snapshot';
