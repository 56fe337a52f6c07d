import type { ClusterInventory } from '../aggregation/inventory';
import type {
  ClusterReader,
  KubeObject,
  ResourceType,
} from '../readers/ClusterReader';
import { MESH_CONFIG_RESOURCES, RESOURCES } from '../readers/resources';
import { projectInventory } from './projectInventory';

const REMOTE_SECRET_SELECTOR = 'istio/multiCluster=true';

/**
 * Namespaces running a control plane. Istio's are where istiod runs or that an external
 * control plane is annotated onto; Linkerd's are where its destination runs. They are kept
 * apart because only Istio keeps remote secrets there.
 */
function controlPlaneNamespaces(
  deployments: KubeObject[],
  namespaces: KubeObject[],
): { istio: string[]; linkerd: string[] } {
  const istio = new Set<string>();
  const linkerd = new Set<string>();
  for (const d of deployments) {
    const namespace = d.metadata?.namespace;
    if (!namespace) continue;
    if (d.metadata?.name?.startsWith('istiod')) istio.add(namespace);
    if (
      d.metadata?.labels?.['linkerd.io/control-plane-component'] ===
      'destination'
    ) {
      linkerd.add(namespace);
    }
  }
  for (const ns of namespaces) {
    const name = ns.metadata?.name;
    if (
      name &&
      ns.metadata?.annotations?.['topology.istio.io/controlPlaneClusters']
    ) {
      istio.add(name);
    }
  }
  return { istio: [...istio].sort(), linkerd: [...linkerd].sort() };
}

/**
 * Reads everything discovery needs from one cluster, then keeps only the projection.
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
    ...meshConfigLists
  ] = await Promise.all([
    list(RESOURCES.namespaces),
    list(RESOURCES.nodes),
    list(RESOURCES.services),
    list(RESOURCES.endpointSlices),
    list(RESOURCES.pods),
    list(RESOURCES.deployments),
    list(RESOURCES.statefulSets),
    ...MESH_CONFIG_RESOURCES.map(r => list(r)),
  ]);

  const { istio, linkerd } = controlPlaneNamespaces(deployments, namespaces);
  const inEach = async (
    resource: ResourceType,
    names: string[],
    labelSelector?: string,
  ) =>
    (
      await Promise.all(
        names.map(namespace => list(resource, { namespace, labelSelector })),
      )
    ).flat();
  const [configMaps, remoteSecrets] = await Promise.all([
    inEach(RESOURCES.configMaps, [...new Set([...istio, ...linkerd])].sort()),
    // Istio's namespaces only: Linkerd keeps no remote secrets, and the namespaced Role
    // that allows this list is not granted in Linkerd's namespace
    inEach(RESOURCES.secrets, istio, REMOTE_SECRET_SELECTOR),
  ]);

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
