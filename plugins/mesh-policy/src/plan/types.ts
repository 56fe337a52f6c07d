import type { MeshKind } from '@meshport/backstage-plugin-mesh-common';
import type { Reach } from '../fleet/topology';
import type { AccessSource } from '../schema/accessPolicy';
import type { Destination } from '../schema/common';
import type { RequestMatch, TrafficPolicy } from '../schema/trafficPolicy';

// What the policies ask of each cluster, between the policy documents and the mesh objects:
// planning resolves a policy against the fleet into these, the merger combines them, and the
// translators turn them into Istio or Linkerd objects. They sit below both sides so that the
// translators never import the planner or the merger back.

type Spec = TrafficPolicy['spec'];

/** A route or mirror target resolved against one client cluster. */
export interface ResolvedTarget {
  /** The serving cluster the target pins; undefined lets the client's registry choose. */
  cluster?: string;
  subset: Record<string, string>;
  reach: Reach | 'registry';
  weight: number;
}

/** Who, in a client cluster, the policy applies to. An empty list means every workload. */
export interface SourceMatch {
  namespace?: string;
  labels?: Record<string, string>;
}

/** One TrafficPolicy as it applies in one client cluster. */
export interface ClientPlan {
  policy: string;
  client: string;
  mesh: MeshKind;
  destination: Destination;
  /**
   * The port the policy's routes are restricted to; undefined when the service has that one
   * port only, where naming it selects the same traffic as not naming it (so two policies,
   * one with the port and one without, own the same fields and conflict).
   */
  scopePort?: number;
  sources: SourceMatch[];
  matches: RequestMatch[];
  policySpec: Spec;
  route?: ResolvedTarget[];
  mirror?: ResolvedTarget & { percent: number };
}

/** The policies merged onto one HTTP route of one client cluster. */
export interface RouteGroup {
  key: string;
  sources: SourceMatch[];
  matches: RequestMatch[];
  port?: number;
  policies: string[];
  route?: ResolvedTarget[];
  mirror?: ResolvedTarget & { percent: number };
  timeout?: Spec['timeout'];
  retries?: Spec['retries'];
  faultInjection?: Spec['faultInjection'];
  cors?: Spec['cors'];
  headers?: Spec['headers'];
}

/** Everything the policies ask of one destination service, seen from one client cluster. */
export interface DestinationPlan {
  client: string;
  mesh: MeshKind;
  destination: Destination;
  groups: RouteGroup[];
  outlierDetection?: Spec['outlierDetection'];
  policies: string[];
}

/**
 * A source identity as one serving cluster will see it: what an AccessPolicy grants there, the
 * access counterpart of a ClientPlan.
 */
export interface GrantedIdentity {
  source: AccessSource;
  trustDomain: string;
  /** Namespace of the source cluster's control plane: Linkerd identities include it. */
  controlPlaneNamespace: string;
}
