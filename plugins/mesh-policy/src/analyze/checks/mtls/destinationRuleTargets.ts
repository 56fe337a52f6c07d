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
import { type EffectiveTls, effectiveTls, modesWritten } from './tlsSettings';
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
 * that write a TLS mode `wanted` accepts, so the many rules without TLS cost one test each.
 * Rules in a Linkerd cluster are skipped: Linkerd does not read them.
 */
export function* destinationRuleTargets(
  l: MtlsLookups,
  wanted: (modes: Set<string>) => boolean,
): Generator<DestinationRuleTarget> {
  const { ctx } = l;
  for (const cluster of ctx.clustersWithConfig()) {
    if (ctx.topology.meshKind(cluster) === 'linkerd') continue;
    const cfg = ctx.config(cluster);
    for (const object of cfg.ofKind('DestinationRule')) {
      const spec = specOf(object.spec);
      const host = spec?.host;
      if (!spec || typeof host !== 'string' || host === '') continue;
      if (!wanted(modesWritten(spec))) continue;
      const namespace = object.metadata.namespace ?? 'default';
      const id = `${namespace}/${object.metadata.name}`;
      for (const service of l.servicesForHost(fqdn(host, namespace))) {
        const h = serviceHost(service.namespace, service.name);
        const view = cfg.destinationRule(h, namespace);
        if (view?.id !== id) continue;
        yield { cluster, object, id, view, service, host: h };
      }
    }
  }
}

/** A workload an upstream cluster reaches, or the instance itself when discovery listed none. */
export interface Reached {
  name: string;
  mode: Workload['dataPlaneMode'];
}

/** The workloads of an instance a subset's cluster sends to (all of them without a subset). */
export function reachedWorkloads(
  l: MtlsLookups,
  cluster: string,
  instance: ServiceInstance,
  subset?: Subset,
): Reached[] {
  if (instance.workloads.length === 0) {
    const labels = l.endpointLabels(cluster, instance.selector);
    return !subset || selects(subset.labels, labels)
      ? [{ name: 'its pods', mode: instance.dataPlaneMode }]
      : [];
  }
  return instance.workloads
    .filter(
      w =>
        !subset || selects(subset.labels, l.endpointLabels(cluster, w.labels)),
    )
    .map(w => ({ name: `${w.kind} ${w.name}`, mode: w.dataPlaneMode }));
}

/**
 * The upstream clusters a sidecar builds for a service port from the rule: the default one
 * and one per subset, each with its TLS settings. Subsets that inherit the rule's settings
 * are listed too: they reach other workloads.
 */
export function upstreamClusters(
  view: DestinationRuleView,
  port: number,
): { subset?: Subset; tls: EffectiveTls }[] {
  return [
    { tls: effectiveTls(view, port) },
    ...view.subsets.map(subset => ({
      subset,
      tls: effectiveTls(view, port, subset),
    })),
  ];
}
