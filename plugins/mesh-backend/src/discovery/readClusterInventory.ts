import type { ClusterInventory } from '../aggregation/inventory';
import type {
  ClusterReader,
  ObjectMapper,
  ResourceType,
} from '../readers/ClusterReader';
import { ClusterReadError } from '../readers/ClusterReadError';
import { MESH_CONFIG_RESOURCES, RESOURCES } from '../readers/resources';
import { assembleInventory } from './projectInventory';
import { ControlPlaneMark, clusterProjections, marking } from './projections';

export const REMOTE_SECRET_SELECTOR = 'istio/multiCluster=true';

/**
 * Istio's and Linkerd's control-plane namespaces, kept apart because only Istio keeps remote
 * secrets there.
 */
export function controlPlaneNamespaces(marks: ControlPlaneMark[]): {
  istio: string[];
  linkerd: string[];
} {
  const istio = new Set<string>();
  const linkerd = new Set<string>();
  for (const m of marks) {
    if (m.istio) istio.add(m.istio);
    if (m.linkerd) linkerd.add(m.linkerd);
  }
  return { istio: [...istio].sort(), linkerd: [...linkerd].sort() };
}

/**
 * Reads everything discovery needs from one cluster, keeping only the projection: each page
 * is projected as it arrives (`inventoryMappers`), so raw objects die young instead of
 * surviving, with those of the other clusters being read, until every list is complete.
 * Config maps and remote secrets are read only in control-plane namespaces, found from the
 * first round of lists: mesh config and root certificates are fetched without listing every
 * config map of the cluster, and remote secrets need only a namespaced Role, not
 * `list secrets` cluster-wide (which would let the token read every Secret's data).
 */
export async function readClusterInventory(
  reader: ClusterReader,
  options: { signal: AbortSignal; excludeNamespaces: string[] },
): Promise<ClusterInventory> {
  const { signal } = options;
  const map = clusterProjections(options.excludeNamespaces);
  const list = async <T>(
    resource: ResourceType,
    mapper: ObjectMapper<T>,
    extra: { labelSelector?: string; namespace?: string } = {},
  ) => (await reader.list(resource, { signal, ...extra }, mapper)) ?? [];

  const [
    namespaces,
    nodes,
    services,
    endpointSlices,
    pods,
    deployments,
    statefulSets,
    meshConfigLists,
  ] = await Promise.all([
    list(RESOURCES.namespaces, marking(map.namespaces, 'namespace')),
    list(RESOURCES.nodes, map.nodes),
    list(RESOURCES.services, map.services),
    list(RESOURCES.endpointSlices, map.endpointSlices),
    list(RESOURCES.pods, map.pods),
    list(RESOURCES.deployments, marking(map.deployments, 'deployment')),
    list(RESOURCES.statefulSets, map.statefulSets),
    Promise.all(MESH_CONFIG_RESOURCES.map(r => list(r, map.meshConfig))),
  ]);

  const { istio, linkerd } = controlPlaneNamespaces([
    ...deployments.map(d => d.mark),
    ...namespaces.map(ns => ns.mark),
  ]);
  const inEach = async <T>(
    resource: ResourceType,
    mapper: ObjectMapper<T>,
    names: string[],
  ) =>
    (
      await Promise.all(
        names.map(namespace => list(resource, mapper, { namespace })),
      )
    ).flat();
  const remoteSecretsForbidden: string[] = [];
  /**
   * The deploy manifests grant listing Secrets only in `istio-system`: an istiod elsewhere
   * answers 403. That leaves its remote clusters unknown, which the cluster's status says;
   * it is no reason to fail the whole cluster.
   */
  const remoteSecretsIn = async (namespace: string) => {
    try {
      return await list(RESOURCES.secrets, map.remoteSecrets, {
        namespace,
        labelSelector: REMOTE_SECRET_SELECTOR,
      });
    } catch (error) {
      if (!(error instanceof ClusterReadError && error.reason === 'forbidden'))
        throw error;
      remoteSecretsForbidden.push(namespace);
      return [];
    }
  };
  const [configMaps, remoteSecrets] = await Promise.all([
    inEach(
      RESOURCES.configMaps,
      map.configMaps,
      [...new Set([...istio, ...linkerd])].sort(),
    ),
    // Istio's namespaces only: Linkerd keeps no remote secrets, and the namespaced Role
    // that allows this list is not granted in Linkerd's namespace
    Promise.all(istio.map(remoteSecretsIn)).then(lists => lists.flat()),
  ]);

  return assembleInventory(
    {
      namespaces: namespaces.map(ns => ns.record),
      nodes,
      services,
      endpointSlices,
      pods,
      deployments: deployments.map(d => d.record),
      statefulSets,
      configMaps,
      remoteSecrets,
      meshConfig: meshConfigLists.flat(),
    },
    remoteSecretsForbidden.sort(),
  );
}
