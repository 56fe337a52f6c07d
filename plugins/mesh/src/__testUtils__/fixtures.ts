/**
 * A small bookinfo fleet for component tests: reviews in cluster-1 (v1, v2) and cluster-2
 * (v3 only there), cluster-2 stale; traffic from productpage in both clusters.
 */
import type {
  Fleet,
  FleetCluster,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import type {
  Finding,
  FindingsResponse,
} from '@meshport/backstage-plugin-mesh-common';
import type { Trace } from '@meshport/backstage-plugin-mesh-policy';
import type { MeshApi } from '../api';
import type {
  ServiceMtlsStatus,
  ServiceTraffic,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';

export const cluster1: FleetCluster = {
  name: 'cluster-1',
  sync: { state: 'ok', lastSuccessAt: '2026-11-22T10:00:00.000Z' },
  regions: ['us-east1'],
  zones: ['us-east1-b'],
  network: 'network-1',
  controlPlanes: [
    {
      kind: 'istio',
      namespace: 'istio-system',
      revision: 'default',
      version: '1.24.2',
      clusterId: 'cluster-1',
      network: 'network-1',
      trustDomain: 'cluster.local',
      rootCertFingerprint: 'aa:bb',
      external: false,
      ambient: false,
      readsEndpointsFrom: ['cluster-2'],
    },
  ],
  eastWestGateways: [],
};

export const cluster2: FleetCluster = {
  name: 'cluster-2',
  sync: {
    state: 'stale',
    lastSuccessAt: '2026-11-22T09:00:00.000Z',
    lastAttemptAt: '2026-11-22T10:00:00.000Z',
    error: { reason: 'timeout', message: 'API server timed out after 10s' },
  },
  regions: ['europe-west1'],
  zones: ['europe-west1-c'],
  network: 'network-2',
  controlPlanes: [
    {
      kind: 'istio',
      namespace: 'istio-system',
      revision: 'default',
      version: '1.24.2',
      clusterId: 'cluster-2',
      network: 'network-2',
      trustDomain: 'cluster.local',
      rootCertFingerprint: 'aa:bb',
      external: false,
      ambient: false,
      readsEndpointsFrom: ['cluster-1'],
    },
  ],
  eastWestGateways: [
    {
      namespace: 'istio-system',
      name: 'istio-eastwestgateway',
      network: 'network-2',
      addresses: ['203.0.113.20'],
      port: 15443,
    },
  ],
};

export const reviews: MeshService = {
  id: 'bookinfo/reviews',
  namespace: 'bookinfo',
  name: 'reviews',
  owner: 'team-books',
  instances: [
    {
      cluster: 'cluster-1',
      stale: false,
      labels: {},
      ports: [{ name: 'http', port: 9080, protocol: 'TCP' }],
      selector: { app: 'reviews' },
      endpoints: { ready: 2, total: 2 },
      subsets: { version: ['v1', 'v2'] },
      workloads: [
        {
          kind: 'Deployment',
          name: 'reviews-v1',
          serviceAccount: 'bookinfo-reviews',
          identity: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews',
          labels: { app: 'reviews', version: 'v1' },
          pods: { ready: 1, total: 1 },
          dataPlaneMode: 'sidecar',
        },
      ],
      identities: ['spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews'],
      dataPlaneMode: 'sidecar',
      localities: ['us-east1/us-east1-b'],
      mtls: { mode: 'STRICT', source: 'istio-system/default' },
      config: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'DestinationRule',
          namespace: 'bookinfo',
          name: 'reviews',
        },
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          namespace: 'bookinfo',
          name: 'reviews-shift',
          meshportPolicy: 'bookinfo/trafficpolicy-reviews-shift',
        },
      ],
    },
    {
      cluster: 'cluster-2',
      stale: true,
      labels: {},
      ports: [{ name: 'http', port: 9080, protocol: 'TCP' }],
      selector: { app: 'reviews' },
      endpoints: { ready: 1, total: 2 },
      subsets: { version: ['v3'] },
      workloads: [
        {
          kind: 'Deployment',
          name: 'reviews-v3',
          serviceAccount: 'bookinfo-reviews',
          identity: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews',
          labels: { app: 'reviews', version: 'v3' },
          pods: { ready: 1, total: 2 },
          dataPlaneMode: 'ambient',
        },
      ],
      identities: ['spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews'],
      dataPlaneMode: 'ambient',
      localities: ['europe-west1/europe-west1-c'],
      mtls: { mode: 'PERMISSIVE' },
      config: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'DestinationRule',
          namespace: 'bookinfo',
          name: 'reviews',
        },
      ],
    },
  ],
};

export const productpage: MeshService = {
  id: 'bookinfo/productpage',
  namespace: 'bookinfo',
  name: 'productpage',
  instances: [
    {
      ...reviews.instances[0],
      subsets: { version: ['v1'] },
      workloads: [
        {
          kind: 'Deployment',
          name: 'productpage-v1',
          serviceAccount: 'bookinfo-productpage',
          identity:
            'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage',
          labels: { app: 'productpage', version: 'v1' },
          pods: { ready: 1, total: 1 },
          dataPlaneMode: 'sidecar',
        },
      ],
      config: [],
    },
  ],
};

export const fleet: Fleet = {
  generatedAt: '2026-11-22T10:00:00.000Z',
  clusters: [cluster1, cluster2],
  meshes: [
    {
      id: 'istio-mesh1',
      kind: 'istio',
      clusters: ['cluster-1', 'cluster-2'],
      trustDomains: ['cluster.local'],
      rootCertFingerprints: ['aa:bb'],
      sharedRootOfTrust: true,
    },
  ],
  services: [productpage, reviews],
  links: [
    { from: 'cluster-1', to: 'cluster-2', via: 'shared-endpoint-discovery' },
    { from: 'cluster-2', to: 'cluster-1', via: 'gateway-federation' },
  ],
};

function edge(
  peerCluster: string,
  thisCluster: string,
  requestsPerSecond: number,
  errorRatio: number,
  p95: number,
): TrafficEdge {
  const start = 1_800_000_000;
  return {
    direction: 'inbound',
    peer: { namespace: 'bookinfo', name: 'productpage' },
    peerCluster: { name: peerCluster, clusterId: peerCluster, known: true },
    thisCluster: { name: thisCluster, clusterId: thisCluster, known: true },
    mesh: 'istio',
    reporter: 'destination',
    http: {
      requestsPerSecond,
      errorRatio,
      latencyMs: { p50: p95 / 2, p95, p99: p95 * 2 },
    },
    mtls: {
      share: 1,
      requests: {
        mutualPerSecond: requestsPerSecond,
        plaintextPerSecond: 0,
        unclassifiedPerSecond: 0,
      },
      unclassified: [],
    },
    series: {
      requestsPerSecond: [0, 1, 2].map(i => [
        start + i * 60,
        requestsPerSecond + i,
      ]),
      errorRatio: [0, 1, 2].map(i => [start + i * 60, errorRatio]),
    },
  };
}

export const traffic: ServiceTraffic = {
  service: { namespace: 'bookinfo', name: 'reviews' },
  window: '15m',
  windowSeconds: 900,
  evaluatedAt: '2026-11-22T10:00:00.000Z',
  seriesStepSeconds: 60,
  source: 'snapshot',
  inbound: [
    edge('cluster-1', 'cluster-1', 7.5, 0.02, 45),
    edge('cluster-1', 'cluster-2', 2.5, 0, 120),
  ],
  outbound: [
    {
      ...edge('cluster-1', 'cluster-1', 3, 0, 10),
      direction: 'outbound',
      peer: { namespace: 'bookinfo', name: 'ratings' },
    },
  ],
  clusters: [
    { cluster: 'cluster-1', state: 'ok', source: 'snapshot' },
    { cluster: 'cluster-2', state: 'ok', source: 'snapshot' },
  ],
  partial: false,
};

export const mtls: ServiceMtlsStatus = {
  service: { namespace: 'bookinfo', name: 'reviews' },
  window: '15m',
  evaluatedAt: '2026-11-22T10:00:00.000Z',
  source: 'snapshot',
  clusters: [
    {
      cluster: 'cluster-1',
      clusterIds: ['cluster-1'],
      configured: { mode: 'STRICT', source: 'istio-system/default' },
      observed: {
        state: 'ok',
        mtlsShare: 1,
        requests: {
          mutualPerSecond: 7.5,
          plaintextPerSecond: 0,
          unclassifiedPerSecond: 0,
        },
        unclassified: [],
      },
      rootOfTrust: { fingerprints: ['aa:bb'], sharedWith: ['cluster-2'] },
      warnings: [],
    },
    {
      cluster: 'cluster-2',
      clusterIds: ['cluster-2'],
      configured: { mode: 'PERMISSIVE' },
      observed: {
        state: 'ok',
        mtlsShare: 0.8,
        requests: {
          mutualPerSecond: 2,
          plaintextPerSecond: 0.5,
          unclassifiedPerSecond: 0,
        },
        unclassified: [],
      },
      rootOfTrust: { fingerprints: ['aa:bb'], sharedWith: ['cluster-1'] },
      warnings: [
        {
          code: 'plaintext-under-permissive',
          message:
            '20% of requests to reviews in cluster-2 arrive in plaintext: PERMISSIVE accepts them; set STRICT once every caller is meshed',
        },
      ],
    },
  ],
  metrics: [
    { cluster: 'cluster-1', state: 'ok', source: 'snapshot' },
    { cluster: 'cluster-2', state: 'ok', source: 'snapshot' },
  ],
  partial: false,
};

/** reviews' VirtualService routes to subset v3, which cluster-1's DestinationRule lacks. */
export const missingSubset: Finding = {
  code: 'MESH103',
  severity: 'error',
  title: 'Subset missing where its traffic lands',
  message:
    'VirtualService bookinfo/reviews-shift in cluster cluster-1 routes to subset v3 of reviews, which DestinationRule bookinfo/reviews in cluster cluster-2 does not define',
  fix: 'Add subset v3 (labels version: v3) to DestinationRule bookinfo/reviews in cluster cluster-2',
  objects: [
    {
      cluster: 'cluster-1',
      kind: 'VirtualService',
      namespace: 'bookinfo',
      name: 'reviews-shift',
      meshportPolicy: 'bookinfo/trafficpolicy-reviews-shift',
    },
    {
      cluster: 'cluster-2',
      kind: 'DestinationRule',
      namespace: 'bookinfo',
      name: 'reviews',
      proposed: true,
    },
  ],
  clusters: ['cluster-1', 'cluster-2'],
  services: ['bookinfo/reviews'],
  owners: ['group:default/team-books', 'group:default/platform'],
  equivalent: { istio: 'IST0101', kiali: 'KIA1107' },
  key: 'MESH103|bookinfo/reviews|v3|cluster-2',
};

/** A port of reviews has no protocol. */
export const unnamedPort: Finding = {
  code: 'MESH701',
  severity: 'warning',
  title: 'Port without protocol',
  message:
    'Service bookinfo/reviews in cluster cluster-2 has port 9080 named "web"',
  fix: 'Name port 9080 of Service bookinfo/reviews in cluster cluster-2 "http-web", or set appProtocol: http',
  objects: [
    {
      cluster: 'cluster-2',
      kind: 'Service',
      namespace: 'bookinfo',
      name: 'reviews',
    },
  ],
  clusters: ['cluster-2'],
  services: ['bookinfo/reviews'],
  owners: ['group:default/team-books'],
  key: 'MESH701|bookinfo/reviews|cluster-2|9080',
};

/** A finding about ratings, owned by another team. */
export const ratingsInfo: Finding = {
  code: 'MESH502',
  severity: 'info',
  title: 'Failover without outlier detection',
  message:
    'DestinationRule bookinfo/ratings in cluster cluster-1 sets locality failover without outlier detection',
  fix: 'Add trafficPolicy.outlierDetection to DestinationRule bookinfo/ratings in cluster cluster-1',
  objects: [
    {
      cluster: 'cluster-1',
      kind: 'DestinationRule',
      namespace: 'bookinfo',
      name: 'ratings',
    },
  ],
  clusters: ['cluster-1'],
  services: ['bookinfo/ratings'],
  owners: ['group:default/team-ratings'],
  key: 'MESH502|bookinfo/ratings|cluster-1',
};

export const allFindings: Finding[] = [missingSubset, unnamedPort, ratingsInfo];

/** What `/findings` answers for a filter, computed from `items` as the backend does. */
export function findingsResponse(
  items: Finding[],
  notes: string[] = [],
): FindingsResponse {
  return {
    items,
    totalCount: items.length,
    counts: {
      error: items.filter(f => f.severity === 'error').length,
      warning: items.filter(f => f.severity === 'warning').length,
      info: items.filter(f => f.severity === 'info').length,
    },
    generatedAt: '2026-11-22T10:00:00.000Z',
    notes,
  };
}

/**
 * productpage in cluster-1 → reviews: 50 % v1 locally, 50 % v3 in cluster-2 through the
 * east-west gateway, where the gateway has no chain for the subset's SNI.
 */
export const reviewsTrace: Trace = {
  request: {
    from: {
      cluster: 'cluster-1',
      namespace: 'bookinfo',
      serviceAccount: 'bookinfo-productpage',
      labels: { app: 'productpage', version: 'v1' },
    },
    host: 'reviews.bookinfo.svc.cluster.local',
    port: 9080,
    method: 'GET',
    path: '/',
  },
  route: {
    virtualService: 'bookinfo/reviews-shift',
    route: 'shift',
    index: 0,
    timeout: '5s',
  },
  legs: [
    {
      share: 50,
      destination: 0,
      host: 'reviews.bookinfo.svc.cluster.local',
      subset: 'v1',
      cluster: 'cluster-1',
      endpointLabels: [{ app: 'reviews', version: 'v1' }],
      readyEndpoints: 1,
      travel: 'local',
      tls: { mode: 'ISTIO_MUTUAL', mtls: true, ok: true },
      authz: {
        enforcer: 'sidecar',
        decision: 'allow',
        reason: 'no AuthorizationPolicy selects reviews',
      },
      localities: ['us-east1/us-east1-b'],
    },
    {
      share: 50,
      destination: 1,
      host: 'reviews.bookinfo.svc.cluster.local',
      subset: 'v3',
      cluster: 'cluster-2',
      endpointLabels: [{ app: 'reviews', version: 'v3' }],
      readyEndpoints: 1,
      travel: 'east-west-gateway',
      gateway: {
        cluster: 'cluster-2',
        gateway: 'istio-system/istio-eastwestgateway',
        address: '203.0.113.20',
        sni: 'outbound_.9080_.v3_.reviews.bookinfo.svc.cluster.local',
        hasChain: false,
      },
      tls: { mode: 'ISTIO_MUTUAL', mtls: true, ok: true },
      authz: { enforcer: 'ztunnel', decision: 'allow', reason: 'no policy' },
      localities: ['europe-west1/europe-west1-c'],
      failure:
        'the east-west gateway of cluster-2 has no chain for SNI outbound_.9080_.v3_.reviews.bookinfo.svc.cluster.local: DestinationRule bookinfo/reviews in cluster-2 lacks subset v3',
      failureKind: 'route',
    },
  ],
  notes: [],
  ok: false,
};

/** A MeshApi answering from the fixtures; override any method per test. */
export function fakeMeshApi(overrides: Partial<MeshApi> = {}): MeshApi {
  return {
    getFleet: async () => fleet,
    getClusters: async () => ({ items: fleet.clusters }),
    getMeshes: async () => ({ items: fleet.meshes, links: fleet.links }),
    getServices: async (query = {}) => {
      const q = (query.q ?? '').toLowerCase();
      const items = fleet.services.filter(s => s.id.includes(q));
      return {
        items,
        totalCount: items.length,
        offset: 0,
        limit: query.limit ?? 50,
      };
    },
    getService: async ref => {
      const found = fleet.services.find(
        s => s.namespace === ref.namespace && s.name === ref.name,
      );
      if (!found) {
        throw new Error(`no service ${ref.namespace}/${ref.name}`);
      }
      return found;
    },
    getServiceTraffic: async () => traffic,
    getServiceMtls: async () => mtls,
    getFindings: async (query = {}) =>
      findingsResponse(
        allFindings.filter(
          f =>
            (!query.service || f.services.includes(query.service)) &&
            (!query.cluster || f.clusters.includes(query.cluster)) &&
            (!query.owner || f.owners.includes(query.owner)) &&
            (!query.severity?.length || query.severity.includes(f.severity)),
        ),
      ),
    traceRequest: async () => reviewsTrace,
    // A backend with no policy repository configured, unless a test says otherwise.
    getPolicies: async () => ({
      repositories: [],
      items: [],
      totalCount: 0,
      counts: {},
      orphans: [],
    }),
    getPolicy: async (kind, namespace, name) => {
      throw new Error(`no policy ${kind} ${namespace}/${name}`);
    },
    getDependencies: async () => ({
      window: '5m',
      windowSeconds: 300,
      evaluatedAt: fleet.generatedAt,
      source: 'snapshot',
      dependencies: [],
      clusters: fleet.clusters.map(c => ({
        cluster: c.name,
        state: 'ok' as const,
        source: 'snapshot',
      })),
      partial: false,
    }),
    ...overrides,
  };
}

/** reviews, with owner labels that disagree across clusters: no owner. */
export const disputedReviews: MeshService = (() => {
  const claims = [
    {
      owner: 'group:default/mallory-team',
      from: 'service-label' as const,
      cluster: 'a-dev',
    },
    {
      owner: 'group:default/team-books',
      from: 'service-label' as const,
      cluster: 'cluster-1',
    },
  ];
  const { owner: _owner, ...rest } = reviews;
  return { ...rest, ownership: { claims, conflict: { claims } } };
})();
