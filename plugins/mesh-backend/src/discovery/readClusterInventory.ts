import type { ClusterInventory } from '../aggregation/inventory';
import type {
  ClusterReader,
  KubeObject,
  ResourceType,
} from '../readers/ClusterReader';
import { MESH_CONFIG_RESOURCES, RESOURCES } from '../readers/resources';
import { projectInventory } from './projectInventory';

const REMOTE_SECRET_SELECTOR = 'istio/multiCluster=true';

function controlPlaneNamespaces(
  deployments: KubeObject[],
  namespaces: KubeObject[],
): string[] {
  const found = new Set<string>();
  for (const d of deployments) {
    const name = d.metadata?.name ?? '';
    const component =
      d.metadata?.labels?.['linkerd.io/control-plane-component'];
    if (name.startsWith('istiod') || component === 'destination') {
      found.add(d.metadata?.namespace ?? '');
    }
  }
  for (const ns of namespaces) {
    if (ns.metadata?.annotations?.['topology.istio.io/controlPlaneClusters']) {
      found.add(ns.metadata?.name ?? '');
    }
  }
  found.delete('');
  return [...found].sort();
}

/**
 * Reads everything discovery needs from one cluster, then keeps only the projection.
 * Config maps are read only in control-plane namespaces, so mesh config and root
 * certificates are fetched without listing every config map of the cluster.
 */
export async function readClusterInventory(
  reader: ClusterReader,
  options: { signal: AbortSignal; excludeNamespaces: string[] },
): Promise<ClusterInventory> {
  const { signal } = options;
  const list = async (
    resource: ResourceType,
    extra: { labelSelector?: string; namespace?: string } = {},
  ) => (await reader.list(resource, { signal, ...extra })) ?? [];

  const [
    namespaces,
    nodes,
    services,
    endpointSlices,
    pods,
    deployments,
    statefulSets,
    remoteSecrets,
    ...meshConfigLists
  ] = await Promise.all([
    list(RESOURCES.namespaces),
    list(RESOURCES.nodes),
    list(RESOURCES.services),
    list(RESOURCES.endpointSlices),
    list(RESOURCES.pods),
    list(RESOURCES.deployments),
    list(RESOURCES.statefulSets),
    list(RESOURCES.secrets, { labelSelector: REMOTE_SECRET_SELECTOR }),
    ...MESH_CONFIG_RESOURCES.map(r => list(r)),
  ]);

  const configMaps = (
    await Promise.all(
      controlPlaneNamespaces(deployments, namespaces).map(namespace =>
        list(RESOURCES.configMaps, { namespace }),
      ),
    )
  ).flat();

  return projectInventory(
    {
      namespaces,
      nodes,
      services,
      endpointSlices,
      pods,
      deployments,
      statefulSets,
      configMaps,
      remoteSecrets,
      meshConfig: meshConfigLists.flat(),
    },
    options.excludeNamespaces,
  );
}
