import type { Fleet, MeshKind } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from './diagnostics';
import type { DestinationPlan } from './plan/types';

/** Two policies, or a policy and hand-written config, that cannot both take effect. */
export interface Conflict {
  kind: 'field' | 'existing-config' | 'hostname';
  /** Refs (`<kind>.<namespace>.<name>`) of the policies involved, sorted. */
  policies: string[];
  /** The contested field, for `field` conflicts. */
  field?: string;
  /** The hand-written object, for `existing-config` conflicts: `<Kind> <namespace>/<name>`. */
  existing?: string;
  clusters: string[];
  message: string;
}

/** Kinds that own a host's routing: a second, hand-written one would fight ours. */
const EXCLUSIVE_KINDS: Record<string, MeshKind> = {
  VirtualService: 'istio',
  DestinationRule: 'istio',
  HTTPRoute: 'linkerd',
};

/**
 * Hand-written routing config already attached to a service in a client cluster. We never
 * overwrite it: the policy is refused until someone removes it or adopts it into a policy.
 */
export function findExistingConfig(
  destinations: DestinationPlan[],
  fleet: Fleet,
): Conflict[] {
  const out: Conflict[] = [];
  for (const dp of destinations) {
    const service = fleet.services.find(
      s =>
        s.namespace === dp.destination.namespace &&
        s.name === dp.destination.service,
    );
    const instance = service?.instances.find(i => i.cluster === dp.client);
    const refs = (instance?.config ?? [])
      .filter(c => !c.meshportPolicy && EXCLUSIVE_KINDS[c.kind] === dp.mesh)
      .filter(
        c =>
          c.kind !== 'DestinationRule' ||
          dp.outlierDetection ||
          dp.groups.some(g =>
            g.route?.some(t => t.cluster || Object.keys(t.subset).length > 0),
          ),
      );
    for (const c of refs) {
      const existing = `${c.kind} ${c.namespace}/${c.name}`;
      out.push({
        kind: 'existing-config',
        policies: dp.policies,
        existing,
        clusters: [dp.client],
        message: `hand-written ${existing} in ${dp.client} already configures ${dp.destination.service}.${dp.destination.namespace}: Meshport will not overwrite it; delete it or move its settings into a policy, then render again`,
      });
    }
  }
  return out.sort((a, b) => compareStrings(a.message, b.message));
}
