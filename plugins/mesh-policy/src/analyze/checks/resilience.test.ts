import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { compile } from '../../compile';
import { failover } from '../../__fixtures__/policies';
import { multiNetworkFleet } from '../../__fixtures__/fleets';
import { fleet, multiNetwork, obj } from '../../verify/__fixtures__/meshes';
import type { ClusterObject } from '../../verify/types';
import { withConfig } from '../__fixtures__/withConfig';
import { analyzeFleet } from '../analyzeFleet';
import { resilienceChecks } from './resilience';

const REVIEWS = 'reviews.bookinfo.svc.cluster.local';
const check = (code: string) => resilienceChecks.filter(c => c.code === code);

function dr(name: string, trafficPolicy: unknown, extra: object = {}) {
  return obj('DestinationRule', 'bookinfo', name, {
    host: REVIEWS,
    trafficPolicy,
    ...extra,
  });
}

const OUTLIER = { consecutive5xxErrors: 5, interval: '10s' };
const FAILOVER = {
  localityLbSetting: {
    enabled: true,
    failover: [{ from: 'us-east-1', to: 'us-west-2' }],
  },
};

function run(code: string, config: Record<string, ClusterObject[]>, f?: Fleet) {
  return analyzeFleet(
    { fleet: withConfig(f ?? multiNetwork(), config) },
    check(code),
  );
}

describe('MESH501 locality failover without outlier detection', () => {
  it('finds a DestinationRule that fails over without outlierDetection and points at the cluster that has it', () => {
    const { findings } = run('MESH501', {
      'cluster-1': [dr('reviews', { loadBalancer: FAILOVER })],
      'cluster-2': [
        dr('reviews', { loadBalancer: FAILOVER, outlierDetection: OUTLIER }),
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH501',
      severity: 'warning',
      clusters: ['cluster-1'],
      services: ['bookinfo/reviews'],
      equivalent: { istio: 'IST0133' },
      objects: [
        { cluster: 'cluster-1', kind: 'DestinationRule', name: 'reviews' },
      ],
    });
    expect(findings[0].message).toContain(
      'DestinationRule bookinfo/reviews in cluster cluster-1',
    );
    expect(findings[0].fix).toContain(
      'as DestinationRule bookinfo/reviews in cluster cluster-2 does',
    );
  });

  it('finds a port-level or subset setting that has no outlier detection to inherit', () => {
    const { findings } = run('MESH501', {
      'cluster-1': [
        dr(
          'reviews',
          {
            portLevelSettings: [
              { port: { number: 9080 }, loadBalancer: FAILOVER },
            ],
          },
          {
            subsets: [
              {
                name: 'v1',
                labels: { version: 'v1' },
                trafficPolicy: { loadBalancer: FAILOVER },
              },
            ],
          },
        ),
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      'trafficPolicy.portLevelSettings[port 9080], subsets[v1].trafficPolicy',
    );
  });

  it('says nothing when outlier detection is set, inherited, failover is off or distribute is used', () => {
    const { findings } = run('MESH501', {
      'cluster-1': [
        dr('a', { loadBalancer: FAILOVER, outlierDetection: OUTLIER }),
        dr(
          'b',
          { outlierDetection: OUTLIER },
          {
            subsets: [
              { name: 'v1', trafficPolicy: { loadBalancer: FAILOVER } },
            ],
          },
        ),
        dr('c', {
          loadBalancer: {
            localityLbSetting: { enabled: false, failover: [] },
          },
        }),
        dr('d', {
          loadBalancer: {
            localityLbSetting: {
              distribute: [{ from: 'us-east-1/*', to: { 'us-east-1/*': 100 } }],
            },
          },
        }),
      ],
    });
    expect(findings).toEqual([]);
  });

  it('sends a DestinationRule Meshport rendered back to its VirtualDestination', () => {
    const result = compile([failover()], multiNetworkFleet());
    expect(result.errors).toEqual([]);
    // outlier detection removed by hand from the rendered objects
    const edited = Object.fromEntries(
      Object.entries(result.resources as Record<string, ClusterObject[]>).map(
        ([c, objects]) => [
          c,
          objects.map(o =>
            o.kind === 'DestinationRule'
              ? {
                  ...o,
                  spec: {
                    ...o.spec,
                    trafficPolicy: {
                      ...(o.spec!.trafficPolicy as object),
                      outlierDetection: undefined,
                    },
                  },
                }
              : o,
          ),
        ],
      ),
    );
    const { findings } = run('MESH501', edited, multiNetworkFleet());
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.objects[0]).toMatchObject({
        kind: 'DestinationRule',
        meshportPolicy: 'virtualdestination.bookinfo.reviews-global',
      });
      expect(f.fix).toContain(
        'Render virtualdestination.bookinfo.reviews-global again',
      );
    }
  });

  it('never throws on malformed DestinationRules', () => {
    const broken = [
      obj('DestinationRule', 'bookinfo', 'x', {
        trafficPolicy: null,
        subsets: [null, 3, { trafficPolicy: 'no' }],
      } as never),
      obj('DestinationRule', 'bookinfo', 'y', {
        host: 7,
        trafficPolicy: {
          loadBalancer: { localityLbSetting: { failover: [null, 'x'] } },
          portLevelSettings: 'x',
        },
      } as never),
      { kind: 'DestinationRule', metadata: { name: 'z' } } as ClusterObject,
    ];
    for (const code of ['MESH501', 'MESH502', 'MESH503']) {
      const result = run(code, { 'cluster-1': broken });
      expect(result.notes.filter(n => n.includes('failed'))).toEqual([]);
    }
  });
});

describe('MESH502 distribute with failover', () => {
  it('finds a localityLbSetting with both', () => {
    const { findings } = run('MESH502', {
      'cluster-2': [
        dr('reviews', {
          outlierDetection: OUTLIER,
          loadBalancer: {
            localityLbSetting: {
              distribute: [{ from: 'us-west-2/*', to: { 'us-west-2/*': 100 } }],
              failover: [{ from: 'us-west-2', to: 'us-east-1' }],
            },
          },
        }),
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH502',
      severity: 'error',
      clusters: ['cluster-2'],
      services: ['bookinfo/reviews'],
      equivalent: { istio: 'IST0106' },
    });
    expect(findings[0].message).toContain('applies distribute only');
  });

  it('says nothing about failover alone', () => {
    const { findings } = run('MESH502', {
      'cluster-2': [
        dr('reviews', { loadBalancer: FAILOVER, outlierDetection: OUTLIER }),
      ],
    });
    expect(findings).toEqual([]);
  });
});

/** reviews in cluster-1 (us-east-1) and cluster-2 (us-west-2), with `ready2` ready pods in cluster-2. */
function reviewsFleet(ready2: number, linked = true) {
  return fleet(
    [
      {
        name: 'cluster-1',
        network: 'network-1',
        region: 'us-east-1',
        reads: linked ? ['cluster-2'] : [],
        gateway: '198.51.100.1',
      },
      {
        name: 'cluster-2',
        network: 'network-2',
        region: 'us-west-2',
        reads: ['cluster-1'],
        gateway: '198.51.100.2',
      },
    ],
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: [
          { cluster: 'cluster-1', versions: ['v1'] },
          { cluster: 'cluster-2', versions: ['v3'], ready: ready2 },
        ],
      },
    ],
  );
}

describe('MESH503 failover target without ready endpoints', () => {
  const config = {
    'cluster-1': [
      dr('reviews', { loadBalancer: FAILOVER, outlierDetection: OUTLIER }),
    ],
  };

  it('finds a DestinationRule failing over to a region where the service has no ready endpoint', () => {
    const { findings } = run('MESH503', config, reviewsFleet(0));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH503',
      severity: 'error',
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      objects: [{ cluster: 'cluster-1', name: 'reviews' }],
    });
    expect(findings[0].message).toContain(
      'fails reviews.bookinfo.svc.cluster.local over from us-east-1 to us-west-2, but its instances there (cluster-2) have no ready endpoints',
    );
    expect(findings[0].fix).toContain('Scale up bookinfo/reviews in cluster-2');
  });

  it('says when the only instance of the target region is in a cluster whose endpoints are not read', () => {
    const { findings } = run('MESH503', config, reviewsFleet(1, false));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      'it runs there only in cluster-2, whose endpoints istiod in cluster-1 does not read',
    );
  });

  it('says nothing when the target region has ready endpoints, or the rule is for another region’s clients', () => {
    expect(run('MESH503', config, reviewsFleet(1)).findings).toEqual([]);
    const elsewhere = {
      'cluster-1': [
        dr('reviews', {
          outlierDetection: OUTLIER,
          loadBalancer: {
            localityLbSetting: {
              failover: [{ from: 'eu-west-1', to: 'us-west-2' }],
            },
          },
        }),
      ],
    };
    expect(run('MESH503', elsewhere, reviewsFleet(0)).findings).toEqual([]);
  });

  describe('a VirtualDestination Meshport rendered', () => {
    // Rendered by the compiler itself, so the check reads what Meshport applies.
    function rendered(): Record<string, ClusterObject[]> {
      const result = compile([failover()], multiNetworkFleet());
      expect(result.errors).toEqual([]);
      return result.resources as Record<string, ClusterObject[]>;
    }

    function withReady(f: Fleet, cluster: string, ready: number): Fleet {
      return {
        ...f,
        services: f.services.map(s =>
          s.id !== 'bookinfo/reviews'
            ? s
            : {
                ...s,
                instances: s.instances.map(i =>
                  i.cluster === cluster
                    ? { ...i, endpoints: { ready, total: i.endpoints.total } }
                    : i,
                ),
              },
        ),
      };
    }

    it('finds the backing cluster with no ready endpoints, from the other client cluster', () => {
      const f = withReady(multiNetworkFleet(), 'cluster-2', 0);
      const { findings } = run('MESH503', rendered(), f);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        clusters: ['cluster-1', 'cluster-2'],
        services: ['bookinfo/reviews'],
        objects: [
          {
            cluster: 'cluster-1',
            kind: 'ServiceEntry',
            meshportPolicy: 'virtualdestination.bookinfo.reviews-global',
          },
          { cluster: 'cluster-2', kind: 'Service', name: 'reviews' },
        ],
      });
      expect(findings[0].message).toContain(
        'bookinfo/reviews has no ready endpoints in cluster-2',
      );
      expect(findings[0].fix).toContain(
        'remove cluster-2 from spec.clusters of virtualdestination.bookinfo.reviews-global',
      );
    });

    it('says nothing when every backing cluster has ready endpoints', () => {
      expect(run('MESH503', rendered(), multiNetworkFleet()).findings).toEqual(
        [],
      );
    });
  });
});
