// Writes the demo fleet snapshot: one directory per cluster of Kubernetes List documents in
// the shape `kubectl get <kind> -A -o json` prints. Deterministic (uids, resourceVersions,
// addresses and timestamps derive from object names), so re-running it yields identical files.
//
//   node --require @backstage/cli-node/config/nodeTransform.cjs examples/demo-fleet/generate.ts \
//     && yarn prettier --write examples/demo-fleet
//
// The fleet (see README.md):
// - cluster-1 (us-west-1) and cluster-2 (us-west-2): Istio multi-primary on two networks
//   (mesh1, trust domain cluster.local), each reading the other's endpoints through a remote
//   secret, one shared root certificate, east-west gateways on both networks.
// - cluster-3 (eu-west-1): a separate Istio mesh (mesh2) with its own trust domain and its
//   own root certificate, on its own network, joined to mesh1 only through east-west
//   gateways: no remote secrets either way. The meshes trust each other's root by listing
//   both in their root bundles (own root first), so mTLS through the gateways verifies.
// - cluster-4 (eu-central-1): a Linkerd cluster, not linked to the others.
//
// The root certificates are real self-signed PEMs generated once with openssl; their keys
// were discarded. Remote secrets carry a placeholder kubeconfig with a fake token that the
// tests assert never leaves the backend.
//
// - The policy repository (examples/policy-repo) as a GitOps tool would have applied it: every
//   object its branch renders for a cluster is live there, with two exceptions kept on purpose
//   for the Policies page (see HAND_EDITS and ISTIO_STATUS below): a hand edit in cluster-1
//   (trafficpolicy reviews-shift → drifted) and Istio's validation error on one object in
//   cluster-2 (virtualdestination reviews-global → rejected).
//
// The object builders live in @meshport/fleet-generator, which the bench's synthetic fleets
// use too; this file holds only the demo's scenario.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  AppSpec,
  buildCluster,
  ClusterSpec,
  ClusterState,
  istioObject,
  linkerdPolicy,
  NETWORK_LABEL,
  Obj,
  OWNER_LABEL,
  peerAuthentication,
  ServicePort,
  writeClusterSnapshot,
} from '@meshport/fleet-generator';

const pem = (file: string) => readFileSync(join(__dirname, file), 'utf8');
/** Root of mesh1 (cluster-1, cluster-2). */
const MESH1_ROOT = pem('istio-root-cert.pem');
/** Root of mesh2 (cluster-3). */
const MESH2_ROOT = pem('istio-root-cert-mesh2.pem');
const LINKERD_ROOT = pem('linkerd-trust-anchor.pem');

/* ---------------------------------------- The fleet -------------------------------------- */

const img = (name: string, v: string) =>
  `docker.io/istio/examples-bookinfo-${name}-${v}:1.20.2`;
const http = (port: number, targetPort = port): ServicePort[] => [
  { name: 'http', port, protocol: 'TCP', targetPort },
];
const bookinfoNs: Namespace = {
  name: 'bookinfo',
  labels: {
    'istio-injection': 'enabled',
    [OWNER_LABEL]: 'bookinfo-team',
  },
};
const accountsNs: Namespace = {
  name: 'accounts',
  labels: {
    'istio-injection': 'enabled',
    [OWNER_LABEL]: 'identity-team',
  },
};
type Namespace = ClusterSpec['namespaces'][number];

const systemNamespaces = (network?: string): Namespace[] => [
  { name: 'default', labels: {} },
  { name: 'kube-node-lease', labels: {} },
  { name: 'kube-public', labels: {} },
  { name: 'kube-system', labels: {} },
  ...(network
    ? [{ name: 'istio-system', labels: { [NETWORK_LABEL]: network } }]
    : []),
];
const bookinfo = (
  service: string,
  versions: Array<[version: string, replicas: number, ready?: number]>,
): AppSpec => ({
  namespace: 'bookinfo',
  service,
  owner: 'bookinfo-team',
  versions: versions.map(([version, replicas, ready]) => ({
    version,
    replicas,
    ready,
    image: img(service, version),
  })),
});
/** Services of the accounts app: accounts and users (identity-team), orders and history (orders-team). */
const accountsApp = (
  service: 'accounts' | 'users' | 'orders' | 'history',
  version: string,
  replicas: number,
  extra: Partial<AppSpec> = {},
): AppSpec => ({
  namespace: ['accounts', 'users'].includes(service) ? 'accounts' : 'orders',
  service,
  owner: ['accounts', 'users'].includes(service)
    ? 'identity-team'
    : 'orders-team',
  ports: service === 'users' ? http(80, 8080) : http(8080),
  versions: [
    {
      version,
      replicas,
      image: `ghcr.io/meshport/demo-${service}:${
        {
          accounts: '1.4.0',
          users: version === 'v1' ? '2.1.0' : '2.2.0',
          orders: '0.9.3',
          history: version === 'v1' ? '0.3.1' : '0.4.0',
        }[service]
      }`,
    },
  ],
  ...extra,
});
/** Plain-text callers outside the mesh, seen in the demo traffic. */
const unmeshedClient = (
  service: string,
  team: string,
  image: string,
): AppSpec => ({
  namespace: 'default',
  service,
  owner: team,
  mesh: 'none',
  serviceAccount: service,
  ports: http(8080),
  versions: [{ version: 'v1', replicas: 1, image }],
});

// The two meshes federate through their east-west gateways: each trusts the other's root
// (istio-ca-root-cert) and accepts the other's trust domain as an alias, which Istio's
// sidecars require of a peer's SPIFFE ID besides its root (TrustDomainsForValidation).
const mesh1 = {
  meshId: 'mesh1',
  trustDomain: 'cluster.local',
  trustDomainAliases: ['mesh2.meshport.dev'],
};
const mesh2 = {
  meshId: 'mesh2',
  trustDomain: 'mesh2.meshport.dev',
  trustDomainAliases: ['cluster.local'],
};

const clusters: ClusterSpec[] = [
  {
    name: 'cluster-1',
    index: 1,
    provider: 'gke',
    region: 'us-west-1',
    zones: ['us-west-1a', 'us-west-1b'],
    network: 'network-1',
    eastWestGatewayIP: '34.118.10.21',
    ingressGatewayIP: '34.118.10.5',
    istio: {
      ...mesh1,
      roots: [MESH1_ROOT, MESH2_ROOT],
      remotes: ['cluster-2'],
    },
    namespaces: [...systemNamespaces('network-1'), bookinfoNs, accountsNs],
    apps: [
      bookinfo('productpage', [['v1', 1]]),
      bookinfo('details', [['v1', 1]]),
      bookinfo('reviews', [
        ['v1', 1],
        ['v2', 1],
      ]),
      bookinfo('ratings', [['v1', 1]]),
      accountsApp('accounts', 'v1', 2),
      accountsApp('users', 'v1', 2),
      unmeshedClient(
        'legacy-probe',
        'platform-team',
        'ghcr.io/meshport/demo-legacy-probe:0.1.0',
      ),
    ],
    config: c => [
      peerAuthentication(c, 'istio-system', 'default', {
        mtls: { mode: 'STRICT' },
      }),
      peerAuthentication(c, 'accounts', 'default', {
        mtls: { mode: 'STRICT' },
      }),
      // Mistake kept for the analysis to find: TLS disabled towards users, whose namespace
      // requires mTLS in every cluster it runs in, so callers in cluster-1 are refused.
      istioObject(
        c,
        'DestinationRule',
        'networking.istio.io',
        'accounts',
        'users',
        {
          host: 'users.accounts.svc.cluster.local',
          trafficPolicy: { tls: { mode: 'DISABLE' } },
        },
      ),
      peerAuthentication(c, 'bookinfo', 'productpage-legacy-probe', {
        selector: { matchLabels: { app: 'productpage' } },
        mtls: { mode: 'UNSET' },
        portLevelMtls: { 9080: { mode: 'PERMISSIVE' } },
      }),
      // Hand-written config, as teams have before Meshport: Meshport reports it and never
      // overwrites it. It is on ratings, so reviews stays free for the seed route request.
      ratingsDestinationRule(c),
      istioObject(
        c,
        'VirtualService',
        'networking.istio.io',
        'bookinfo',
        'ratings',
        {
          hosts: ['ratings'],
          http: [
            {
              route: [{ destination: { host: 'ratings', subset: 'v1' } }],
              timeout: '2s',
              retries: { attempts: 2, perTryTimeout: '1s', retryOn: '5xx' },
            },
          ],
        },
      ),
      ...ingress(
        c,
        'bookinfo',
        'bookinfo',
        'bookinfo.meshport.dev',
        'productpage',
        9080,
        [
          { uri: { exact: '/productpage' } },
          { uri: { prefix: '/static' } },
          { uri: { prefix: '/api/v1/products' } },
        ],
      ),
      istioObject(
        c,
        'AuthorizationPolicy',
        'security.istio.io',
        'bookinfo',
        'ratings-from-reviews',
        {
          selector: { matchLabels: { app: 'ratings' } },
          action: 'ALLOW',
          rules: [
            {
              from: [
                {
                  source: {
                    principals: [
                      'cluster.local/ns/bookinfo/sa/bookinfo-reviews',
                    ],
                  },
                },
              ],
              to: [{ operation: { methods: ['GET'] } }],
            },
          ],
        },
      ),
    ],
  },
  {
    name: 'cluster-2',
    index: 2,
    provider: 'gke',
    region: 'us-west-2',
    zones: ['us-west-2a', 'us-west-2b'],
    network: 'network-2',
    eastWestGatewayIP: '35.203.44.7',
    ingressGatewayIP: '35.203.44.2',
    istio: {
      ...mesh1,
      roots: [MESH1_ROOT, MESH2_ROOT],
      remotes: ['cluster-1'],
      ambient: true,
    },
    namespaces: [
      ...systemNamespaces('network-2'),
      bookinfoNs,
      {
        name: 'orders',
        labels: {
          'istio.io/dataplane-mode': 'ambient',
          [OWNER_LABEL]: 'orders-team',
        },
      },
    ],
    apps: [
      bookinfo('reviews', [
        ['v1', 1],
        ['v2', 1],
        ['v3', 2],
      ]),
      bookinfo('ratings', [['v1', 2, 1]]),
      accountsApp('orders', 'v1', 2, { mesh: 'ambient' }),
      accountsApp('history', 'v1', 1, { mesh: 'ambient' }),
      unmeshedClient(
        'batch-export',
        'orders-team',
        'ghcr.io/meshport/demo-batch-export:1.2.0',
      ),
    ],
    config: c => [
      peerAuthentication(c, 'orders', 'default', {
        mtls: { mode: 'PERMISSIVE' },
      }),
      ratingsDestinationRule(c),
      // Mistake kept for the analysis to find: a route to subset v2 of history, which no
      // DestinationRule defines, so Envoy answers every such call with 503 (no cluster).
      istioObject(
        c,
        'VirtualService',
        'networking.istio.io',
        'orders',
        'history',
        {
          hosts: ['history'],
          http: [
            { route: [{ destination: { host: 'history', subset: 'v2' } }] },
          ],
        },
      ),
      ...ingress(c, 'orders', 'orders', 'orders.meshport.dev', 'orders', 8080, [
        { uri: { prefix: '/orders' } },
      ]),
    ],
  },
  {
    name: 'cluster-3',
    index: 3,
    provider: 'gke',
    region: 'eu-west-1',
    zones: ['eu-west-1a', 'eu-west-1b'],
    network: 'network-3',
    eastWestGatewayIP: '34.77.120.9',
    ingressGatewayIP: '34.77.120.3',
    istio: { ...mesh2, roots: [MESH2_ROOT, MESH1_ROOT], remotes: [] },
    namespaces: [
      ...systemNamespaces('network-3'),
      accountsNs,
      {
        name: 'orders',
        labels: {
          'istio-injection': 'enabled',
          [OWNER_LABEL]: 'orders-team',
        },
      },
    ],
    apps: [
      accountsApp('users', 'v2', 2),
      // Mistake kept for the analysis to find: this cluster names history's port `web`, the
      // others `http`. Istio reads the protocol from the name (or appProtocol), so calls
      // landing here are sniffed (plain TCP unless they look like HTTP) while the same calls
      // landing in cluster-2 are HTTP.
      accountsApp('history', 'v2', 2, {
        ports: [{ name: 'web', port: 8080, protocol: 'TCP', targetPort: 8080 }],
      }),
    ],
    config: c => [
      peerAuthentication(c, 'accounts', 'default', {
        mtls: { mode: 'STRICT' },
      }),
      peerAuthentication(c, 'orders', 'default', {
        mtls: { mode: 'PERMISSIVE' },
      }),
      ...ingress(
        c,
        'accounts',
        'users',
        'accounts.eu.meshport.dev',
        'users',
        80,
        [{ uri: { prefix: '/users' } }],
      ),
      // users in this mesh answers its own gateway and, through the east-west gateway,
      // orders in mesh1: principals name each caller's own trust domain.
      istioObject(
        c,
        'AuthorizationPolicy',
        'security.istio.io',
        'accounts',
        'users-callers',
        {
          selector: { matchLabels: { app: 'users' } },
          action: 'ALLOW',
          rules: [
            {
              from: [
                {
                  source: {
                    principals: [
                      'cluster.local/ns/orders/sa/orders',
                      'mesh2.meshport.dev/ns/istio-system/sa/istio-ingressgateway-service-account',
                    ],
                  },
                },
              ],
            },
          ],
        },
      ),
    ],
  },
  {
    name: 'cluster-4',
    index: 4,
    provider: 'eks',
    region: 'eu-central-1',
    zones: ['eu-central-1a'],
    linkerd: { trustDomain: 'cluster.local', trustAnchor: LINKERD_ROOT },
    namespaces: [
      ...systemNamespaces(),
      {
        name: 'linkerd',
        labels: {
          'config.linkerd.io/admission-webhooks': 'disabled',
          'linkerd.io/control-plane-ns': 'linkerd',
          'linkerd.io/is-control-plane': 'true',
        },
      },
      {
        name: 'accounts',
        labels: { [OWNER_LABEL]: 'identity-team' },
        annotations: {
          'config.linkerd.io/default-inbound-policy': 'all-authenticated',
          'linkerd.io/inject': 'enabled',
        },
      },
    ],
    apps: [
      accountsApp('users', 'v2', 2, { mesh: 'linkerd' }),
      {
        namespace: 'accounts',
        service: 'ledger',
        mesh: 'linkerd',
        owner: 'payments-team',
        ports: http(8080),
        versions: [
          {
            version: 'v1',
            replicas: 1,
            image: 'ghcr.io/meshport/demo-ledger:1.0.0',
          },
        ],
      },
    ],
    config: c => [
      // stable-2.14 serves Server v1alpha1 and v1beta1 only (v1beta3 arrived with edge-24.7.4)
      linkerdPolicy(c, 'Server', 'v1beta1', 'accounts', 'users-http', {
        podSelector: { matchLabels: { app: 'users' } },
        port: 8080,
        proxyProtocol: 'HTTP/1',
      }),
      linkerdPolicy(
        c,
        'MeshTLSAuthentication',
        'v1alpha1',
        'accounts',
        'ledger-clients',
        {
          identities: [
            'ledger.accounts.serviceaccount.identity.linkerd.cluster.local',
          ],
        },
      ),
      linkerdPolicy(
        c,
        'AuthorizationPolicy',
        'v1alpha1',
        'accounts',
        'users-from-ledger',
        {
          targetRef: {
            group: 'policy.linkerd.io',
            kind: 'Server',
            name: 'users-http',
          },
          requiredAuthenticationRefs: [
            {
              group: 'policy.linkerd.io',
              kind: 'MeshTLSAuthentication',
              name: 'ledger-clients',
            },
          ],
        },
      ),
      linkerdPolicy(c, 'HTTPRoute', 'v1beta3', 'accounts', 'users-api', {
        parentRefs: [
          { group: 'policy.linkerd.io', kind: 'Server', name: 'users-http' },
        ],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }] }],
      }),
    ],
  },
];

function ratingsDestinationRule(c: ClusterState) {
  return istioObject(
    c,
    'DestinationRule',
    'networking.istio.io',
    'bookinfo',
    'ratings',
    {
      host: 'ratings.bookinfo.svc.cluster.local',
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        loadBalancer: { localityLbSetting: { enabled: true } },
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: '30s',
          baseEjectionTime: '60s',
        },
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    },
  );
}

/**
 * The ingress Gateway of an app and the VirtualService that routes its public host to its
 * front service.
 */
function ingress(
  c: ClusterState,
  namespace: string,
  name: string,
  host: string,
  service: string,
  port: number,
  matches: Obj[],
) {
  return [
    istioObject(
      c,
      'Gateway',
      'networking.istio.io',
      namespace,
      `${name}-gateway`,
      {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            hosts: [host],
            port: { name: 'http', number: 80, protocol: 'HTTP' },
          },
        ],
      },
    ),
    istioObject(c, 'VirtualService', 'networking.istio.io', namespace, name, {
      gateways: [`${name}-gateway`],
      hosts: [host],
      http: [
        {
          match: matches,
          route: [{ destination: { host: service, port: { number: port } } }],
        },
      ],
    }),
  ];
}

/* ------------------------------ The policy repository, applied ------------------------------ */

/** The branch of the demo's policy repository (`examples/demo-scm` points at it too). */
const POLICY_REPO = join(__dirname, '..', 'policy-repo');

/** Every YAML file under `dir`, at any depth: the repository's layout may nest them. */
function yamlFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // the branch renders nothing for this cluster
  }
  return entries.flatMap(e => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return e.isFile() && /\.ya?ml$/.test(e.name) ? [path] : [];
  });
}

/**
 * Hand edits made in a cluster after GitOps applied the branch: `kubectl edit` changed one
 * field and left the rendered `meshport.dev/spec-hash` annotation, so the live spec no longer
 * hashes to it. A timeout, not a weight, so the routes stay sound for the analysis.
 */
const HAND_EDITS: Record<string, (live: Obj) => void> = {
  'cluster-1/VirtualService/bookinfo/meshport-reviews': live => {
    live.spec.http[0].timeout = '10s';
  },
};

/**
 * What istiod's analysis wrote on a live object (`status.validationMessages`, written when
 * istiod runs with its status and analysis features on; see
 * https://istio.io/latest/docs/reference/config/config-status/ and the message IST0101,
 * `Referenced %s not found: %q`, in istio/istio pkg/config/analysis/msg/messages.yaml).
 */
const ISTIO_STATUS: Record<string, Obj> = {
  'cluster-2/DestinationRule/bookinfo/meshport-bookinfo-reviews-global': {
    validationMessages: [
      {
        type: { code: 'IST0101', name: 'ReferencedResourceNotFound' },
        level: 'ERROR',
        description: 'Referenced host not found: "reviews.global"',
      },
    ],
  },
};

/**
 * The objects the policy repository's branch renders for a cluster, live as GitOps applies
 * them: the rendered spec, labels and annotations, with the API server's own metadata.
 */
function appliedPolicyObjects(c: ClusterState): Obj[] {
  const key = (o: Obj) =>
    `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
  // ordered by object, not by file, so the snapshot does not change when files move
  const renderedObjects = yamlFiles(join(POLICY_REPO, 'rendered', c.name))
    .map(file => parseYaml(readFileSync(file, 'utf8')) as Obj)
    .sort((a, b) => key(a).localeCompare(key(b)));
  return renderedObjects.map(rendered => {
    const [group] = String(rendered.apiVersion).split('/');
    const { namespace, name, labels, annotations } = rendered.metadata;
    const live = istioObject(
      c,
      rendered.kind,
      group,
      namespace,
      name,
      rendered.spec,
    ) as Obj;
    live.apiVersion = rendered.apiVersion;
    live.metadata = { annotations, ...live.metadata, labels };
    const at = `${c.name}/${key(rendered)}`;
    HAND_EDITS[at]?.(live);
    if (ISTIO_STATUS[at]) live.status = ISTIO_STATUS[at];
    return live;
  });
}

const withPolicyRepository = (spec: ClusterSpec): ClusterSpec => ({
  ...spec,
  config: c => [...spec.config(c), ...appliedPolicyObjects(c)],
});

for (const c of clusters)
  writeClusterSnapshot(
    join(__dirname, c.name),
    buildCluster(withPolicyRepository(c)),
  );
