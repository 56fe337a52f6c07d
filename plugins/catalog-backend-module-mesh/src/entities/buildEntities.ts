import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MESH_CLUSTERS_ANNOTATION,
  MESH_CLUSTER_ANNOTATION,
  MESH_DATA_PLANE_MODE_ANNOTATION,
  MESH_ID_ANNOTATION,
  MESH_KIND_ANNOTATION,
  MESH_LAST_SYNC_ANNOTATION,
  MESH_OWNERSHIP_CONFLICT_ANNOTATION,
  MESH_SERVICE_ANNOTATION,
  MESH_STALE_ANNOTATION,
  MESH_STALE_REASON_ANNOTATION,
  MESH_SYNC_STATE_ANNOTATION,
  joinList,
} from './annotations';
import { assignNames } from './entityNames';
import {
  ClusterView,
  FleetView,
  MeshView,
  ServiceView,
  serviceKey,
} from './fleetView';
import { policyEntity, retainedPolicyEntity } from './policyEntities';
import { CurrentPolicy, PoliciesView, RetainedPolicy } from './policiesView';
import { normalizeOwner, resolveOwner } from './resolveOwner';
import { ServicePairKey, splitPair } from './trafficDependencies';
import { describeClusterStaleness } from './staleness';

export interface BuildEntitiesOptions {
  /** Owner of clusters and meshes, and of services the mesh resolves no owner for. */
  defaultOwner: string;
  /** Location ref written to `backstage.io/managed-by(-origin)-location`. */
  locationRef: string;
  /** Backstage namespace of every entity. */
  namespace: string;
  /** Kubernetes namespaces whose services are not published. */
  excludeNamespaces: string[];
  /** Publish Components for services at all. */
  components: boolean;
  /** `app.baseUrl`, for links to the fleet page; no links without it. */
  appBaseUrl?: string;
  /** `<namespace>/<name>` of services a hand-written entity claims, and the claim counts. */
  claimedServices: Set<string>;
  /** The entity standing for each claimed service: where relations to it point. */
  claimRefs?: ReadonlyMap<string, string>;
  /** Caller → callee pairs seen in traffic (`trafficDependencies.ts`): `dependsOn` relations. */
  dependencies?: ReadonlySet<ServicePairKey>;
  /** Policies to publish as `mesh-policy` Resources (`policiesView.ts`). */
  policies?: PoliciesView;
}

const CLUSTER_TYPE = 'kubernetes-cluster';
const MESH_TYPE = 'service-mesh';
const SERVICE_TYPE = 'service';
/** Discovered services are running, so they are in production by definition. */
const LIFECYCLE = 'production';

const clusterNameKey = (name: string) => `cluster:${name}`;
const meshNameKey = (id: string) => `mesh:${id}`;
const policyNameKey = (key: string) => `policy:${key}`;

/**
 * Turns a fleet view into catalog entities. Pure: the same view and options
 * give the same entities in the same order, so refreshes don't churn.
 */
export function buildEntities(
  view: FleetView,
  options: BuildEntitiesOptions,
): Entity[] {
  const clusters = [...view.clusters].sort(byKey(c => c.name));
  const meshes = [...view.meshes].sort(byKey(m => m.id));
  const excluded = new Set(options.excludeNamespaces);
  const services = options.components
    ? view.services
        .filter(s => !excluded.has(s.namespace))
        .filter(s => !options.claimedServices.has(serviceKey(s)))
        .filter(s => s.placements.length > 0)
        .sort(byKey(serviceKey))
    : [];

  const policies: PolicySource[] = [
    ...(options.policies?.current ?? []).map(current => ({
      key: current.key,
      preferred: current.policy.ref,
      current,
    })),
    // A kept entity asks for the name it has, so it keeps it.
    ...(options.policies?.retained ?? []).map(retained => ({
      key: retained.key,
      preferred: retained.entity.metadata.name,
      retained,
    })),
  ].sort(byKey(p => p.key));

  // Clusters, meshes and policies are all Resources in one namespace, so they
  // share a name space; clusters come first and keep their plain names on a
  // clash, then meshes. A policy's preferred name is its ref, the value of the
  // label on what it renders.
  const resourceNames = assignNames([
    ...clusters.map(c => ({ key: clusterNameKey(c.name), preferred: c.name })),
    ...meshes.map(m => ({ key: meshNameKey(m.id), preferred: m.id })),
    ...policies.map(p => ({
      key: policyNameKey(p.key),
      preferred: p.preferred,
    })),
  ]);
  // `<name>.<namespace>`, the mesh's own short host name: Kubernetes names
  // never contain dots, so two services can only clash if names are mangled.
  const componentNames = assignNames(
    services.map(s => ({
      key: serviceKey(s),
      preferred: `${s.name}.${s.namespace}`,
    })),
  );

  const componentRef = (key: string): string | undefined =>
    componentNames.has(key)
      ? stringifyEntityRef({
          kind: 'Component',
          namespace: options.namespace,
          name: componentNames.get(key)!,
        })
      : options.claimRefs?.get(key);
  // A generated caller lists its callees; a claimed caller's hand-written entity is not
  // ours to change, so its generated callees name it instead (the catalog draws the same edge).
  const dependsOn = new Map<string, string[]>();
  const dependencyOf = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, ref: string) =>
    map.set(key, [...(map.get(key) ?? []), ref]);
  for (const pair of [...(options.dependencies ?? [])].sort()) {
    const [from, to] = splitPair(pair);
    const fromRef = componentRef(from);
    const toRef = componentRef(to);
    if (!fromRef || !toRef) continue;
    if (componentNames.has(from)) add(dependsOn, from, toRef);
    else if (componentNames.has(to)) add(dependencyOf, to, fromRef);
  }

  const owners = new Map(
    view.services.map(s => [
      serviceKey(s),
      s.owner && !s.ownershipConflict ? normalizeOwner(s.owner) : undefined,
    ]),
  );
  const policyContext = {
    namespace: options.namespace,
    locationRef: options.locationRef,
    defaultOwner: options.defaultOwner,
    serviceRef: componentRef,
    serviceOwner: (key: string) => owners.get(key),
  };

  const context: Context = {
    options,
    dependsOn: key => dependsOn.get(key) ?? [],
    dependencyOf: key => dependencyOf.get(key) ?? [],
    clusterState: new Map(clusters.map(c => [c.name, c])),
    resourceRef: key =>
      stringifyEntityRef({
        kind: 'Resource',
        namespace: options.namespace,
        name: resourceNames.get(key)!,
      }),
    knownResource: key => resourceNames.has(key),
  };

  return [
    ...clusters.map(c =>
      clusterEntity(c, resourceNames.get(clusterNameKey(c.name))!, context),
    ),
    ...meshes.map(m =>
      meshEntity(m, resourceNames.get(meshNameKey(m.id))!, context),
    ),
    ...services.map(s =>
      serviceEntity(s, componentNames.get(serviceKey(s))!, meshes, context),
    ),
    ...policies.map(p => {
      const name = resourceNames.get(policyNameKey(p.key))!;
      return p.current
        ? policyEntity(p.current, name, policyContext)
        : retainedPolicyEntity(p.retained, name);
    }),
  ];
}

/** A policy entity to publish: from this refresh's answer, or kept from an earlier one. */
type PolicySource = { key: string; preferred: string } & (
  | { current: CurrentPolicy; retained?: undefined }
  | { current?: undefined; retained: RetainedPolicy }
);

interface Context {
  options: BuildEntitiesOptions;
  /** Components this service calls, from traffic. */
  dependsOn(serviceKey: string): string[];
  /** Hand-written entities of claimed services that call this one, from traffic. */
  dependencyOf(serviceKey: string): string[];
  clusterState: Map<string, ClusterView>;
  resourceRef(key: string): string;
  knownResource(key: string): boolean;
}

function byKey<T>(key: (t: T) => string) {
  return (a: T, b: T) => key(a).localeCompare(key(b));
}

function baseMetadata(name: string, context: Context) {
  return {
    name,
    namespace: context.options.namespace,
    annotations: {
      [ANNOTATION_LOCATION]: context.options.locationRef,
      [ANNOTATION_ORIGIN_LOCATION]: context.options.locationRef,
    } as Record<string, string>,
  };
}

function staleAnnotations(reasons: string[]): Record<string, string> {
  return reasons.length === 0
    ? {}
    : {
        [MESH_STALE_ANNOTATION]: 'true',
        [MESH_STALE_REASON_ANNOTATION]: reasons.join('; '),
      };
}

/** Relations only to clusters that have an entity, or the catalog shows dangling links. */
function clusterRefs(clusterNames: string[], context: Context): string[] {
  return clusterNames
    .map(clusterNameKey)
    .filter(key => context.knownResource(key))
    .map(key => context.resourceRef(key));
}

function clusterEntity(
  cluster: ClusterView,
  name: string,
  context: Context,
): Entity {
  const metadata = baseMetadata(name, context);
  const stale = cluster.sync.state !== 'ok';
  Object.assign(metadata.annotations, {
    [MESH_CLUSTER_ANNOTATION]: cluster.name,
    [MESH_SYNC_STATE_ANNOTATION]: cluster.sync.state,
    ...(cluster.sync.lastSuccessAt && {
      [MESH_LAST_SYNC_ANNOTATION]: cluster.sync.lastSuccessAt,
    }),
    ...staleAnnotations(stale ? [describeClusterStaleness(cluster)] : []),
  });
  const where = [
    cluster.regions.length ? `regions ${cluster.regions.join(', ')}` : '',
    cluster.network ? `network ${cluster.network}` : '',
  ].filter(Boolean);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      ...metadata,
      ...(name !== cluster.name && { title: cluster.name }),
      description: `Kubernetes cluster ${cluster.name}${
        where.length ? ` (${where.join('; ')})` : ''
      }`,
    },
    spec: {
      type: CLUSTER_TYPE,
      owner: context.options.defaultOwner,
    },
  };
}

function meshEntity(mesh: MeshView, name: string, context: Context): Entity {
  const metadata = baseMetadata(name, context);
  const unreachable = mesh.clusters
    .map(c => context.clusterState.get(c))
    .filter((c): c is ClusterView => !!c && c.sync.state !== 'ok');
  const stale =
    mesh.clusters.length > 0 && unreachable.length === mesh.clusters.length;
  Object.assign(metadata.annotations, {
    [MESH_ID_ANNOTATION]: mesh.id,
    [MESH_KIND_ANNOTATION]: mesh.kind,
    [MESH_CLUSTERS_ANNOTATION]: joinList(mesh.clusters),
    ...staleAnnotations(
      stale ? unreachable.map(c => describeClusterStaleness(c)) : [],
    ),
  });
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      ...metadata,
      ...(name !== mesh.id && { title: mesh.id }),
      description: `${mesh.kind === 'istio' ? 'Istio' : 'Linkerd'} mesh ${
        mesh.id
      } across ${mesh.clusters.join(', ') || 'no clusters'}`,
    },
    spec: {
      type: MESH_TYPE,
      owner: context.options.defaultOwner,
      dependsOn: clusterRefs(mesh.clusters, context),
    },
  };
}

function serviceEntity(
  service: ServiceView,
  name: string,
  meshes: MeshView[],
  context: Context,
): Entity {
  const { options } = context;
  const clusterNames = service.placements.map(p => p.cluster);
  const metadata = baseMetadata(name, context);

  const staleReasons = service.placements.every(p => p.stale)
    ? service.placements.map(p => {
        const cluster = context.clusterState.get(p.cluster);
        return cluster && cluster.sync.state !== 'ok'
          ? describeClusterStaleness(cluster)
          : `cluster ${p.cluster} reported stale data`;
      })
    : [];

  Object.assign(metadata.annotations, {
    [MESH_SERVICE_ANNOTATION]: serviceKey(service),
    [KUBERNETES_ID_ANNOTATION]: service.name,
    [KUBERNETES_NAMESPACE_ANNOTATION]: service.namespace,
    ...(service.labelSelector
      ? { [KUBERNETES_LABEL_SELECTOR_ANNOTATION]: service.labelSelector }
      : {}),
    [MESH_CLUSTERS_ANNOTATION]: joinList(clusterNames),
    [MESH_DATA_PLANE_MODE_ANNOTATION]: joinList(service.dataPlaneModes),
    ...(service.ownershipConflict && {
      [MESH_OWNERSHIP_CONFLICT_ANNOTATION]: service.ownershipConflict,
    }),
    ...staleAnnotations(staleReasons),
  });

  // A service outside the data plane everywhere runs next to the mesh, not on it.
  const meshed = service.dataPlaneModes.some(m => m !== 'none');
  const meshRefs = meshed
    ? meshes
        .filter(m => m.clusters.some(c => clusterNames.includes(c)))
        .map(m => context.resourceRef(meshNameKey(m.id)))
    : [];

  const links = options.appBaseUrl
    ? [
        {
          url: `${options.appBaseUrl.replace(
            /\/+$/,
            '',
          )}/mesh/services/${encodeURIComponent(
            service.namespace,
          )}/${encodeURIComponent(service.name)}`,
          title: 'Mesh service',
          icon: 'dashboard',
        },
      ]
    : undefined;

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      ...metadata,
      title: serviceKey(service),
      description: `Mesh service ${serviceKey(service)} on ${clusterNames.join(
        ', ',
      )}`,
      ...(links && { links }),
    },
    spec: {
      type: SERVICE_TYPE,
      lifecycle: LIFECYCLE,
      owner: resolveOwner(service, options.defaultOwner),
      dependsOn: [
        ...clusterRefs(clusterNames, context),
        ...meshRefs,
        ...context.dependsOn(serviceKey(service)),
      ],
      ...(context.dependencyOf(serviceKey(service)).length > 0 && {
        dependencyOf: context.dependencyOf(serviceKey(service)),
      }),
    },
  };
}
