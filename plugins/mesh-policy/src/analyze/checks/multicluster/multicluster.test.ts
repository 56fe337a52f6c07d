import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import {
  both,
  fleet,
  multiNetwork,
  obj,
  ROOT_B,
} from '../../../verify/__fixtures__/meshes';
import type { ClusterObject } from '../../../verify/types';
import {
  linkerdFleet,
  multiNetworkFleet,
  multiPrimaryFleet,
} from '../../../__fixtures__/fleets';
import { withConfig } from '../../__fixtures__/withConfig';
import { analyzeFleet, diffFindings } from '../../analyzeFleet';
import type { Check } from '../../types';
import { multiclusterChecks } from '../multicluster';
import { istioPortProtocol } from './lookups';

const check = (code: string): Check =>
  multiclusterChecks.find(c => c.code === code)!;

function run(code: string, f: Fleet) {
  const result = analyzeFleet({ fleet: f }, [check(code)]);
  // a check that throws is turned into a note: the tests must see it
  expect(result.notes.filter(n => n.includes('failed'))).toEqual([]);
  return result.findings;
}

/** The fleet with its changes applied to a deep copy. */
function edit(f: Fleet, change: (f: Fleet) => void): Fleet {
  const copy = structuredClone(f);
  change(copy);
  return copy;
}

const reviews = (f: Fleet) => f.services.find(s => s.name === 'reviews')!;
const instanceIn = (f: Fleet, cluster: string) =>
  reviews(f).instances.find(i => i.cluster === cluster)!;
const clusterOf = (f: Fleet, name: string) =>
  f.clusters.find(c => c.name === name)!;

/** multiNetwork with an owner on reviews, so findings can be checked for owners. */
function owned(): Fleet {
  return edit(multiNetwork(), f => {
    reviews(f).owner = 'group:default/reviews-team';
  });
}

const crossNetworkGateway = (hosts = ['*.local'], port = 15443) =>
  obj('Gateway', 'istio-system', 'cross-network-gateway', {
    selector: { istio: 'eastwestgateway' },
    servers: [
      {
        port: { number: port, name: 'tls', protocol: 'TLS' },
        tls: { mode: 'AUTO_PASSTHROUGH' },
        hosts,
      },
    ],
  });

describe('MESH401 service with different ports across clusters', () => {
  it('reports a port named differently in one cluster, naming both Services and the owner', () => {
    const f = edit(owned(), x => {
      instanceIn(x, 'cluster-2').ports = [
        { name: 'tcp-reviews', port: 9080, protocol: 'TCP' },
      ];
    });
    const findings = run('MESH401', f);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      code: 'MESH401',
      severity: 'warning',
      services: ['bookinfo/reviews'],
      owners: ['group:default/reviews-team'],
      clusters: ['cluster-1', 'cluster-2'],
      equivalent: { istio: 'IST0170' },
    });
    // cluster-1 and cluster-2 tie; the first cluster's definition is the reference
    expect(
      finding.objects.map(
        o => `${o.kind} ${o.namespace}/${o.name} ${o.cluster}`,
      ),
    ).toEqual([
      'Service bookinfo/reviews cluster-2',
      'Service bookinfo/reviews cluster-1',
    ]);
    expect(finding.message).toContain(
      'in cluster cluster-2 it has port 9080 as tcp-reviews (TCP) where the others have http (HTTP)',
    );
    expect(finding.message).toContain(
      'on port 9080 callers never reach the clusters that name it differently',
    );
    expect(finding.fix).toContain('in cluster cluster-2: name port 9080 http');
  });

  it('aligns on the definition most clusters share and reports a missing port', () => {
    const f = edit(owned(), x => {
      x.clusters.push(
        edit({ ...x, clusters: [clusterOf(x, 'cluster-2')] }, y => {
          y.clusters[0].name = 'cluster-3';
          y.clusters[0].controlPlanes[0].clusterId = 'cluster-3';
        }).clusters[0],
      );
      x.links.push(
        ...both('cluster-1', 'cluster-3', 'shared-endpoint-discovery'),
      );
      reviews(x).instances.push({
        ...structuredClone(instanceIn(x, 'cluster-2')),
        cluster: 'cluster-3',
      });
      instanceIn(x, 'cluster-1').ports.push({
        name: 'grpc',
        port: 9090,
        protocol: 'TCP',
      });
    });
    const [finding] = run('MESH401', f);
    expect(finding.objects.map(o => o.cluster)).toEqual([
      'cluster-1',
      'cluster-2',
      'cluster-3',
    ]);
    expect(finding.message).toContain(
      'in cluster cluster-1 it has port 9090 the others lack',
    );
    expect(finding.fix).toContain('remove port 9090');
  });

  it('reports callers that see both definitions without running the service', () => {
    const f = edit(
      fleet(
        [
          { name: 'a', network: 'n1', region: 'r1', reads: ['b', 'c'] },
          { name: 'b', network: 'n1', region: 'r1' },
          { name: 'c', network: 'n1', region: 'r1' },
        ],
        [
          {
            namespace: 'shop',
            name: 'cart',
            instances: [
              { cluster: 'b', versions: ['v1'] },
              { cluster: 'c', versions: ['v1'] },
            ],
          },
        ],
      ),
      x => {
        x.services[0].instances[1].ports[0].appProtocol = 'grpc';
      },
    );
    const [finding] = run('MESH401', f);
    expect(finding.clusters).toEqual(['a', 'b', 'c']);
    expect(finding.message).toContain(
      'proxies in a whichever registry their control plane added first',
    );
    expect(finding.message).not.toContain('callers never reach');
    expect(finding.fix).toContain(
      'in cluster c: remove appProtocol grpc from port 9080',
    );
  });

  it('reports nothing when every cluster defines the service alike', () => {
    expect(run('MESH401', owned())).toEqual([]);
  });

  it('reports nothing when no control plane merges the two clusters', () => {
    const f = edit(owned(), x => {
      x.links = [];
      for (const c of x.clusters) c.controlPlanes[0].readsEndpointsFrom = [];
      instanceIn(x, 'cluster-2').ports = [
        { name: 'tcp', port: 9080, protocol: 'TCP' },
      ];
    });
    expect(run('MESH401', f)).toEqual([]);
  });

  it('never throws on malformed ports', () => {
    const f = edit(owned(), x => {
      const bad = instanceIn(x, 'cluster-2') as unknown as Record<
        string,
        unknown
      >;
      bad.ports = [null, { port: 'x' }, { port: 9080, name: 7 }];
      (instanceIn(x, 'cluster-1') as unknown as Record<string, unknown>).ports =
        null;
    });
    expect(() => run('MESH401', f)).not.toThrow();
  });
});

describe('istioPortProtocol', () => {
  it('reads protocols the way Istio does', () => {
    const p = (name?: string, appProtocol?: string, port = 8080) =>
      istioPortProtocol({ name, appProtocol, port, protocol: 'TCP' });
    expect(p('http-web')).toBe('HTTP');
    expect(p('grpc-web-ui')).toBe('GRPC-Web');
    expect(p('web', 'http2')).toBe('HTTP2');
    expect(p('web', 'kubernetes.io/h2c')).toBe('HTTP2');
    expect(p('web')).toBe('auto');
    expect(p('db', undefined, 3306)).toBe('TCP');
    expect(istioPortProtocol({ name: 'http', port: 53, protocol: 'UDP' })).toBe(
      'UDP',
    );
  });
});

describe('MESH402 network without an east-west gateway', () => {
  const noGatewayIn2 = () =>
    edit(owned(), x => {
      clusterOf(x, 'cluster-2').eastWestGateways = [];
    });

  it('reports the serving network, its clusters, the callers and the services', () => {
    const findings = run('MESH402', noGatewayIn2());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH402',
      severity: 'error',
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      owners: ['group:default/reviews-team'],
      objects: [
        {
          cluster: 'cluster-2',
          apiVersion: 'v1',
          kind: 'Namespace',
          name: 'istio-system',
        },
      ],
    });
    expect(findings[0].message).toContain(
      'Cluster cluster-1 (network network-1) reads the endpoints of cluster cluster-2 on network network-2',
    );
    expect(findings[0].fix).toContain('--network network-2');
  });

  it('says when the gateway has no address yet', () => {
    const f = edit(noGatewayIn2(), x => {
      clusterOf(x, 'cluster-2').eastWestGateways = [
        {
          namespace: 'istio-system',
          name: 'istio-eastwestgateway',
          addresses: [],
          port: 15443,
        },
      ];
    });
    expect(run('MESH402', f)[0].message).toContain('has no external address');
  });

  it('reports nothing when both networks have gateways', () => {
    expect(run('MESH402', owned())).toEqual([]);
  });

  it('reports nothing on one network, or when networks are unknown', () => {
    const same = edit(noGatewayIn2(), x => {
      for (const c of x.clusters) {
        c.network = 'flat';
        c.controlPlanes[0].network = 'flat';
      }
    });
    expect(run('MESH402', same)).toEqual([]);
    const unknown = edit(noGatewayIn2(), x => {
      for (const c of x.clusters) {
        delete c.network;
        delete c.controlPlanes[0].network;
      }
    });
    expect(run('MESH402', unknown)).toEqual([]);
  });

  it('counts a gateway of the same network in another cluster only when the caller reads that cluster', () => {
    const f = fleet(
      [
        { name: 'a', network: 'n1', region: 'r1', reads: ['b', 'c'] },
        { name: 'b', network: 'n2', region: 'r2', reads: ['a'] },
        { name: 'c', network: 'n2', region: 'r2', gateway: '192.0.2.9' },
      ],
      [
        {
          namespace: 'shop',
          name: 'cart',
          instances: [{ cluster: 'b', versions: ['v1'] }],
        },
      ],
    );
    expect(run('MESH402', f)).toEqual([]);
    const unread = edit(f, x => {
      clusterOf(x, 'a').controlPlanes[0].readsEndpointsFrom = ['b'];
    });
    const [finding] = run('MESH402', unread);
    expect(finding.message).toContain(
      'cluster c has one, but its endpoints are not read there',
    );
    expect(finding.objects.map(o => o.cluster)).toEqual(['b']);
  });
});

describe('MESH403 east-west gateway without AUTO_PASSTHROUGH', () => {
  const configured = (objects: Record<string, ClusterObject[]>) =>
    withConfig(owned(), objects);

  it('reports a gateway with no passthrough Gateway where its config is known', () => {
    const findings = run('MESH403', configured({ 'cluster-2': [] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH403',
      severity: 'error',
      objects: [
        {
          cluster: 'cluster-2',
          kind: 'Service',
          namespace: 'istio-system',
          name: 'istio-eastwestgateway',
        },
      ],
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      owners: ['group:default/reviews-team'],
    });
    expect(findings[0].message).toContain(
      'no Gateway in cluster cluster-2 gives it an AUTO_PASSTHROUGH listener on port 15443',
    );
    expect(findings[0].fix).toContain('hosts ["*.local"]');
  });

  it('reports nothing with the cross-network Gateway, or when the config is unknown', () => {
    expect(
      run(
        'MESH403',
        configured({
          'cluster-1': [crossNetworkGateway()],
          'cluster-2': [crossNetworkGateway(['*/*.local'])],
        }),
      ),
    ).toEqual([]);
    expect(run('MESH403', owned())).toEqual([]);
  });

  it('names the Gateway to change when its listener is on the wrong port or misses hosts', () => {
    const [wrongPort] = run(
      'MESH403',
      configured({ 'cluster-2': [crossNetworkGateway(['*.local'], 443)] }),
    );
    expect(wrongPort.objects[0]).toMatchObject({
      kind: 'Gateway',
      name: 'cross-network-gateway',
    });
    expect(wrongPort.message).toContain('on port 443, not on port 15443');

    const [partial] = run(
      'MESH403',
      configured({
        'cluster-2': [
          crossNetworkGateway(['productpage.bookinfo.svc.cluster.local']),
        ],
      }),
    );
    expect(partial.message).toContain(
      'leaves out 1 host routed through it (reviews.bookinfo.svc.cluster.local)',
    );
  });

  it('stays silent when a passthrough Gateway selects labels it cannot see', () => {
    const custom = obj('Gateway', 'istio-system', 'custom', {
      selector: { 'my-gateway': 'east' },
      servers: [
        {
          port: { number: 15443 },
          tls: { mode: 'AUTO_PASSTHROUGH' },
          hosts: ['*.local'],
        },
      ],
    });
    expect(run('MESH403', configured({ 'cluster-2': [custom] }))).toEqual([]);
  });

  it('checks the federated hosts clients send through the gateway', () => {
    const f = edit(
      withConfig(
        fleet(
          [
            { name: 'east', network: 'n1', region: 'r1' },
            {
              name: 'west',
              network: 'n2',
              region: 'r2',
              gateway: '203.0.113.7',
            },
          ],
          [],
        ),
        {
          east: [
            obj('ServiceEntry', 'bookinfo', 'reviews-global', {
              hosts: ['reviews.bookinfo.global'],
              endpoints: [{ address: '203.0.113.7', ports: { http: 15443 } }],
            }),
          ],
          west: [crossNetworkGateway()],
        },
      ),
      x => {
        x.links = [{ from: 'east', to: 'west', via: 'gateway-federation' }];
      },
    );
    const [finding] = run('MESH403', f);
    expect(finding.message).toContain('reviews.bookinfo.global');
    expect(finding.fix).toContain('"*.global"');
  });

  it('reports the Gateway a pull request deletes, and leaves an ambient gateway alone', () => {
    const live = configured({
      'cluster-1': [crossNetworkGateway()],
      'cluster-2': [crossNetworkGateway()],
    });
    const before = analyzeFleet({ fleet: live }, [check('MESH403')]);
    const after = analyzeFleet(
      {
        fleet: live,
        removed: {
          'cluster-2': [
            {
              kind: 'Gateway',
              namespace: 'istio-system',
              name: 'cross-network-gateway',
            },
          ],
        },
      },
      [check('MESH403')],
    );
    expect(diffFindings(before.findings, after.findings).introduced).toEqual([
      expect.objectContaining({
        code: 'MESH403',
        clusters: ['cluster-1', 'cluster-2'],
      }),
    ]);
    const proposed = analyzeFleet(
      {
        fleet: live,
        proposed: { 'cluster-2': [crossNetworkGateway(['*.local'], 443)] },
      },
      [check('MESH403')],
    );
    expect(proposed.findings[0].objects[0]).toMatchObject({
      kind: 'Gateway',
      proposed: true,
    });
    const ambient = edit(configured({ 'cluster-2': [] }), x => {
      clusterOf(x, 'cluster-2').eastWestGateways[0].port = 15008;
    });
    expect(run('MESH403', ambient)).toEqual([]);
  });

  it('never throws on malformed Gateways', () => {
    const bad = [
      obj('Gateway', 'istio-system', 'a', { servers: null }),
      obj('Gateway', 'istio-system', 'b', {
        servers: [null, { tls: 'x' }, { tls: { mode: 'AUTO_PASSTHROUGH' } }],
      }),
      obj('Gateway', 'istio-system', 'c', {
        selector: 'x',
        servers: [
          { tls: { mode: 'AUTO_PASSTHROUGH' }, port: 'x', hosts: [1, null] },
        ],
      }),
      { kind: 'Gateway', metadata: { name: 'd', namespace: 'x' } },
    ] as ClusterObject[];
    expect(() =>
      run('MESH403', configured({ 'cluster-2': bad })),
    ).not.toThrow();
  });
});

describe('MESH404 control plane without the remote secret its mesh implies', () => {
  const oneWay = () =>
    edit(owned(), x => {
      x.links = [
        {
          from: 'cluster-1',
          to: 'cluster-2',
          via: 'shared-endpoint-discovery',
        },
      ];
      clusterOf(x, 'cluster-2').controlPlanes[0].readsEndpointsFrom = [];
      x.meshes = [
        {
          id: 'istio-mesh1',
          kind: 'istio',
          clusters: ['cluster-1', 'cluster-2'],
          trustDomains: ['cluster.local'],
          rootCertFingerprints: ['sha256:aaaa'],
          sharedRootOfTrust: true,
        },
      ];
    });

  it('reports the primary that reads nobody back', () => {
    const findings = run('MESH404', oneWay());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH404',
      severity: 'warning',
      objects: [
        {
          cluster: 'cluster-2',
          kind: 'Secret',
          namespace: 'istio-system',
          name: 'istio-remote-secret-cluster-1',
        },
      ],
      clusters: ['cluster-1', 'cluster-2'],
    });
    expect(findings[0].fix).toContain(
      'istioctl create-remote-secret --context=<cluster-1> --name=cluster-1',
    );
  });

  it('reports nothing when both read each other, or the other is not one mesh, a remote or unknown', () => {
    expect(run('MESH404', owned())).toEqual([]);
    const cases: ((x: Fleet) => void)[] = [
      x => {
        clusterOf(x, 'cluster-2').controlPlanes[0].remoteClustersUnknown = true;
      },
      x => {
        clusterOf(x, 'cluster-2').controlPlanes[0].external = true;
      },
      x => {
        x.meshes = [];
      },
      x => {
        clusterOf(x, 'cluster-1').controlPlanes[0].meshId = 'mesh-a';
        clusterOf(x, 'cluster-2').controlPlanes[0].meshId = 'mesh-b';
      },
      x => {
        clusterOf(x, 'cluster-2').controlPlanes[0].rootCertFingerprint = ROOT_B;
      },
    ];
    for (const change of cases)
      expect(run('MESH404', edit(oneWay(), change))).toEqual([]);
  });

  it('reports a remote secret naming no cluster of the fleet', () => {
    const f = edit(owned(), x => {
      clusterOf(x, 'cluster-1').controlPlanes[0].unresolvedRemoteClusters = [
        'cluster-9',
      ];
    });
    const [finding] = run('MESH404', f);
    expect(finding.objects).toEqual([
      {
        cluster: 'cluster-1',
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'istio-system',
        name: 'istio-remote-secret-cluster-9',
      },
    ]);
    expect(finding.message).toContain('names cluster cluster-9');
    const unknown = edit(f, x => {
      clusterOf(x, 'cluster-1').controlPlanes[0].remoteClustersUnknown = true;
    });
    expect(run('MESH404', unknown)).toEqual([]);
  });

  it('never throws on odd control planes', () => {
    const f = edit(owned(), x => {
      const plane = clusterOf(x, 'cluster-1')
        .controlPlanes[0] as unknown as Record<string, unknown>;
      plane.unresolvedRemoteClusters = [null, 3, ''];
      plane.readsEndpointsFrom = ['cluster-2', 'nowhere'];
      x.meshes = null as unknown as Fleet['meshes'];
    });
    expect(() => run('MESH404', f)).not.toThrow();
  });
});

describe('MESH405 injection differs across clusters', () => {
  const unmeshedIn2 = () =>
    edit(owned(), x => {
      instanceIn(x, 'cluster-2').dataPlaneMode = 'none';
    });

  it('reports the namespace to label in the cluster without a proxy', () => {
    const findings = run('MESH405', unmeshedIn2());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH405',
      severity: 'warning',
      services: ['bookinfo/reviews'],
      owners: ['group:default/reviews-team'],
      clusters: ['cluster-1', 'cluster-2'],
    });
    expect(findings[0].objects.map(o => `${o.kind} ${o.cluster}`)).toEqual([
      'Namespace cluster-2',
      'Service cluster-1',
    ]);
    expect(findings[0].message).toContain(
      'callers on other networks never reach the endpoints without a proxy',
    );
    expect(findings[0].fix).toContain(
      'kubectl label namespace bookinfo istio-injection=enabled --context=<cluster-2>',
    );
  });

  it('reports nothing when the data plane is the same, the clusters are apart or nothing is ready there', () => {
    expect(run('MESH405', owned())).toEqual([]);
    const apart = edit(unmeshedIn2(), x => {
      x.links = [];
      for (const c of x.clusters) c.controlPlanes[0].readsEndpointsFrom = [];
    });
    expect(run('MESH405', apart)).toEqual([]);
    const idle = edit(unmeshedIn2(), x => {
      instanceIn(x, 'cluster-2').endpoints = { ready: 0, total: 1 };
    });
    expect(run('MESH405', idle)).toEqual([]);
  });

  it('never throws on malformed instances', () => {
    const f = edit(unmeshedIn2(), x => {
      const i = instanceIn(x, 'cluster-1') as unknown as Record<
        string,
        unknown
      >;
      i.endpoints = null;
      reviews(x).instances.push(null as never);
    });
    expect(() => run('MESH405', f)).not.toThrow();
  });
});

describe('healthy fleets', () => {
  it('give no multi-cluster finding', () => {
    const healthy = [
      multiPrimaryFleet(),
      multiNetworkFleet(),
      linkerdFleet(),
      linkerdFleet('gateway'),
      withConfig(owned(), {
        'cluster-1': [crossNetworkGateway()],
        'cluster-2': [crossNetworkGateway()],
      }),
    ];
    for (const f of healthy)
      expect(analyzeFleet({ fleet: f }, multiclusterChecks).findings).toEqual(
        [],
      );
  });
});
