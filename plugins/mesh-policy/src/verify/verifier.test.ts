import {
  both,
  fleet,
  multiNetwork,
  obj,
  PRODUCTPAGE,
  ROOT_A,
  ROOT_B,
  seedRouting,
} from './__fixtures__/meshes';
import { formatTrace } from './format';
import { Verifier } from './verifier';

const REVIEWS = 'reviews.bookinfo.svc.cluster.local';
const request = {
  from: PRODUCTPAGE,
  host: 'reviews.bookinfo',
  port: 9080,
  path: '/reviews/1',
};

function split(v: Verifier) {
  const t = v.trace(request);
  return t.legs.map(l => [l.share, l.cluster, l.subset, l.failure ?? 'ok']);
}

describe('the verifier: routing across networks', () => {
  it('resets the leg to another network when the serving cluster has no DestinationRule with the subset', () => {
    // buildOutboundSniDnatClusters builds the gateway's SNI clusters from the DestinationRules
    // ITS cluster sees: cluster-2 has none, so outbound_.9080_.c2-v3_.reviews… has no chain.
    const v = new Verifier(multiNetwork(), {
      resources: { 'cluster-1': seedRouting() },
    });
    const t = v.trace(request);
    expect(t.ok).toBe(false);
    expect(t.route).toMatchObject({
      virtualService: 'bookinfo/reviews',
      index: 0,
    });
    const [remote, v1, v2] = t.legs;
    expect(remote).toMatchObject({
      share: 75,
      cluster: 'cluster-2',
      travel: 'east-west-gateway',
      gateway: {
        cluster: 'cluster-2',
        address: '198.51.100.2',
        sni: `outbound_.9080_.c2-v3_.${REVIEWS}`,
        hasChain: false,
      },
      failureKind: 'transport',
    });
    expect(remote.failure).toMatch(
      /no DestinationRule on cluster-2 defines subset c2-v3 .*connection is reset/,
    );
    expect(v1).toMatchObject({
      share: 15,
      travel: 'local',
      cluster: 'cluster-1',
    });
    expect(v2).toMatchObject({
      share: 10,
      travel: 'local',
      cluster: 'cluster-1',
    });
    expect(v1.failure).toBeUndefined();
  });

  it('splits 75/15/10 with every leg reaching a ready endpoint once cluster-2 holds the subset', () => {
    const v = new Verifier(multiNetwork(), {
      resources: {
        'cluster-1': seedRouting(),
        'cluster-2': seedRouting().filter(o => o.kind === 'DestinationRule'),
      },
    });
    expect(split(v)).toEqual([
      [75, 'cluster-2', 'c2-v3', 'ok'],
      [15, 'cluster-1', 'c1-v1', 'ok'],
      [10, 'cluster-1', 'c1-v2', 'ok'],
    ]);
    const t = v.trace(request);
    expect(t.ok).toBe(true);
    expect(t.legs[0]).toMatchObject({
      gateway: { hasChain: true },
      tls: { mode: 'auto', mtls: true, ok: true },
      authz: { enforcer: 'sidecar', decision: 'allow' },
      endpointLabels: [expect.objectContaining({ version: 'v3' })],
    });
    const lines = formatTrace(t);
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(
      /^ok {3}75 % v3@cluster-2 \(east-west gw 198\.51\.100\.2, SNI outbound_\.9080_\.c2-v3_\.reviews/,
    );
  });

  it('sends endpoints of the same network directly and spreads an unpinned route by ready endpoints', () => {
    const f = multiNetwork();
    f.clusters[1].network = 'network-1';
    f.clusters[1].controlPlanes[0].network = 'network-1';
    // Without a VirtualService Envoy balances over every endpoint the client sees: 2 here, 1 there.
    const t = new Verifier(f, { resources: {} }).trace(request);
    expect(t.route).toBeUndefined();
    expect(t.legs.map(l => [l.cluster, l.travel, l.share.toFixed(2)])).toEqual([
      ['cluster-1', 'local', '66.67'],
      ['cluster-2', 'same-network', '33.33'],
    ]);
  });

  it('cannot reach pods of another network without an east-west gateway', () => {
    const f = multiNetwork();
    f.clusters[1].eastWestGateways = [];
    const t = new Verifier(f, { resources: {} }).trace(request);
    expect(t.legs[1]).toMatchObject({
      cluster: 'cluster-2',
      travel: 'direct-unreachable',
    });
    expect(t.ok).toBe(false);
  });

  it('answers 503 NC for a subset no DestinationRule on the client defines', () => {
    const v = new Verifier(multiNetwork(), {
      resources: {
        'cluster-1': seedRouting().filter(o => o.kind === 'VirtualService'),
      },
    });
    const t = v.trace(request);
    expect(t.legs.every(l => /503 NC/.test(l.failure ?? ''))).toBe(true);
  });

  it('resets plaintext sent to an AUTO_PASSTHROUGH gateway', () => {
    const dr = obj('DestinationRule', 'bookinfo', 'reviews', {
      ...(seedRouting()[1].spec as object),
      trafficPolicy: { tls: { mode: 'DISABLE' } },
    });
    const v = new Verifier(multiNetwork(), {
      resources: {
        'cluster-1': [seedRouting()[0], dr],
        'cluster-2': [dr],
      },
    });
    expect(v.trace(request).legs[0].failure).toMatch(
      /plaintext .* AUTO_PASSTHROUGH .* reset/,
    );
  });
});

describe('the verifier: first matching route', () => {
  const vs = (http: unknown[]) =>
    obj('VirtualService', 'bookinfo', 'reviews', { hosts: ['reviews'], http });
  const to = (subset: string) => [{ destination: { host: 'reviews', subset } }];
  const dr = obj('DestinationRule', 'bookinfo', 'reviews', {
    host: 'reviews',
    subsets: [
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' } },
    ],
  });
  const trace = (http: unknown[], path: string, extra = {}) =>
    new Verifier(multiNetwork(), {
      resources: { 'cluster-1': [vs(http), dr] },
    }).trace({ ...request, path, ...extra });

  it('takes the first route that matches, not the most specific one', () => {
    const http = [
      {
        name: 'broad',
        match: [{ uri: { prefix: '/reviews' } }],
        route: to('v1'),
      },
      {
        name: 'narrow',
        match: [{ uri: { prefix: '/reviews/beta' } }],
        route: to('v2'),
      },
    ];
    expect(trace(http, '/reviews/beta/x').route?.route).toBe('broad');
    expect(trace([...http].reverse(), '/reviews/beta/x').route?.route).toBe(
      'narrow',
    );
  });

  it('matches methods, headers, exact and regex paths and source labels', () => {
    const http = [
      { name: 'post', match: [{ method: { exact: 'POST' } }], route: to('v2') },
      {
        name: 'beta-user',
        match: [{ headers: { 'x-user': { exact: 'beta' } } }],
        route: to('v2'),
      },
      {
        name: 'regex',
        match: [{ uri: { regex: '/r/[0-9]+' } }],
        route: to('v2'),
      },
      {
        name: 'from-pp',
        match: [
          { sourceLabels: { app: 'productpage' }, uri: { exact: '/pp' } },
        ],
        route: to('v2'),
      },
      { name: 'rest', route: to('v1') },
    ];
    expect(trace(http, '/x', { method: 'POST' }).route?.route).toBe('post');
    expect(
      trace(http, '/x', { headers: { 'X-User': 'beta' } }).route?.route,
    ).toBe('beta-user');
    expect(trace(http, '/r/12').route?.route).toBe('regex');
    expect(trace(http, '/r/12a').route?.route).toBe('rest');
    expect(trace(http, '/pp').route?.route).toBe('from-pp');
  });

  it('answers 404 (NR) when no route matches', () => {
    const t = trace(
      [{ match: [{ uri: { exact: '/only' } }], route: to('v1') }],
      '/other',
    );
    expect(t.ok).toBe(false);
    expect(t.failure).toMatch(/404 \(NR, no route\)/);
  });
});

describe('the verifier: mTLS roots and trust domains', () => {
  const twoMeshes = (td2: string, root2 = ROOT_A, trusted2?: string[]) =>
    fleet(
      [
        {
          name: 'cluster-1',
          network: 'network-1',
          region: 'us-east-1',
          trustedRoots: trusted2 ? [ROOT_A, root2] : undefined,
        },
        {
          name: 'cluster-3',
          network: 'network-3',
          region: 'eu-west-1',
          trustDomain: td2,
          root: root2,
          trustedRoots: trusted2,
          gateway: '198.51.100.3',
        },
      ],
      [
        {
          namespace: 'bookinfo',
          name: 'reviews',
          instances: [
            { cluster: 'cluster-3', versions: ['v1'], trustDomain: td2 },
          ],
        },
        {
          namespace: 'bookinfo',
          name: 'productpage',
          instances: [
            {
              cluster: 'cluster-1',
              versions: ['v1'],
              serviceAccount: 'bookinfo-productpage',
            },
          ],
        },
      ],
      both('cluster-1', 'cluster-3', 'gateway-federation'),
    );
  // Gateway federation by hand: a ServiceEntry on the client whose endpoint is the remote
  // east-west gateway, ISTIO_MUTUAL, and on the serving side the host mapped onto the pods and
  // listed by an AUTO_PASSTHROUGH Gateway.
  const host = 'reviews.bookinfo.global';
  const client = [
    obj('ServiceEntry', 'bookinfo', 'reviews-global', {
      hosts: [host],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: [{ name: 'http', number: 9080, protocol: 'HTTP' }],
      endpoints: [
        {
          address: '198.51.100.3',
          network: 'network-3',
          ports: { http: 15443 },
        },
      ],
    }),
    obj('DestinationRule', 'bookinfo', 'reviews-global', {
      host,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    }),
  ];
  const serving = [
    obj('ServiceEntry', 'bookinfo', 'reviews-global', {
      hosts: [host],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: [
        { name: 'http', number: 9080, protocol: 'HTTP', targetPort: 9080 },
      ],
      workloadSelector: { labels: { app: 'reviews' } },
    }),
    obj('Gateway', 'istio-system', 'cross-network', {
      selector: { istio: 'eastwestgateway' },
      servers: [
        {
          port: { number: 15443, name: 'tls', protocol: 'TLS' },
          tls: { mode: 'AUTO_PASSTHROUGH' },
          hosts: ['*.global'],
        },
      ],
    }),
  ];
  const traceTo = (
    f: ReturnType<typeof twoMeshes>,
    resources: Record<string, typeof client>,
    settings = {},
  ) =>
    new Verifier(f, { resources, meshSettings: settings }).trace({
      ...request,
      host,
    });

  it('federates through the remote gateway when roots and trust domains agree', () => {
    const t = traceTo(twoMeshes('cluster.local'), {
      'cluster-1': client,
      'cluster-3': serving,
    });
    expect(t.ok).toBe(true);
    expect(t.legs[0]).toMatchObject({
      travel: 'east-west-gateway',
      gateway: { sni: `outbound_.9080_._.${host}`, hasChain: true },
      tls: { mode: 'ISTIO_MUTUAL', mtls: true, ok: true },
    });
  });

  it('resets when the serving gateway does not list the host', () => {
    const t = traceTo(twoMeshes('cluster.local'), {
      'cluster-1': client,
      'cluster-3': serving.filter(o => o.kind !== 'Gateway'),
    });
    expect(t.legs[0].failure).toMatch(
      /no Gateway with an AUTO_PASSTHROUGH server lists reviews\.bookinfo\.global/,
    );
  });

  it('fails the handshake between roots that do not trust each other', () => {
    const t = traceTo(twoMeshes('cluster.local', ROOT_B), {
      'cluster-1': client,
      'cluster-3': serving,
    });
    expect(t.legs[0].failure).toMatch(/do not trust each other's root/);
  });

  it('rejects a cluster.local caller in a mesh whose trust domain is another, unless aliased', () => {
    // pilot/pkg/networking/plugin/authn/util.go: the server accepts its trust domain, the
    // aliases and caCertificates[].trustDomains only; a shared root is not enough.
    const f = twoMeshes('mesh2.meshport.dev', ROOT_B, [ROOT_B, ROOT_A]);
    const resources = { 'cluster-1': client, 'cluster-3': serving };
    const t = traceTo(f, resources);
    expect(t.legs[0].failure).toMatch(
      /accepts peers from trust domain mesh2\.meshport\.dev only, the caller presents cluster\.local.*trustDomainAliases/,
    );
    const aliased = traceTo(f, resources, {
      'cluster-3': { trustDomainAliases: ['cluster.local'] },
    });
    expect(aliased.ok).toBe(true);
  });
});

describe('the verifier: authorization at the serving side', () => {
  const ambient = (waypoint?: string) =>
    fleet(
      [{ name: 'cluster-2', network: 'network-2', region: 'us-west-2' }],
      [
        {
          namespace: 'orders',
          name: 'orders',
          instances: [
            {
              cluster: 'cluster-2',
              versions: ['v1'],
              mode: 'ambient',
              waypoint,
            },
          ],
        },
        {
          namespace: 'shop',
          name: 'web',
          instances: [
            { cluster: 'cluster-2', versions: ['v1'], mode: 'ambient' },
          ],
        },
      ],
    );
  const caller = {
    cluster: 'cluster-2',
    namespace: 'shop',
    serviceAccount: 'web',
    mode: 'ambient' as const,
  };
  const allow = (extra: Record<string, unknown>) =>
    obj('AuthorizationPolicy', 'orders', 'grant', {
      action: 'ALLOW',
      ...extra,
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }],
          to: [{ operation: { methods: ['GET'], paths: ['/orders/*'] } }],
        },
      ],
    });
  const traceOrders = (
    f: ReturnType<typeof ambient>,
    objects: ReturnType<typeof obj>[],
  ) =>
    new Verifier(f, { resources: { 'cluster-2': objects } }).trace({
      from: caller,
      host: 'orders.orders',
      port: 9080,
      path: '/orders/7',
    });

  it('denies everyone when a selector ALLOW with L7 rules meets ztunnel ("fails safe")', () => {
    // pilot/pkg/serviceregistry/ambient/authorization.go: ALLOW rules with HTTP attributes are dropped.
    const t = traceOrders(ambient(), [
      allow({ selector: { matchLabels: { app: 'orders' } } }),
    ]);
    expect(t.legs[0].authz).toMatchObject({
      enforcer: 'ztunnel',
      decision: 'deny',
    });
    expect(t.legs[0].authz?.reason).toMatch(/fail safe/);
    expect(t.legs[0].failureKind).toBe('authz');
  });

  it('admits the caller at ztunnel when the grant is L4-only', () => {
    const l4 = obj('AuthorizationPolicy', 'orders', 'grant', {
      selector: { matchLabels: { app: 'orders' } },
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }],
        },
      ],
    });
    expect(traceOrders(ambient(), [l4]).legs[0].authz).toMatchObject({
      enforcer: 'ztunnel',
      decision: 'allow',
    });
  });

  it('enforces L7 rules at the waypoint a targetRefs policy attaches to', () => {
    const atWaypoint = allow({
      targetRefs: [{ kind: 'Service', group: '', name: 'orders' }],
    });
    const t = traceOrders(ambient('waypoint'), [atWaypoint]);
    expect(t.legs[0].authz).toMatchObject({
      enforcer: 'waypoint',
      decision: 'allow',
    });
    const denied = new Verifier(ambient('waypoint'), {
      resources: { 'cluster-2': [atWaypoint] },
    }).trace({
      from: caller,
      host: 'orders.orders',
      port: 9080,
      path: '/admin',
    });
    expect(denied.legs[0].authz?.decision).toBe('deny');
  });

  it('attaches a policy to the waypoint by its Gateway, and only by a targetRef the waypoint serves', () => {
    // pilot/pkg/model/policyattachment.go ShouldAttachPolicy: a waypoint takes policies naming
    // its Service or its Gateway (policy in the Gateway's namespace), never selector ones.
    const byGateway = allow({
      targetRefs: [
        {
          kind: 'Gateway',
          group: 'gateway.networking.k8s.io',
          name: 'waypoint',
        },
      ],
    });
    const stranger = { ...caller, serviceAccount: 'stranger' };
    const trace = (objects: ReturnType<typeof obj>[], from = caller) =>
      new Verifier(ambient('waypoint'), {
        resources: { 'cluster-2': objects },
      }).trace({ from, host: 'orders.orders', port: 9080, path: '/orders/7' });
    expect(trace([byGateway]).legs[0].authz).toMatchObject({
      enforcer: 'waypoint',
      decision: 'allow',
    });
    expect(trace([byGateway], stranger).legs[0].authz?.decision).toBe('deny');
    // A Service ref to another service and a Gateway ref to another waypoint attach nowhere
    // here: no ALLOW applies, so the stranger is admitted.
    const elsewhere = allow({
      targetRefs: [
        { kind: 'Service', group: '', name: 'web' },
        { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'other' },
      ],
    });
    expect(trace([elsewhere], stranger).legs[0].authz?.decision).toBe('allow');
  });

  it('on a sidecar: DENY before ALLOW, default deny once an ALLOW applies, aliases of cluster.local', () => {
    const f = multiNetwork();
    const allowPp = obj('AuthorizationPolicy', 'bookinfo', 'pp', {
      selector: { matchLabels: { app: 'reviews' } },
      rules: [
        {
          from: [
            {
              source: {
                principals: [
                  'cluster.local/ns/bookinfo/sa/bookinfo-productpage',
                ],
              },
            },
          ],
        },
      ],
    });
    const denyPost = obj('AuthorizationPolicy', 'istio-system', 'no-post', {
      action: 'DENY',
      rules: [{ to: [{ operation: { methods: ['POST'] } }] }],
    });
    const local = (objects: ReturnType<typeof obj>[], extra = {}) =>
      new Verifier(f, { resources: { 'cluster-1': objects } })
        .trace({ ...request, ...extra })
        .legs.filter(l => l.cluster === 'cluster-1')
        .map(l => l.authz?.decision);
    expect(local([allowPp])).toEqual(['allow']);
    expect(local([allowPp, denyPost], { method: 'POST' })).toEqual(['deny']);
    expect(
      local([allowPp], { from: { ...PRODUCTPAGE, serviceAccount: 'other' } }),
    ).toEqual(['deny']);
  });

  it('says it cannot decide when a hand-written policy it cannot read applies', () => {
    const f = multiNetwork();
    f.services[0].instances[0].config = [
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        namespace: 'bookinfo',
        name: 'by-hand',
      },
    ];
    const t = new Verifier(f, { resources: {} }).trace(request);
    expect(t.legs[0].authz?.decision).toBe('unknown');
    expect(t.notes.join()).toMatch(/bookinfo\/by-hand/);
  });
});

describe('the verifier: callers and inputs it does not model', () => {
  it('does not apply a VirtualService for an ambient caller without a waypoint', () => {
    const v = new Verifier(multiNetwork(), {
      resources: { 'cluster-1': seedRouting() },
    });
    const t = v.trace({
      ...request,
      from: { ...PRODUCTPAGE, mode: 'ambient' },
    });
    expect(t.route).toBeUndefined();
    expect(t.notes.join()).toMatch(/VirtualService is not applied/);
  });

  it('refuses a caller on a Linkerd cluster or an unknown cluster with a reason', () => {
    const f = fleet(
      [{ name: 'east', network: 'n', region: 'r', kind: 'linkerd' }],
      [],
    );
    const v = new Verifier(f, { resources: {} });
    expect(
      v.trace({ ...request, from: { cluster: 'east', namespace: 'shop' } })
        .failure,
    ).toMatch(/Linkerd/);
    expect(
      v.trace({ ...request, from: { cluster: 'nope', namespace: 'shop' } })
        .failure,
    ).toMatch(/unknown cluster nope/);
  });

  it('skips malformed objects without failing the others', () => {
    const broken = [
      {
        kind: 'VirtualService',
        metadata: { name: 'x', namespace: 'bookinfo' },
        spec: { hosts: 'not-a-list', http: 7 },
      },
      { kind: 'DestinationRule', metadata: { name: '' } },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'holes', namespace: 'bookinfo' },
        spec: { rules: [null, { from: [null], to: 'x' }] },
      },
    ] as never[];
    const v = new Verifier(multiNetwork(), {
      resources: { 'cluster-1': broken },
    });
    expect(v.trace(request).legs.length).toBeGreaterThan(0);
  });
});

describe('the verifier: hand-written routing it was not given', () => {
  it('notes it instead of pretending to know', () => {
    const f = multiNetwork();
    f.services[0].instances[0].config = [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        namespace: 'bookinfo',
        name: 'by-hand',
      },
    ];
    const t = new Verifier(f, { resources: {} }).trace(request);
    expect(t.notes).toContain(
      `hand-written VirtualService bookinfo/by-hand on cluster-1 touches ${REVIEWS} and was not given to the verifier: routing may differ`,
    );
  });
});

describe('the verifier: a caller outside the mesh', () => {
  it('reaches its own cluster only, in plaintext, and is refused by a STRICT server', () => {
    const f = multiNetwork();
    const outside = { ...PRODUCTPAGE, mode: 'none' as const };
    const t = new Verifier(f, { resources: {} }).trace({
      ...request,
      from: outside,
    });
    expect(t.legs.map(l => [l.cluster, l.tls?.mtls])).toEqual([
      ['cluster-1', false],
    ]);
    f.services[0].instances[0].mtls = { mode: 'STRICT' };
    const strict = new Verifier(f, { resources: {} }).trace({
      ...request,
      from: outside,
    });
    expect(strict.legs[0].failure).toMatch(/PeerAuthentication STRICT/);
  });
});

describe('the verifier: DENY at ztunnel', () => {
  const f = fleet(
    [{ name: 'cluster-2', network: 'network-2', region: 'us-west-2' }],
    [
      {
        namespace: 'orders',
        name: 'orders',
        instances: [
          { cluster: 'cluster-2', versions: ['v1'], mode: 'ambient' },
        ],
      },
      {
        namespace: 'shop',
        name: 'web',
        instances: [
          { cluster: 'cluster-2', versions: ['v1'], mode: 'ambient' },
        ],
      },
    ],
  );
  const caller = {
    cluster: 'cluster-2',
    namespace: 'shop',
    serviceAccount: 'web',
    mode: 'ambient' as const,
  };
  const decide = (rules: unknown[]) =>
    new Verifier(f, {
      resources: {
        'cluster-2': [
          obj('AuthorizationPolicy', 'orders', 'deny', {
            action: 'DENY',
            rules,
          }),
        ],
      },
    }).trace({ from: caller, host: 'orders.orders', port: 9080, path: '/x' })
      .legs[0].authz?.decision;

  it('drops the HTTP parts of a DENY rule and skips a rule left with nothing', () => {
    expect(decide([{ to: [{ operation: { methods: ['POST'] } }] }])).toBe(
      'allow',
    );
    expect(
      decide([
        {
          from: [{ source: { namespaces: ['shop'] } }],
          to: [{ operation: { methods: ['POST'] } }],
        },
      ]),
    ).toBe('deny');
  });
});
