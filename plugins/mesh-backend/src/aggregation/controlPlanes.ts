import {
  type ControlPlane,
  ISTIO_NETWORK_LABEL,
  type LinkerdLinkMode,
} from '@meshport/backstage-plugin-mesh-common';
import { parse as parseYaml } from 'yaml';
import { pemFingerprints } from './certificates';
import type {
  ClusterInventory,
  MeshConfigObject,
  WorkloadInfo,
} from './inventory';
import { pick, pickString } from './labels';

export const NETWORK_LABEL = ISTIO_NETWORK_LABEL;
export const CONTROL_PLANE_CLUSTERS_ANNOTATION =
  'topology.istio.io/controlPlaneClusters';

/**
 * A control plane before cluster ids are resolved: remote secrets and Links name remote
 * clusters by Istio `CLUSTER_ID` / Linkerd link name, which only the whole fleet can map to
 * Backstage names.
 */
export interface DiscoveredControlPlane
  extends Omit<ControlPlane, 'readsEndpointsFrom'> {
  /** Raw remote cluster ids (Istio) or target cluster names (Linkerd). */
  remoteClusterIds: string[];
  /** Istio `meshConfig.rootNamespace`: where mesh-wide PeerAuthentications live. */
  rootNamespace: string;
  /** Linkerd cluster-wide default inbound policy. */
  defaultInboundPolicy?: string;
  /** Linkerd: how each Link (by target cluster name) carries calls. */
  linkerdLinkModes?: Record<string, LinkerdLinkMode>;
}

function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= lastSlash) return undefined;
  // `-distroless` and similar variants are packaging, not a version
  return withoutDigest.slice(colon + 1).replace(/-distroless$/, '');
}

function parseYamlSafely(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}

function configMapData(
  inv: ClusterInventory,
  namespace: string,
  name: string,
): Record<string, string> | undefined {
  return inv.configMaps.find(c => c.namespace === namespace && c.name === name)
    ?.data;
}

function namespaceLabel(
  inv: ClusterInventory,
  namespace: string,
  label: string,
): string | undefined {
  return inv.namespaces.find(n => n.name === namespace)?.labels[label];
}

function isIstiod(w: WorkloadInfo): boolean {
  return (
    w.kind === 'Deployment' &&
    w.name.startsWith('istiod') &&
    w.containers.some(c => c.name === 'discovery')
  );
}

function isLinkerdDestination(w: WorkloadInfo): boolean {
  return (
    w.kind === 'Deployment' &&
    (w.labels['linkerd.io/control-plane-component'] === 'destination' ||
      w.name === 'linkerd-destination')
  );
}

/**
 * `meshConfig.trustDomainAliases` (istio/api mesh/v1alpha1/config.proto `trust_domain_aliases`):
 * the other trust domains this mesh's workloads accept as their own. Only strings are kept.
 */
function trustDomainAliases(
  meshConfig: unknown,
): Pick<ControlPlane, 'trustDomainAliases'> {
  const aliases = pick(meshConfig, 'trustDomainAliases');
  if (!Array.isArray(aliases)) return {};
  const kept = aliases.filter((a): a is string => typeof a === 'string' && !!a);
  return kept.length > 0 ? { trustDomainAliases: kept } : {};
}

/** The bundle's first root is the CA's own; the others are roots its workloads also accept. */
function rootsOf(
  pem: string | undefined,
): Pick<ControlPlane, 'rootCertFingerprint' | 'trustedRootFingerprints'> {
  const fingerprints = pemFingerprints(pem);
  return {
    rootCertFingerprint: fingerprints[0],
    trustedRootFingerprints: fingerprints.length ? fingerprints : undefined,
  };
}

/** The cluster's network: the Istio control-plane namespace label is where Istio reads it. */
export function clusterNetwork(inv: ClusterInventory): string | undefined {
  const namespaces = new Set(
    inv.workloads.filter(isIstiod).map(w => w.namespace),
  );
  namespaces.add('istio-system');
  for (const ns of [...namespaces].sort()) {
    const network = namespaceLabel(inv, ns, NETWORK_LABEL);
    if (network) return network;
  }
  return undefined;
}

function istioControlPlane(
  inv: ClusterInventory,
  istiod: WorkloadInfo,
  network: string | undefined,
): DiscoveredControlPlane {
  const revision = istiod.labels['istio.io/rev'] ?? 'default';
  const discovery = istiod.containers.find(c => c.name === 'discovery');
  const meshConfigMapName =
    revision === 'default' ? 'istio' : `istio-${revision}`;
  const meshConfig = parseYamlSafely(
    configMapData(inv, istiod.namespace, meshConfigMapName)?.mesh,
  );
  const rootCert = configMapData(inv, istiod.namespace, 'istio-ca-root-cert')?.[
    'root-cert.pem'
  ];
  const ambient =
    inv.ztunnelPresent ||
    inv.namespaces.some(n => n.labels['istio.io/dataplane-mode'] === 'ambient');
  return {
    kind: 'istio',
    namespace: istiod.namespace,
    revision,
    version: imageTag(discovery?.image),
    // istiod's own default when the env is not set
    clusterId: discovery?.env.CLUSTER_ID ?? 'Kubernetes',
    network,
    trustDomain: pickString(meshConfig, 'trustDomain') ?? 'cluster.local',
    ...trustDomainAliases(meshConfig),
    ...rootsOf(rootCert),
    external: discovery?.env.EXTERNAL_ISTIOD === 'true',
    ambient,
    meshId: pickString(meshConfig, 'defaultConfig.meshId'),
    rootNamespace: pickString(meshConfig, 'rootNamespace') ?? istiod.namespace,
    remoteClusterIds: inv.remoteSecrets
      .filter(s => s.namespace === istiod.namespace)
      .map(s => s.clusterId ?? s.name.replace(/^istio-remote-secret-/, ''))
      .sort(),
    ...(inv.remoteSecretsForbidden?.includes(istiod.namespace)
      ? { remoteClustersUnknown: true }
      : {}),
  };
}

/**
 * A remote cluster of a primary-remote mesh runs no istiod; its `istio-system` namespace
 * names the clusters whose control plane serves it.
 */
function istioRemoteControlPlane(
  inv: ClusterInventory,
  network: string | undefined,
): DiscoveredControlPlane | undefined {
  const ns = inv.namespaces.find(
    n => n.annotations[CONTROL_PLANE_CLUSTERS_ANNOTATION] !== undefined,
  );
  if (!ns) return undefined;
  const meshConfig = parseYamlSafely(
    configMapData(inv, ns.name, 'istio')?.mesh,
  );
  const rootCert = configMapData(inv, ns.name, 'istio-ca-root-cert')?.[
    'root-cert.pem'
  ];
  return {
    kind: 'istio',
    namespace: ns.name,
    revision: 'default',
    network,
    trustDomain: pickString(meshConfig, 'trustDomain') ?? 'cluster.local',
    ...trustDomainAliases(meshConfig),
    ...rootsOf(rootCert),
    external: true,
    ambient: inv.ztunnelPresent,
    meshId: pickString(meshConfig, 'defaultConfig.meshId'),
    rootNamespace: pickString(meshConfig, 'rootNamespace') ?? ns.name,
    remoteClusterIds: [],
  };
}

function linkerdControlPlane(
  inv: ClusterInventory,
  destination: WorkloadInfo,
): DiscoveredControlPlane {
  const ns = destination.namespace;
  const values = parseYamlSafely(
    configMapData(inv, ns, 'linkerd-config')?.values,
  );
  const roots = configMapData(inv, ns, 'linkerd-identity-trust-roots')?.[
    'ca-bundle.crt'
  ];
  const links = inv.meshConfig.filter(
    o =>
      o.kind === 'Link' && o.apiVersion.startsWith('multicluster.linkerd.io/'),
  );
  const defaultInboundPolicy = pick(values, 'proxy.defaultInboundPolicy');
  return {
    kind: 'linkerd',
    namespace: ns,
    revision: 'default',
    version:
      destination.labels['linkerd.io/control-plane-version'] ??
      imageTag(
        destination.containers.find(c => c.name === 'destination')?.image,
      ),
    trustDomain: pickString(values, 'identityTrustDomain') ?? 'cluster.local',
    ...rootsOf(roots),
    external: false,
    ambient: false,
    rootNamespace: ns,
    defaultInboundPolicy:
      typeof defaultInboundPolicy === 'string'
        ? defaultInboundPolicy
        : undefined,
    remoteClusterIds: links.map(linkTarget).sort(),
    linkerdLinkModes: Object.fromEntries(
      links.map(l => [linkTarget(l), linkMode(l)]),
    ),
  };
}

function linkTarget(link: MeshConfigObject): string {
  return pickString(link.spec, 'targetClusterName') ?? link.name;
}

/**
 * `linkerd multicluster link` writes the target's gateway address into the Link only when the
 * link goes through a gateway; with `--gateway=false` it leaves it out and only pod-to-pod
 * (remote-discovery) services are mirrored (linkerd/linkerd2 multicluster/cmd/link.go).
 */
function linkMode(link: MeshConfigObject): LinkerdLinkMode {
  const address = pickString(link.spec, 'gatewayAddress');
  return address && address.trim() !== '' ? 'gateway' : 'flat';
}

/** Every control plane found in one cluster, Istio revisions first. */
export function discoverControlPlanes(
  inv: ClusterInventory,
): DiscoveredControlPlane[] {
  const network = clusterNetwork(inv);
  const istio = inv.workloads
    .filter(isIstiod)
    .map(w => istioControlPlane(inv, w, network));
  if (istio.length === 0) {
    const remote = istioRemoteControlPlane(inv, network);
    if (remote) istio.push(remote);
  }
  const linkerd = inv.workloads
    .filter(isLinkerdDestination)
    .map(w => linkerdControlPlane(inv, w));
  const order = (a: DiscoveredControlPlane, b: DiscoveredControlPlane) =>
    a.namespace.localeCompare(b.namespace) ||
    a.revision.localeCompare(b.revision);
  return [...istio.sort(order), ...linkerd.sort(order)];
}
