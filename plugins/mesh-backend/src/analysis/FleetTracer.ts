import type {
  Fleet,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import {
  Verifier,
  type ClusterObject,
  type Trace,
} from '@meshport/backstage-plugin-mesh-policy';
import type { TraceQuery } from './traceQuery';

/** Why a trace cannot be asked: a caller that does not exist. */
export class UnknownCaller extends Error {}

interface Prepared {
  fleet: Fleet;
  verifier: Verifier;
  /** Per cluster: the namespaces known to exist there. */
  namespaces: Map<string, Set<string>>;
}

/**
 * "Where does this request go?": the verifier over every cluster's live config, built once
 * per published fleet (the latest one kept) and shared by every trace of that fleet, so its
 * per-cluster indexes and endpoint lookups are computed once.
 */
export class FleetTracer {
  private latest?: Prepared;

  trace(fleet: Fleet, destination: MeshService, query: TraceQuery): Trace {
    const { verifier, namespaces } = this.prepared(fleet);
    const clusterNamespaces = namespaces.get(query.fromCluster);
    if (!clusterNamespaces)
      throw new UnknownCaller(
        `fromCluster ${
          query.fromCluster
        } is not a cluster of the fleet; known clusters: ${[
          ...namespaces.keys(),
        ].join(', ')}`,
      );
    if (!clusterNamespaces.has(query.fromNamespace))
      throw new UnknownCaller(
        `fromNamespace ${query.fromNamespace} holds no mesh service, control plane or mesh config in cluster ${query.fromCluster}; check the namespace`,
      );
    const instance =
      destination.instances.find(i => i.cluster === query.fromCluster) ??
      destination.instances[0];
    const port = query.port ?? instance?.ports[0]?.port;
    if (port === undefined)
      throw new UnknownCaller(
        `service ${destination.id} declares no port; give port=`,
      );
    return verifier.trace({
      from: {
        cluster: query.fromCluster,
        namespace: query.fromNamespace,
        ...(query.fromServiceAccount
          ? { serviceAccount: query.fromServiceAccount }
          : {}),
        ...(query.fromLabels ? { labels: query.fromLabels } : {}),
      },
      host: `${destination.name}.${destination.namespace}.svc.cluster.local`,
      port,
      ...(query.path ? { path: query.path } : {}),
      ...(query.method ? { method: query.method } : {}),
    });
  }

  private prepared(fleet: Fleet): Prepared {
    if (this.latest?.fleet === fleet) return this.latest;
    const resources: Record<string, ClusterObject[]> = {};
    const namespaces = new Map<string, Set<string>>();
    for (const cluster of fleet.clusters) {
      // a cluster whose config is unknown is traced as holding none; the trace says what it finds
      resources[cluster.name] = cluster.config ?? [];
      namespaces.set(
        cluster.name,
        new Set([
          ...cluster.controlPlanes.map(c => c.namespace),
          ...(cluster.config ?? []).map(o => o.metadata.namespace),
        ]),
      );
    }
    for (const service of fleet.services)
      for (const instance of service.instances)
        namespaces.get(instance.cluster)?.add(service.namespace);
    this.latest = {
      fleet,
      verifier: new Verifier(fleet, { resources }),
      namespaces,
    };
    return this.latest;
  }
}
