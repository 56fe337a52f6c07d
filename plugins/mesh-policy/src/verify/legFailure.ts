import type { Leg } from './types';

/**
 * Whether a leg of a TrafficPolicy's or VirtualDestination's trace fails the policy: it ends in
 * a reset, no route or no healthy upstream (issue 15: "no leg ends in a reset or no-route").
 * A 403 is not one: the trace starts from one workload the verifier picks in the source
 * namespace, and whether that workload may call the service is the AccessPolicies' question
 * (verified with them), not the route's — Istio routes the request the same way, then the
 * serving proxy's RBAC filter answers for that caller only.
 */
export function legFails(leg: Leg): boolean {
  return !!leg.failure && leg.failureKind !== 'authz';
}
