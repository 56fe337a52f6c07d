import {
  MeshService,
  OwnerClaim,
  resolveOwnership,
  serviceId,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import type { DiscoveredControlPlane } from './controlPlanes';
import { configRefsFor, indexMeshConfig, MeshConfigIndex } from './configRefs';
import { dominantMode } from './dataPlane';
import type {
  AggregationOptions,
  ClusterInput,
  ClusterInventory,
  EndpointSliceInfo,
  MeshConfigObject,
  NamespaceInfo,
  NodeInfo,
  PodInfo,
  ServiceInfo,
} from './inventory';
import { selectorMatches, uniqueSorted } from './labels';
import {
  effectiveIstioMtls,
  effectiveLinkerdMtls,
  linkerdPoliciesByNamespace,
  isPeerAuthentication,
  mtlsFor,
} from './mtls';
import { serviceWaypoints, waypointOf } from './waypoints';
import { groupWorkloads } from './workloads';

export const LINKERD_MIRROR_LABEL = 'mirror.linkerd.io/mirrored-service';
export const LINKERD_MIRROR_CLUSTER_LABEL = 'mirror.linkerd.io/cluster-name';

/**
 * The owner label names a Group: a Kubernetes label value cannot hold `:` or `/`, so
 * `bookinfo-team` stands for `group:default/bookinfo-team`. A value that already is an
 * entity ref (from a snapshot, say) is kept as it is.
 */
export function ownerRef(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.includes(':') ? value : `group:default/${value}`;
}

function isMirror(s: ServiceInfo): boolean {
  return s.labels[LINKERD_MIRROR_LABEL] === 'true';
}

/**
 * Lookups over one cluster's inventory, built once so that resolving each of its services
 * costs in proportion to that service, not to the size of the cluster.
 */
export interface InventoryIndex {
  /** First namespace of each name, as `Array.find` would return it. */
  namespaces: Map<string, NamespaceInfo>;
  /** Last namespace of each name, as `new Map(entries)` keeps it (workload grouping). */
  namespacesLastWins: Map<string, NamespaceInfo>;
  nodes: Map<string, NodeInfo>;
  /**
   * Pods by namespace, then by one `key=value` label, in inventory order: only the labels
   * named by `podKeys`, the keys `selectedPods` looks pods up by.
   */
  pods: Map<string, Map<string, PodInfo[]>>;
  podKeys: Set<string>;
  slices: Map<string, EndpointSliceInfo[]>;
  peerAuthentications: MeshConfigObject[];
  /** Linkerd policy objects (Servers, authorizations) by namespace. */
  linkerdPolicies: Map<string, MeshConfigObject[]>;
  meshConfig: MeshConfigIndex;
  /** `namespace/name` of the cluster's ambient waypoints for services. */
  waypoints: Set<string>;
}

/** Whether both lists hold the same objects in the same order. */
export function sameElements<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The index of `inv`. With the index of the cluster's inventory before, each part whose
 * list holds the same objects is that index's part: a pod's change re-indexes the pods only.
 */
function indexInventory(
  inv: ClusterInventory,
  previous?: { inventory: ClusterInventory; index: InventoryIndex },
): InventoryIndex {
  const same = <K extends keyof ClusterInventory>(kind: K) =>
    previous !== undefined &&
    sameElements(previous.inventory[kind] as unknown[], inv[kind] as unknown[]);
  const before = previous?.index;
  const podKeys = same('services')
    ? before!.podKeys
    : selectorKeys(inv.services);
  const sameNamespaces = same('namespaces');
  const sameConfig = same('meshConfig');
  return {
    ...(sameNamespaces
      ? {
          namespaces: before!.namespaces,
          namespacesLastWins: before!.namespacesLastWins,
        }
      : indexNamespaces(inv.namespaces)),
    nodes: same('nodes')
      ? before!.nodes
      : new Map(inv.nodes.map(n => [n.name, n])),
    pods: podsIndex(inv.pods, podKeys, same('pods'), previous),
    podKeys,
    slices: same('endpointSlices')
      ? before!.slices
      : indexSlices(inv.endpointSlices),
    ...(sameConfig
      ? {
          peerAuthentications: before!.peerAuthentications,
          linkerdPolicies: before!.linkerdPolicies,
          meshConfig: before!.meshConfig,
          waypoints: before!.waypoints,
        }
      : {
          peerAuthentications: inv.meshConfig.filter(isPeerAuthentication),
          linkerdPolicies: linkerdPoliciesByNamespace(inv.meshConfig),
          meshConfig: indexMeshConfig(inv.meshConfig),
          waypoints: serviceWaypoints(inv.meshConfig),
        }),
  };
}

function indexNamespaces(
  list: NamespaceInfo[],
): Pick<InventoryIndex, 'namespaces' | 'namespacesLastWins'> {
  const namespaces = new Map<string, NamespaceInfo>();
  for (const n of list) if (!namespaces.has(n.name)) namespaces.set(n.name, n);
  return {
    namespaces,
    namespacesLastWins: new Map(list.map(n => [n.name, n])),
  };
}

/**
 * The label keys pods are looked up by: the first key of each selector, as `selectedPods`
 * takes it. A pod carries many labels (template hashes, mesh labels…) that no selector
 * starts with; indexing only these keeps the index, which the memo holds per cluster, to a
 * fraction of its size and of its cost.
 */
function selectorKeys(services: ServiceInfo[]): Set<string> {
  const keys = new Set<string>();
  for (const s of services) {
    const first = s.selector ? Object.keys(s.selector)[0] : undefined;
    if (first !== undefined) keys.add(first);
  }
  return keys;
}

/** `key\0value` of each of `keys` the pod carries. */
function podLabelKeys(pod: PodInfo, keys: Set<string>): string[] {
  const found: string[] = [];
  for (const k of keys) {
    if (Object.hasOwn(pod.labels, k)) found.push(`${k}\u0000${pod.labels[k]}`);
  }
  return found;
}

function indexPods(list: PodInfo[], keys: Set<string>): InventoryIndex['pods'] {
  const pods = new Map<string, Map<string, PodInfo[]>>();
  for (const p of list) {
    let byLabel = pods.get(p.namespace);
    if (!byLabel) pods.set(p.namespace, (byLabel = new Map()));
    for (const key of podLabelKeys(p, keys)) {
      const found = byLabel.get(key);
      if (found) found.push(p);
      else byLabel.set(key, [p]);
    }
  }
  return pods;
}

function sameKeys(a: Set<string>, b: Set<string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const k of a) if (!b.has(k)) return false;
  return true;
}

function podsIndex(
  pods: PodInfo[],
  keys: Set<string>,
  same: boolean,
  previous?: { inventory: ClusterInventory; index: InventoryIndex },
): InventoryIndex['pods'] {
  // services that start their selectors with another key need another index
  if (!previous || !sameKeys(keys, previous.index.podKeys))
    return indexPods(pods, keys);
  if (same) return previous.index.pods;
  return patchPods(previous.inventory.pods, previous.index.pods, pods, keys);
}

/**
 * The pods index of `pods` from the index of `previous`, the same cluster's pods before a
 * change: the lists of the labels the removed and added pods carry are rebuilt, in
 * inventory order as `indexPods` keeps them, the others shared. A change of many pods
 * (a re-list after a gap) indexes afresh.
 */
function patchPods(
  previous: PodInfo[],
  index: InventoryIndex['pods'],
  pods: PodInfo[],
  keys: Set<string>,
): InventoryIndex['pods'] {
  const before = new Set(previous);
  const after = new Set(pods);
  const removed = previous.filter(p => !after.has(p));
  const added = pods.filter(p => !before.has(p));
  if ((removed.length + added.length) * 8 > pods.length)
    return indexPods(pods, keys);
  const gone = new Set(removed);
  // namespace → label key → the added pods carrying it
  const touched = new Map<string, Map<string, PodInfo[]>>();
  for (const p of [...removed, ...added]) {
    let touchedKeys = touched.get(p.namespace);
    if (!touchedKeys) touched.set(p.namespace, (touchedKeys = new Map()));
    for (const key of podLabelKeys(p, keys)) {
      const list = touchedKeys.get(key) ?? [];
      if (!gone.has(p)) list.push(p);
      touchedKeys.set(key, list);
    }
  }
  const position = new Map(pods.map((p, i) => [p, i]));
  const patched = new Map(index);
  for (const [namespace, touchedKeys] of touched) {
    const byLabel = new Map(index.get(namespace));
    for (const [key, joining] of touchedKeys) {
      const list = (byLabel.get(key) ?? [])
        .filter(p => !gone.has(p))
        .concat(joining)
        .sort((a, b) => position.get(a)! - position.get(b)!);
      if (list.length > 0) byLabel.set(key, list);
      else byLabel.delete(key);
    }
    patched.set(namespace, byLabel);
  }
  return patched;
}

function indexSlices(list: EndpointSliceInfo[]): InventoryIndex['slices'] {
  const slices = new Map<string, EndpointSliceInfo[]>();
  for (const s of list) {
    const key = `${s.namespace}\u0000${s.serviceName}`;
    const found = slices.get(key);
    if (found) found.push(s);
    else slices.set(key, [s]);
  }
  return slices;
}

/** The namespace's pods that carry every label of the selector; an empty selector selects none. */
function selectedPods(
  index: InventoryIndex,
  namespace: string,
  selector: Record<string, string> | undefined,
): PodInfo[] {
  const first = Object.entries(selector ?? {})[0];
  if (!first) return [];
  const candidates =
    index.pods.get(namespace)?.get(`${first[0]}\u0000${first[1]}`) ?? [];
  return candidates.filter(p => selectorMatches(selector, p.labels));
}

function endpointsOf(
  index: InventoryIndex,
  service: ServiceInfo,
  pods: PodInfo[],
): { ready: number; total: number } {
  const slices =
    index.slices.get(`${service.namespace}\u0000${service.name}`) ?? [];
  if (slices.length === 0) {
    // snapshots and older readers may lack slices; the selected pods tell the same story
    return { ready: pods.filter(p => p.ready).length, total: pods.length };
  }
  const byKey = new Map<string, boolean>();
  for (const endpoint of slices.flatMap(s => s.endpoints)) {
    // dual-stack services list each pod once per address family
    byKey.set(
      endpoint.key,
      (byKey.get(endpoint.key) ?? false) || endpoint.ready,
    );
  }
  const values = [...byKey.values()];
  return { ready: values.filter(Boolean).length, total: values.length };
}

/** An instance without what the cluster's sync state decides: what depends on the inventory alone. */
export type InstanceFromInventory = Omit<ServiceInstance, 'cluster' | 'stale'>;

function instanceOf(
  inv: ClusterInventory,
  index: InventoryIndex,
  service: ServiceInfo,
  pods: PodInfo[],
  controlPlanes: DiscoveredControlPlane[],
  options: AggregationOptions,
): InstanceFromInventory {
  const workloads = groupWorkloads(
    inv,
    pods,
    controlPlanes,
    index.namespacesLastWins,
  );
  const mode = dominantMode(workloads.map(w => w.dataPlaneMode));
  const nodes = index.nodes;
  const localities = uniqueSorted(
    pods
      .map(p => (p.nodeName ? nodes.get(p.nodeName) : undefined))
      .filter(n => n?.region || n?.zone)
      .map(n => `${n?.region ?? ''}/${n?.zone ?? ''}`),
  );
  const subsets: Record<string, string[]> = {};
  for (const label of options.subsetLabels) {
    const values = uniqueSorted(
      pods.map(p => p.labels[label]).filter((v): v is string => !!v),
    );
    if (values.length > 0) subsets[label] = values;
  }
  const istio = controlPlanes.find(cp => cp.kind === 'istio');
  const linkerd = controlPlanes.find(cp => cp.kind === 'linkerd');
  const rootNamespace = istio?.rootNamespace ?? 'istio-system';
  const namespace = index.namespaces.get(service.namespace);
  const podLabels = pods.map(p => p.labels);
  const mtls = mtlsFor(
    mode,
    () =>
      effectiveIstioMtls({
        peerAuthentications: index.peerAuthentications,
        rootNamespace,
        namespace: service.namespace,
        podLabels,
        podPorts: pods.map(p => p.containerPorts ?? {}),
        ports: service.ports,
      }),
    () =>
      effectiveLinkerdMtls({
        namespace: service.namespace,
        podAnnotations: pods.map(p => p.annotations),
        namespaceAnnotations: namespace?.annotations ?? {},
        clusterDefault: linkerd?.defaultInboundPolicy,
        policies: index.linkerdPolicies.get(service.namespace),
        podLabels,
        podPorts: pods.map(p => p.containerPorts ?? {}),
        ports: service.ports,
      }),
  );
  const waypoint = waypointOf(service, namespace, index.waypoints);
  return {
    labels: service.labels,
    ports: service.ports.map(p => ({ ...p })),
    selector: service.selector ?? {},
    endpoints: endpointsOf(index, service, pods),
    subsets,
    workloads,
    identities: uniqueSorted(
      workloads.filter(w => w.dataPlaneMode !== 'none').map(w => w.identity),
    ),
    dataPlaneMode: mode,
    localities,
    mtls,
    config: configRefsFor({
      service,
      podLabels,
      objects: inv.meshConfig,
      rootNamespace,
      index: index.meshConfig,
    }),
    ...(waypoint ? { waypoint } : {}),
  };
}

/** One service of an inventory with its instance: the same object while neither changed. */
export interface ServiceContribution {
  service: ServiceInfo;
  instance: InstanceFromInventory;
}

/** What one inventory's services contribute as instances, whatever the rest of the fleet holds. */
export interface InventoryInstances {
  /** First namespace of each name, for the owner label a namespace carries. */
  namespaces: Map<string, NamespaceInfo>;
  /** Each service of the inventory that is a logical service here, with its instance. */
  services: ServiceContribution[];
  /** The inventory's Linkerd mirrors, which mark the instances they mirror. */
  mirrors: ServiceInfo[];
}

/**
 * What one service's instance was derived from, besides the cluster-wide inputs (control
 * planes, mesh config, options): an instance is reused while every one of these is the
 * same object as when it was derived.
 */
export type ServiceInputs = ReadonlyArray<object | undefined>;

/** Each service's contribution with the inputs it was derived from, keyed by the ServiceInfo. */
export type DerivedServices = Map<
  ServiceInfo,
  { inputs: ServiceInputs; contribution: ServiceContribution }
>;

/**
 * The objects of the inventory one service's instance reads, in a fixed order: the
 * service, its namespace (first and last of the name), each pod its selector picks with
 * the node it runs on, its EndpointSlices. Pods, nodes and slices are distinct objects, so
 * two equal lists hold the same of each.
 */
function serviceInputs(
  index: InventoryIndex,
  service: ServiceInfo,
  pods: PodInfo[],
): ServiceInputs {
  const slices =
    index.slices.get(`${service.namespace}\u0000${service.name}`) ?? [];
  const inputs: Array<object | undefined> = [
    service,
    index.namespaces.get(service.namespace),
    index.namespacesLastWins.get(service.namespace),
  ];
  for (const pod of pods) {
    inputs.push(pod, pod.nodeName ? index.nodes.get(pod.nodeName) : undefined);
  }
  for (const slice of slices) inputs.push(slice);
  return inputs;
}

/**
 * The namespaces whose objects a service's inputs may hold (see `serviceInputs`: the
 * service, its namespace, its pods, its slices) and that differ, by object, between the two
 * inventories; undefined when any namespace may (a node changed, and pods of every
 * namespace run on nodes). A service elsewhere has the inputs it had.
 */
function changedNamespaces(
  before: ClusterInventory,
  after: ClusterInventory,
): Set<string> | undefined {
  if (!sameElements(before.nodes, after.nodes)) return undefined;
  const names = new Set<string>();
  const differing = <T>(
    a: readonly T[],
    b: readonly T[],
    of: (o: T) => string,
  ) => {
    if (sameElements(a, b)) return;
    const kept = new Set(a);
    for (const o of b) if (!kept.delete(o)) names.add(of(o));
    for (const o of kept) names.add(of(o));
  };
  differing(before.services, after.services, o => o.namespace);
  differing(before.pods, after.pods, o => o.namespace);
  differing(before.endpointSlices, after.endpointSlices, o => o.namespace);
  differing(before.namespaces, after.namespaces, o => o.name);
  return names;
}

function sameInputs(a: ServiceInputs, b: ServiceInputs): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Computes what each service of one inventory contributes as an instance, with the index of
 * the inventory it looked them up in.
 *
 * With `previous` — what the same cluster's last inventory gave with the same control
 * planes, mesh config and options — a service whose inputs are all the same objects keeps
 * its contribution, so a watched change costs the services it touches. `derived` is what
 * the next call takes as `previous`.
 */
export function instancesOf(
  inv: ClusterInventory,
  controlPlanes: DiscoveredControlPlane[],
  options: AggregationOptions,
  previous?: {
    inventory: ClusterInventory;
    index: InventoryIndex;
    /** Absent when what every service reads changed: then each is derived again. */
    services?: DerivedServices;
  },
): InventoryInstances & { derived: DerivedServices; index: InventoryIndex } {
  const excluded = new Set(options.excludeNamespaces);
  const index = indexInventory(inv, previous);
  // a watched change touches a namespace or two: the others' services keep theirs unlooked
  const changed =
    previous?.services && changedNamespaces(previous.inventory, inv);
  const services: ServiceContribution[] = [];
  const derived: DerivedServices = new Map();
  const mirrors: ServiceInfo[] = [];
  for (const service of inv.services) {
    if (isMirror(service)) {
      mirrors.push(service);
      continue;
    }
    if (excluded.has(service.namespace)) continue;
    const unchanged =
      changed && !changed.has(service.namespace)
        ? previous!.services!.get(service)
        : undefined;
    if (unchanged) {
      services.push(unchanged.contribution);
      derived.set(service, unchanged);
      continue;
    }
    const pods = service.selector
      ? selectedPods(index, service.namespace, service.selector)
      : [];
    const inputs = serviceInputs(index, service, pods);
    const known = previous?.services?.get(service);
    const contribution =
      known && sameInputs(known.inputs, inputs)
        ? known.contribution
        : {
            service,
            instance: instanceOf(
              inv,
              index,
              service,
              pods,
              controlPlanes,
              options,
            ),
          };
    services.push(contribution);
    derived.set(service, { inputs, contribution });
  }
  return { namespaces: index.namespaces, services, mirrors, derived, index };
}

/** One cluster's contribution to a logical service, as a build used it. */
interface Part {
  cluster: string;
  stale: boolean;
  contribution: ServiceContribution;
}

/** What a cluster gave the last build: a build need not look again at an unchanged one. */
interface ClusterPart {
  instances: InventoryInstances;
  stale: boolean;
}

/**
 * The services of the last build, kept so the next one builds again only the services of
 * the clusters whose contributions changed, and reuses each of those whose parts are the
 * same: the same clusters' contributions (same objects), equally stale.
 */
export interface ServicesMemo {
  options: AggregationOptions;
  clusters: Map<string, ClusterPart>;
  byId: Map<string, { parts: Part[]; service: MeshService }>;
  /** The services in id order, and the position of each id. */
  services: MeshService[];
  positions: Map<string, number>;
  /** Ids of the services a Linkerd mirror marked: never reused, their marks may go. */
  mirrored: Set<string>;
}

function sameParts(a: Part[], b: Part[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (
      a[i].contribution !== b[i].contribution ||
      a[i].cluster !== b[i].cluster ||
      a[i].stale !== b[i].stale
    )
      return false;
  }
  return true;
}

const idOf = (s: ServiceInfo) => serviceId(s.namespace, s.name);

/**
 * The ids of the contributions one list holds and the other does not (by object): what a
 * cluster's change touched, when the memo kept the objects of what it did not.
 */
function changedIds(
  before: readonly ServiceContribution[],
  after: readonly ServiceContribution[],
): Set<string> {
  const ids = new Set<string>();
  const kept = new Set(before);
  for (const contribution of after)
    if (!kept.delete(contribution)) ids.add(idOf(contribution.service));
  for (const gone of kept) ids.add(idOf(gone.service));
  return ids;
}

/**
 * One logical service per namespace/name across clusters (Istio's namespace sameness),
 * with one instance per cluster that runs it. Linkerd mirrors are not services of their own:
 * they mark the instance they mirror as reachable from the mirroring cluster.
 *
 * With `previous`, the last build's services: only the ids whose contribution changed
 * (another object: a watched change touches a few; every id of a cluster that came, went
 * or turned stale or fresh) are looked at again, a service whose parts are unchanged is
 * that build's object, and the order is kept when no service came or went. After a
 * watched change a build costs the services that changed. A mirrored
 * service is always built again (its mark comes from other clusters). The result is equal
 * to a build without `previous`. `previous` is used up: its map is updated in place.
 */
export function buildServices(
  clusters: Array<{ cluster: ClusterInput; instances?: InventoryInstances }>,
  resolveClusterId: (id: string) => string | undefined,
  options: AggregationOptions,
  previous?: ServicesMemo,
): { services: MeshService[]; memo: ServicesMemo } {
  const sorted = [...clusters].sort((a, b) =>
    a.cluster.name.localeCompare(b.cluster.name),
  );
  const order = new Map(sorted.map(({ cluster }, i) => [cluster.name, i]));
  const current = new Map<string, ClusterPart>();
  for (const { cluster, instances } of sorted)
    if (instances)
      current.set(cluster.name, {
        instances,
        stale: cluster.sync.state === 'stale',
      });
  const namespaceOf = (cluster: string, namespace: string) =>
    current.get(cluster)?.instances.namespaces.get(namespace);

  const mirrors: Array<{ id: string; target: string; from: string }> = [];
  for (const [name, { instances }] of current) {
    for (const mirror of instances.mirrors) {
      const target = mirror.labels[LINKERD_MIRROR_CLUSTER_LABEL];
      const targetCluster = target ? resolveClusterId(target) : undefined;
      if (!target || !targetCluster || !mirror.name.endsWith(`-${target}`)) {
        continue;
      }
      mirrors.push({
        id: serviceId(
          mirror.namespace,
          mirror.name.slice(0, -(target.length + 1)),
        ),
        target: targetCluster,
        from: name,
      });
    }
  }
  const mirrored = new Set(mirrors.map(m => m.id));

  const usable = previous?.options === options ? previous : undefined;
  // The clusters whose parts differ from the last build's, each with the ids whose part
  // changed: after a watched change, the few services whose contribution is a new object
  // (the memo keeps the others' objects); every id the cluster gives or gave when it
  // came, went or turned stale or fresh.
  const changed = new Map<string, Set<string>>();
  for (const [name, part] of current) {
    const before = usable?.clusters.get(name);
    if (before?.instances === part.instances && before.stale === part.stale)
      continue;
    changed.set(
      name,
      before && before.stale === part.stale
        ? changedIds(before.instances.services, part.instances.services)
        : new Set([
            ...(before?.instances.services ?? []).map(c => idOf(c.service)),
            ...part.instances.services.map(c => idOf(c.service)),
          ]),
    );
  }
  for (const [name, before] of usable?.clusters ?? [])
    if (!current.has(name))
      changed.set(
        name,
        new Set(before.instances.services.map(c => idOf(c.service))),
      );
  const joining = new Map<string, Part[]>();
  for (const [name, ids] of changed) {
    const part = current.get(name);
    for (const contribution of part?.instances.services ?? []) {
      const id = idOf(contribution.service);
      if (!ids.has(id)) continue;
      const list = joining.get(id) ?? [];
      list.push({ cluster: name, stale: part!.stale, contribution });
      joining.set(id, list);
    }
  }
  const affected = new Set([
    ...joining.keys(),
    ...mirrored,
    ...(usable?.mirrored ?? []),
  ]);
  for (const ids of changed.values()) for (const id of ids) affected.add(id);
  /** Whether this cluster's part of this id is another than the last build's. */
  const replaced = (cluster: string, id: string) =>
    changed.get(cluster)?.has(id) ?? false;

  // the last build's map, updated in place: its owner gave it up for this build (see
  // buildFleet), and a copy of 50,000 entries per watched change was megabytes a second
  // for the collector. Each id below reads its entry before it replaces it.
  const byId: ServicesMemo['byId'] = usable ? usable.byId : new Map();
  const ids = usable ? affected : new Set(joining.keys());
  const built = new Map<string, MeshService>();
  for (const id of ids) {
    const parts = [
      ...(usable?.byId.get(id)?.parts ?? []).filter(
        p => !replaced(p.cluster, id),
      ),
      ...(joining.get(id) ?? []),
    ].sort((a, b) => order.get(a.cluster)! - order.get(b.cluster)!);
    if (parts.length === 0) {
      byId.delete(id);
      continue;
    }
    const known = usable?.byId.get(id);
    if (
      known &&
      !mirrored.has(id) &&
      !usable!.mirrored.has(id) &&
      sameParts(known.parts, parts)
    ) {
      byId.set(id, known);
      continue;
    }
    const service = buildService(id, parts, namespaceOf, options);
    byId.set(id, { parts, service });
    built.set(id, service);
  }

  for (const { id, target, from } of mirrors) {
    const instance = byId
      .get(id)
      ?.service.instances.find(i => i.cluster === target);
    if (instance) {
      instance.mirroredIn = uniqueSorted([
        ...(instance.mirroredIn ?? []),
        from,
      ]);
    }
  }

  // the same services as last time: their order is known, without sorting 50,000 ids again
  const sameIds =
    usable !== undefined &&
    usable.services.length === byId.size &&
    [...affected].every(id => byId.has(id) === usable.positions.has(id));
  let services: MeshService[];
  let positions: Map<string, number>;
  if (sameIds) {
    services = usable.services.slice();
    for (const [id, service] of built)
      services[usable.positions.get(id)!] = service;
    positions = usable.positions;
  } else {
    services = [...byId.values()]
      .map(e => e.service)
      .sort((a, b) => a.id.localeCompare(b.id));
    positions = new Map(services.map((s, i) => [s.id, i]));
  }
  return {
    services,
    memo: { options, clusters: current, byId, services, positions, mirrored },
  };
}

/** One logical service from its parts, in cluster order. */
function buildService(
  id: string,
  parts: Part[],
  namespaceOf: (
    cluster: string,
    namespace: string,
  ) => NamespaceInfo | undefined,
  options: AggregationOptions,
): MeshService {
  const { service: first } = parts[0].contribution;
  const entry: MeshService = {
    id,
    namespace: first.namespace,
    name: first.name,
    // a fresh instance object per build: the mirror pass sets mirroredIn on it
    instances: parts.map(({ cluster, stale, contribution }) => ({
      cluster,
      stale,
      ...contribution.instance,
    })),
  };
  const claims = parts.flatMap(({ cluster, contribution: { service } }) => {
    const claim = labelClaim(
      service,
      namespaceOf(cluster, service.namespace),
      cluster,
      options.ownerLabel,
    );
    return claim ? [claim] : [];
  });
  const ownership = resolveOwnership({
    configured: options.owners?.[id] ?? options.owners?.[entry.namespace],
    labels: claims,
  });
  if (ownership.owner) entry.owner = ownership.owner;
  entry.ownership = ownership;
  return entry;
}

/** What one cluster says about the owner: the Service's label, else its namespace's. */
function labelClaim(
  service: ServiceInfo,
  namespace: NamespaceInfo | undefined,
  cluster: string,
  label: string,
): OwnerClaim | undefined {
  const onService = ownerRef(service.labels[label]);
  if (onService) return { owner: onService, from: 'service-label', cluster };
  const onNamespace = ownerRef(namespace?.labels[label]);
  return onNamespace
    ? { owner: onNamespace, from: 'namespace-label', cluster }
    : undefined;
}
