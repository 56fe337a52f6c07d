import type { ResourceType } from './ClusterReader';

const core = (plural: string, kind: string): ResourceType => ({
  group: '',
  version: 'v1',
  plural,
  kind,
});

const crd = (
  group: string,
  version: string,
  plural: string,
  kind: string,
): ResourceType => ({ group, version, plural, kind, optional: true });

/** Everything discovery reads, so readers, tests and fixtures agree on one list. */
export const RESOURCES = {
  namespaces: core('namespaces', 'Namespace'),
  nodes: core('nodes', 'Node'),
  services: core('services', 'Service'),
  pods: core('pods', 'Pod'),
  configMaps: core('configmaps', 'ConfigMap'),
  secrets: { ...core('secrets', 'Secret'), metadataOnly: true },
  endpointSlices: {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
  },
  deployments: {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
  },
  statefulSets: {
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    kind: 'StatefulSet',
  },
  virtualServices: crd(
    'networking.istio.io',
    'v1',
    'virtualservices',
    'VirtualService',
  ),
  destinationRules: crd(
    'networking.istio.io',
    'v1',
    'destinationrules',
    'DestinationRule',
  ),
  serviceEntries: crd(
    'networking.istio.io',
    'v1',
    'serviceentries',
    'ServiceEntry',
  ),
  gateways: crd('networking.istio.io', 'v1', 'gateways', 'Gateway'),
  // Which egress hosts and inbound ports a workload's proxy gets; two selecting one workload
  // leave it undefined (istioctl IST0110), which the conflict analysis reports.
  sidecars: crd('networking.istio.io', 'v1', 'sidecars', 'Sidecar'),
  peerAuthentications: crd(
    'security.istio.io',
    'v1',
    'peerauthentications',
    'PeerAuthentication',
  ),
  authorizationPolicies: crd(
    'security.istio.io',
    'v1',
    'authorizationpolicies',
    'AuthorizationPolicy',
  ),
  links: crd('multicluster.linkerd.io', 'v1alpha2', 'links', 'Link'),
  // v1beta1 is served by every Linkerd from 2.13 to 2.19; v1beta3 only from edge-24.7.4 / 2.16
  // (charts/linkerd-crds/templates/policy/server.yaml), so a stable-2.14 cluster's Servers
  // would be missed. The fields read (podSelector, port) are the same in both.
  servers: crd('policy.linkerd.io', 'v1beta1', 'servers', 'Server'),
  linkerdAuthorizationPolicies: crd(
    'policy.linkerd.io',
    'v1alpha1',
    'authorizationpolicies',
    'AuthorizationPolicy',
  ),
  meshTlsAuthentications: crd(
    'policy.linkerd.io',
    'v1alpha1',
    'meshtlsauthentications',
    'MeshTLSAuthentication',
  ),
  linkerdHttpRoutes: crd(
    'policy.linkerd.io',
    'v1beta3',
    'httproutes',
    'HTTPRoute',
  ),
  // The Gateway API (v1 since its 1.0): Linkerd's HTTPRoutes (policy.linkerd.io's are its
  // older copy) and Istio's ambient waypoints, which are Gateways of class `istio-waypoint`.
  // Optional like every custom resource: a cluster without these CRDs answers 404.
  gatewayApiGateways: crd(
    'gateway.networking.k8s.io',
    'v1',
    'gateways',
    'Gateway',
  ),
  gatewayApiHttpRoutes: crd(
    'gateway.networking.k8s.io',
    'v1',
    'httproutes',
    'HTTPRoute',
  ),
} satisfies Record<string, ResourceType>;

/** The custom resources whose objects become the inventory's `meshConfig`. */
export const MESH_CONFIG_RESOURCES: ResourceType[] = [
  RESOURCES.virtualServices,
  RESOURCES.destinationRules,
  RESOURCES.serviceEntries,
  RESOURCES.gateways,
  RESOURCES.sidecars,
  RESOURCES.peerAuthentications,
  RESOURCES.authorizationPolicies,
  RESOURCES.links,
  RESOURCES.servers,
  RESOURCES.linkerdAuthorizationPolicies,
  RESOURCES.meshTlsAuthentications,
  RESOURCES.linkerdHttpRoutes,
  RESOURCES.gatewayApiGateways,
  RESOURCES.gatewayApiHttpRoutes,
];
