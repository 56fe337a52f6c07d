import type {
  MeshService,
  ServiceInstance,
  Workload,
} from '@meshport/backstage-plugin-mesh-common';
import {
  type DestinationRuleView,
  fqdn,
  type Subset,
} from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import { serviceHost } from '../../context';
import { type EffectiveTls, effectiveTls, writesMode } from './tlsSettings';
import { MtlsLookups, selects, specOf } from './lookups';

/** One service a DestinationRule of a cluster governs for the sidecars of that cluster. */
export interface DestinationRuleTarget {
  /** The cluster holding the DestinationRule: its sidecars apply it. */
  cluster: string;
  object: ClusterObject;
  /** `<namespace>/<name>` */
  id: string;
  /** The rule as the cluster's sidecars read it for this service. */
  view: DestinationRuleView;
  service: MeshService;
  host: string;
}

/**
 * Every (DestinationRule, service) pair where the rule is the one sidecars use for the service
 * — their own namespace's rule first, then the service's, then the root namespace's
 * (ClusterConfig.destinationRule, after pilot/pkg/model/push_context.go) — restricted to rules
 * that write a TLS mode `wanted` accepts, so the many rules without TLS cost one test each,
 * and to services `relevant` to the check from the rule's cluster, tested before the rule
 * lookup, so a wildcard rule over thousands of healthy services stays cheap. Rules in a
 * Linkerd cluster are skipped: Linkerd does not read them.
 */
export function* destinationRuleTargets(
  l: MtlsLookups,
  wanted: (mode: string) => boolean,
  relevant: (service: MeshService, client: string) => boolean,
): Generator<DestinationRuleTarget> {
  const { ctx } = l;
  for (const cluster of ctx.clustersWithConfig()) {
    if (ctx.topology.meshKind(cluster) === 'linkerd') continue;
    const cfg = ctx.config(cluster);
    for (const object of cfg.ofKind('DestinationRule')) {
      const spec = specOf(object.spec);
      const host = spec?.host;
      if (!spec || typeof host !== 'string' || host === '') continue;
      if (!writesMode(spec, wanted)) continue;
      const namespace = object.metadata.namespace ?? 'default';
      const id = `${namespace}/${object.metadata.name}`;
      for (const service of l.servicesForHost(fqdn(host, namespace))) {
        if (!relevant(service, cluster)) continue;
        const h = serviceHost(service.namespace, service.name);
        const view = cfg.destinationRule(h, namespace);
        if (view?.id !== id) continue;
        yield { cluster, object, id, view, service, host: h };
      }
    }
  }
}

/** What a workload (or, when discovery listed none, the instance) runs as data plane. */
export type DataPlane = Workload['dataPlaneMode'];

/**
 * Whether the upstream cluster of `subset` (the service's default cluster without one) sends
 * to a workload of the instance that `matches`: the subset's labels select the workload's
 * endpoints as istiod labels them.
 */
export function reaches(
  l: MtlsLookups,
  cluster: string,
  instance: ServiceInstance,
  subset: Subset | undefined,
  matches: (mode: DataPlane) => boolean,
): boolean {
  if (instance.workloads.length === 0)
    return (
      matches(instance.dataPlaneMode) &&
      (!subset ||
        selects(subset.labels, l.endpointLabels(cluster, instance.selector)))
    );
  return instance.workloads.some(
    w =>
      matches(w.dataPlaneMode) &&
      (!subset || selects(subset.labels, l.endpointLabels(cluster, w.labels))),
  );
}

/** The names of the workloads `reaches` would find, for a message. */
export function reachedNames(
  l: MtlsLookups,
  cluster: string,
  instance: ServiceInstance,
  subset: Subset | undefined,
  matches: (mode: DataPlane) => boolean,
): string[] {
  if (instance.workloads.length === 0)
    return reaches(l, cluster, instance, subset, matches) ? ['its pods'] : [];
  return instance.workloads
    .filter(
      w =>
        matches(w.dataPlaneMode) &&
        (!subset ||
          selects(subset.labels, l.endpointLabels(cluster, w.labels))),
    )
    .map(w => `${w.kind} ${w.name}`);
}

export type UpstreamClusters = { subset?: Subset; tls: EffectiveTls }[];

/**
 * The upstream clusters a sidecar builds for a service port from the rule: the default one
 * and one per subset, each with its TLS settings. Subsets that inherit the rule's settings
 * are listed too: they reach other workloads. Memoised per rule and port in `memo`: a
 * wildcard rule covers thousands of services with the same answer.
 */
export function upstreamClusters(
  target: DestinationRuleTarget,
  port: number,
  memo: Map<string, UpstreamClusters>,
): UpstreamClusters {
  const key = `${target.cluster}\u0000${target.id}\u0000${port}`;
  let found = memo.get(key);
  if (!found) {
    const view = target.view;
    found = [
      { tls: effectiveTls(view, port) },
      ...view.subsets.map(subset => ({
        subset,
        tls: effectiveTls(view, port, subset),
      })),
    ];
    memo.set(key, found);
  }
  return found;
}
