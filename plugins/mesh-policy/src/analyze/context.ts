import type {
  Fleet,
  FindingObject,
  MeshService,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';
import { MESHPORT_POLICY_LABEL } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../diagnostics';
import { Topology } from '../fleet/topology';
import { ClusterConfig } from '../verify/clusterConfig';
import type { ClusterObject } from '../verify/types';
import { Verifier } from '../verify/verifier';

/** An object a pull request deletes. */
export interface RemovedObject {
  kind: string;
  namespace: string;
  name: string;
}

/** What the analysis reads. */
export interface AnalysisInput {
  fleet: Fleet;
  /**
   * Per cluster: objects a pull request adds or changes. One with the kind, namespace and name
   * of a live object replaces it.
   */
  proposed?: Record<string, ClusterObject[]>;
  /** Per cluster: live objects a pull request deletes. */
  removed?: Record<string, RemovedObject[]>;
  /**
   * Observed traffic of some services. Checks that compare config with traffic run for these
   * services only; without any they are skipped and the analysis says so in its notes.
   */
  traffic?: ServiceTraffic[];
}

const objectKey = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}\u0000${namespace ?? ''}\u0000${name}`;

/** `<name>.<namespace>.svc.cluster.local`: a Kubernetes service's host as Istio names it. */
export function serviceHost(namespace: string, name: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

/**
 * Everything a check reads, built once per analysis: the fleet, each cluster's mesh config
 * (live, with a pull request's changes applied), the verifier over that config, lookups from
 * hosts to services and from services to owners. Indexes are built on first use.
 */
export class AnalysisContext {
  readonly fleet: Fleet;
  readonly topology: Topology;
  private readonly configs = new Map<string, ClusterConfig>();
  private readonly proposedKeys = new Map<string, Set<string>>();
  private readonly trafficByService = new Map<string, ServiceTraffic>();
  private verifierInstance?: Verifier;
  private hosts?: Map<string, MeshService>;
  private namespaceOwners?: Map<string, string[]>;

  constructor(private readonly input: AnalysisInput) {
    this.fleet = input.fleet;
    this.topology = new Topology(input.fleet);
    for (const t of input.traffic ?? [])
      this.trafficByService.set(`${t.service.namespace}/${t.service.name}`, t);
  }

  /** Names of the clusters whose mesh config is known (synced at least once), sorted. */
  clustersWithConfig(): string[] {
    return this.fleet.clusters
      .filter(c => c.config !== undefined || this.input.proposed?.[c.name])
      .map(c => c.name)
      .sort(compareStrings);
  }

  /** The objects of a cluster as they would be: live, then the pull request's changes. */
  objects(cluster: string): ClusterObject[] {
    return this.config(cluster).objects;
  }

  /** A cluster's objects indexed the way istiod looks them up. */
  config(cluster: string): ClusterConfig {
    let config = this.configs.get(cluster);
    if (!config) {
      config = new ClusterConfig(this.effectiveObjects(cluster));
      this.configs.set(cluster, config);
    }
    return config;
  }

  private effectiveObjects(cluster: string): ClusterObject[] {
    const live: ClusterObject[] =
      this.fleet.clusters.find(c => c.name === cluster)?.config ?? [];
    const proposed = this.input.proposed?.[cluster] ?? [];
    const removed = this.input.removed?.[cluster] ?? [];
    if (proposed.length === 0 && removed.length === 0) return live;
    const keys = new Set(
      proposed.map(o =>
        objectKey(o.kind, o.metadata.namespace, o.metadata.name),
      ),
    );
    this.proposedKeys.set(cluster, keys);
    for (const r of removed) keys.add(objectKey(r.kind, r.namespace, r.name));
    return [
      ...live.filter(
        o =>
          !keys.has(objectKey(o.kind, o.metadata.namespace, o.metadata.name)),
      ),
      ...proposed,
    ];
  }

  /** Whether the object is one the pull request adds or changes. */
  isProposed(cluster: string, object: ClusterObject): boolean {
    this.config(cluster);
    return (
      this.proposedKeys
        .get(cluster)
        ?.has(
          objectKey(
            object.kind,
            object.metadata.namespace,
            object.metadata.name,
          ),
        ) ?? false
    );
  }

  /** The verifier over every cluster's effective objects: how Istio would route and admit. */
  verifier(): Verifier {
    if (!this.verifierInstance) {
      const resources: Record<string, ClusterObject[]> = {};
      for (const c of this.fleet.clusters)
        resources[c.name] = this.objects(c.name);
      this.verifierInstance = new Verifier(this.topology, { resources });
    }
    return this.verifierInstance;
  }

  /** The mesh service a host names (`<name>.<namespace>.svc.cluster.local`), if the fleet has it. */
  serviceForHost(host: string): MeshService | undefined {
    if (!this.hosts) {
      this.hosts = new Map();
      for (const s of this.fleet.services)
        this.hosts.set(serviceHost(s.namespace, s.name), s);
    }
    return this.hosts.get(host);
  }

  /** Observed traffic of a service, when the caller of the analysis read it. */
  traffic(serviceId: string): ServiceTraffic | undefined {
    return this.trafficByService.get(serviceId);
  }

  /** Whether any traffic was given: checks that need it say so when none was. */
  hasTraffic(): boolean {
    return this.trafficByService.size > 0;
  }

  /** The catalog owner of a service, as the fleet resolved it. */
  ownersOfService(serviceId: string): string[] {
    const [namespace, name] = serviceId.split('/');
    const owner = this.topology.service(namespace, name)?.owner;
    return owner ? [owner] : [];
  }

  /**
   * Owners of the services of a namespace, for objects that name no service (a
   * namespace-wide PeerAuthentication, a Gateway).
   */
  ownersOfNamespace(namespace: string): string[] {
    if (!this.namespaceOwners) {
      const sets = new Map<string, Set<string>>();
      for (const s of this.fleet.services) {
        if (!s.owner) continue;
        const set = sets.get(s.namespace) ?? new Set<string>();
        set.add(s.owner);
        sets.set(s.namespace, set);
      }
      this.namespaceOwners = new Map(
        [...sets].map(([ns, set]) => [ns, [...set].sort(compareStrings)]),
      );
    }
    return this.namespaceOwners.get(namespace) ?? [];
  }

  /** How a finding names an object of a cluster. */
  ref(cluster: string, object: ClusterObject): FindingObject {
    const policy = object.metadata.labels?.[MESHPORT_POLICY_LABEL];
    return {
      cluster,
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      ...(policy ? { meshportPolicy: policy } : {}),
      ...(this.isProposed(cluster, object) ? { proposed: true } : {}),
    };
  }

  /** How a finding names a Kubernetes Service of a mesh service in one cluster. */
  serviceRef(cluster: string, serviceId: string): FindingObject {
    const [namespace, name] = serviceId.split('/');
    return { cluster, apiVersion: 'v1', kind: 'Service', namespace, name };
  }
}
