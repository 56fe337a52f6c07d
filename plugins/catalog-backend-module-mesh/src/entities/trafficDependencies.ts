import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { ServiceDependencies } from '@meshport/backstage-plugin-mesh-common';
import { MESH_SERVICE_ANNOTATION } from './annotations';

/** A caller → callee pair of mesh services: `<ns>/<caller>` and `<ns>/<callee>`. */
export type ServicePairKey = string;

export function pairKey(from: string, to: string): ServicePairKey {
  return `${from}\u0000${to}`;
}

export function splitPair(key: ServicePairKey): [string, string] {
  const [from, to] = key.split('\u0000');
  return [from, to];
}

export interface TrafficDependencyOptions {
  /** A pair becomes a relation at this rate (requests plus connections per second). */
  minRequestsPerSecond: number;
}

/**
 * Which caller → callee relations the catalog should hold, given what it holds now
 * (`present`, read back from the published entities: the catalog is the memory, across
 * restarts and replicas) and the traffic source's latest answer over its window.
 *
 * - A pair becomes a relation when its rate reaches the minimum and every cluster it was
 *   seen between answered `ok`: no relation is derived from a stale or failing source.
 * - A relation stays while any traffic of it is seen in the window (hysteresis: a lower
 *   bar to stay than to appear, so a pair hovering near the minimum does not flap).
 * - While the answer is partial (some cluster's metrics unreadable) or missing, relations
 *   not seen are kept: their traffic may be in the cluster that could not be read. They go
 *   once a complete answer shows a window without their traffic.
 */
export function nextDependencies(
  present: ReadonlySet<ServicePairKey>,
  answer: ServiceDependencies | undefined,
  options: TrafficDependencyOptions,
): Set<ServicePairKey> {
  if (!answer || answer.source === 'none') return new Set(present);
  const ok = new Set(
    answer.clusters.filter(c => c.state === 'ok').map(c => c.cluster),
  );
  const complete =
    !answer.partial && answer.clusters.every(c => c.state === 'ok');
  const next = new Set<ServicePairKey>();
  const seen = new Set<ServicePairKey>();
  for (const d of answer.dependencies) {
    const key = pairKey(
      `${d.from.namespace}/${d.from.name}`,
      `${d.to.namespace}/${d.to.name}`,
    );
    const [from, to] = splitPair(key);
    if (from === to) continue; // a service calling itself is no relation
    const rate = d.requestsPerSecond + d.connectionsPerSecond;
    if (rate <= 0) continue;
    seen.add(key);
    const trusted =
      d.clusterPairs.length > 0 &&
      d.clusterPairs.every(p => ok.has(p.from) && ok.has(p.to));
    if (present.has(key) || (trusted && rate >= options.minRequestsPerSecond))
      next.add(key);
  }
  if (!complete) for (const key of present) if (!seen.has(key)) next.add(key);
  return next;
}

/**
 * The caller → callee relations the catalog holds now, read back from the Components this
 * provider published (`spec.dependsOn`, and `spec.dependencyOf` where the caller is a claimed
 * service's hand-written entity). Relations to clusters and meshes are not pairs and are skipped.
 */
export function presentDependencies(
  published: Entity[],
  claimRefs: ReadonlyMap<string, string>,
): Set<ServicePairKey> {
  const serviceOfRef = new Map<string, string>();
  for (const [service, ref] of claimRefs) serviceOfRef.set(ref, service);
  for (const entity of published) {
    const service = entity.metadata.annotations?.[MESH_SERVICE_ANNOTATION];
    if (entity.kind === 'Component' && service)
      serviceOfRef.set(stringifyEntityRef(entity), service);
  }
  const refs = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : [];
  const present = new Set<ServicePairKey>();
  for (const entity of published) {
    const service = entity.metadata.annotations?.[MESH_SERVICE_ANNOTATION];
    if (entity.kind !== 'Component' || !service) continue;
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    for (const ref of refs(spec.dependsOn)) {
      const callee = serviceOfRef.get(ref);
      if (callee) present.add(pairKey(service, callee));
    }
    for (const ref of refs(spec.dependencyOf)) {
      const caller = serviceOfRef.get(ref);
      if (caller) present.add(pairKey(caller, service));
    }
  }
  return present;
}
