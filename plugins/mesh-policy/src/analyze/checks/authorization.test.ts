import type {
  ServiceTraffic,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import { both, fleet, obj } from '../../verify/__fixtures__/meshes';
import type { ClusterObject } from '../../verify/types';
import { withConfig } from '../__fixtures__/withConfig';
import { analyzeFleet } from '../analyzeFleet';
import { authorizationChecks } from './authorization';

const check = (code: string) =>
  authorizationChecks.filter(c => c.code === code);

/**
 * cluster-1 and cluster-2 share endpoint discovery. reviews runs v1 in cluster-1 and v3 in
 * cluster-2 (sidecars); productpage and ratings call it from cluster-1; details is ambient in
 * cluster-1 without a waypoint and behind waypoint `waypoint` in cluster-2.
 */
function mesh() {
  return fleet(
    [
      {
        name: 'cluster-1',
        network: 'network-1',
        region: 'us-east-1',
        reads: ['cluster-2'],
      },
      {
        name: 'cluster-2',
        network: 'network-1',
        region: 'us-west-2',
        reads: ['cluster-1'],
      },
    ],
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: [
          { cluster: 'cluster-1', versions: ['v1'] },
          { cluster: 'cluster-2', versions: ['v3'] },
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
      {
        namespace: 'bookinfo',
        name: 'ratings',
        instances: [{ cluster: 'cluster-1', versions: ['v1'] }],
      },
      {
        namespace: 'bookinfo',
        name: 'details',
        instances: [
          { cluster: 'cluster-1', versions: ['v1'], mode: 'ambient' },
          {
            cluster: 'cluster-2',
            versions: ['v1'],
            mode: 'ambient',
            waypoint: 'waypoint',
          },
        ],
      },
    ],
    both('cluster-1', 'cluster-2', 'shared-endpoint-discovery'),
  );
}

function edge(
  peer: string,
  peerCluster: string,
  thisCluster: string,
): TrafficEdge {
  const [namespace, name] = peer.split('/');
  const ref = (c: string) => ({ name: c, clusterId: c, known: true });
  return {
    direction: 'inbound',
    peer: { namespace, name },
    peerCluster: ref(peerCluster),
    thisCluster: ref(thisCluster),
    mesh: 'istio',
    reporter: 'destination',
    http: {
      requestsPerSecond: 2,
      errorRatio: 0,
      latencyMs: { p50: null, p95: null, p99: null },
    },
    mtls: { share: 1, unclassified: [] },
    series: { requestsPerSecond: [], errorRatio: [] },
  };
}

function traffic(service: string, inbound: TrafficEdge[]): ServiceTraffic {
  const [namespace, name] = service.split('/');
  return {
    service: { namespace, name },
    window: '5m',
    windowSeconds: 300,
    evaluatedAt: '2026-01-01T00:00:00Z',
    seriesStepSeconds: 60,
    source: 'snapshot',
    inbound,
    outbound: [],
    clusters: [],
    partial: false,
  };
}

const PRODUCTPAGE = 'cluster.local/ns/bookinfo/sa/bookinfo-productpage';

function ap(
  name: string,
  spec: Record<string, unknown>,
  namespace = 'bookinfo',
) {
  return obj('AuthorizationPolicy', namespace, name, spec);
}

const allowReviews = (rules: unknown[]) =>
  ap('reviews', { selector: { matchLabels: { app: 'reviews' } }, rules });

function run(
  code: string,
  config: Record<string, ClusterObject[]>,
  flows: ServiceTraffic[] = [],
) {
  return analyzeFleet(
    {
      fleet: withConfig(mesh(), {
        'cluster-1': [],
        'cluster-2': [],
        ...config,
      }),
      traffic: flows,
    },
    check(code),
  );
}

const reviewsCalled = traffic('bookinfo/reviews', [
  edge('bookinfo/productpage', 'cluster-1', 'cluster-1'),
  edge('bookinfo/productpage', 'cluster-1', 'cluster-2'),
]);

describe('MESH601 ALLOW policy admitting none of the observed callers', () => {
  it('finds the policy that denies productpage, in the cluster where reviews answers it', () => {
    const { findings } = run(
      'MESH601',
      {
        'cluster-2': [
          allowReviews([
            {
              from: [
                {
                  source: {
                    principals: ['cluster.local/ns/bookinfo/sa/ratings'],
                  },
                },
              ],
            },
          ]),
        ],
      },
      [reviewsCalled],
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH601',
      severity: 'error',
      services: ['bookinfo/reviews'],
      clusters: ['cluster-2'],
      objects: [
        { cluster: 'cluster-2', kind: 'AuthorizationPolicy', name: 'reviews' },
      ],
    });
    expect(findings[0].message).toContain(
      'AuthorizationPolicy bookinfo/reviews in cluster cluster-2 applies to reviews-v3 (bookinfo/reviews) in cluster cluster-2 and no rule admits any of its callers seen in traffic: bookinfo/productpage in cluster-1 is being denied now (HTTP 403',
    );
    expect(findings[0].fix).toContain(
      `from: [{source: {principals: ["${PRODUCTPAGE}"]}}]`,
    );
  });

  it('warns when some observed callers are admitted and others denied', () => {
    const { findings } = run(
      'MESH601',
      {
        'cluster-1': [
          allowReviews([{ from: [{ source: { principals: [PRODUCTPAGE] } }] }]),
        ],
      },
      [
        traffic('bookinfo/reviews', [
          edge('bookinfo/productpage', 'cluster-1', 'cluster-1'),
          edge('bookinfo/ratings', 'cluster-1', 'cluster-1'),
        ]),
      ],
    );
    expect(
      findings.map(f => [f.severity, f.message.match(/: (.*) is being/)?.[1]]),
    ).toEqual([['warning', 'bookinfo/ratings in cluster-1']]);
  });

  it('finds callers of an ambient workload denied by ztunnel because the ALLOW rule uses HTTP attributes', () => {
    const { findings } = run(
      'MESH601',
      {
        'cluster-1': [
          ap('details', {
            selector: { matchLabels: { app: 'details' } },
            rules: [
              {
                from: [{ source: { principals: [PRODUCTPAGE] } }],
                to: [{ operation: { methods: ['GET'] } }],
              },
            ],
          }),
        ],
      },
      [
        traffic('bookinfo/details', [
          edge('bookinfo/productpage', 'cluster-1', 'cluster-1'),
        ]),
      ],
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('connections refused by ztunnel');
  });

  it('says nothing when a rule could admit the caller: its identity, namespace or service account, whatever path it asks', () => {
    for (const rules of [
      [
        {
          from: [{ source: { principals: [PRODUCTPAGE] } }],
          to: [{ operation: { paths: ['/api/*'], methods: ['POST'] } }],
        },
      ],
      [{ from: [{ source: { namespaces: ['bookinfo'] } }] }],
      [{ from: [{ source: { serviceAccounts: ['bookinfo-productpage'] } }] }],
      [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }],
    ])
      expect(
        run(
          'MESH601',
          {
            'cluster-1': [allowReviews(rules)],
            'cluster-2': [allowReviews(rules)],
          },
          [reviewsCalled],
        ).findings,
      ).toEqual([]);
  });

  it('does not count a DENY rule that only denies some requests', () => {
    const { findings } = run(
      'MESH601',
      {
        'cluster-1': [
          allowReviews([{ from: [{ source: { principals: [PRODUCTPAGE] } }] }]),
          ap('deny-admin', {
            action: 'DENY',
            selector: { matchLabels: { app: 'reviews' } },
            rules: [{ to: [{ operation: { paths: ['/admin'] } }] }],
          }),
        ],
      },
      [reviewsCalled],
    );
    expect(findings).toEqual([]);
  });

  it('is skipped without traffic, and never throws on malformed policies or edges', () => {
    const noTraffic = run('MESH601', { 'cluster-1': [allowReviews([])] });
    expect(noTraffic.findings).toEqual([]);
    expect(noTraffic.notes.join('\n')).toContain('MESH601');
    const broken = run(
      'MESH601',
      {
        'cluster-1': [
          ap('x', { selector: 'reviews', rules: null } as never),
          ap('y', {
            selector: { matchLabels: { app: 'reviews' } },
            rules: [
              null,
              { from: [null, { source: null }], when: [null, { key: 3 }] },
            ],
            targetRefs: [null],
          } as never),
        ],
      },
      [
        traffic('bookinfo/reviews', [
          { ...edge('unknown/unknown', 'cluster-1', 'cluster-1') },
          { ...edge('bookinfo/productpage', 'cluster-9', 'cluster-1') },
          null as never,
        ]),
      ],
    );
    expect(broken.notes.filter(n => n.includes('failed'))).toEqual([]);
  });
});

const detailsPolicy = (spec: Record<string, unknown>, name = 'details') =>
  ap(name, { selector: { matchLabels: { app: 'details' } }, ...spec });

describe('MESH602 HTTP rules on ambient workloads without a waypoint', () => {
  it('finds an ALLOW policy with HTTP rules on ambient pods with no waypoint: it admits no one', () => {
    const { findings } = run('MESH602', {
      'cluster-1': [
        detailsPolicy({
          rules: [
            {
              to: [{ operation: { methods: ['GET'], paths: ['/details/*'] } }],
            },
          ],
        }),
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH602',
      severity: 'error',
      services: ['bookinfo/details'],
      clusters: ['cluster-1'],
      objects: [
        { cluster: 'cluster-1', kind: 'AuthorizationPolicy', name: 'details' },
      ],
      equivalent: { kiali: 'KIA0109' },
    });
    expect(findings[0].message).toContain(
      'AuthorizationPolicy bookinfo/details in cluster cluster-1 (ALLOW) uses methods, paths and selects ambient workloads bookinfo/details-v1 that have no waypoint',
    );
    expect(findings[0].message).toContain('it admits no one');
    expect(findings[0].fix).toContain('(as in cluster-2)');
  });

  it('says what ztunnel does with DENY rules: skips those left empty, widens the others', () => {
    const { findings } = run('MESH602', {
      'cluster-1': [
        detailsPolicy({
          action: 'DENY',
          rules: [
            { to: [{ operation: { paths: ['/admin'] } }] },
            {
              from: [{ source: { namespaces: ['other'] } }],
              to: [{ operation: { methods: ['DELETE'] } }],
            },
          ],
        }),
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      'ztunnel skips 1 DENY rule with no condition left: the requests it should deny are allowed',
    );
    expect(findings[0].message).toContain(
      'ztunnel enforces 1 DENY rule without its HTTP conditions',
    );
  });

  it('finds a selector policy on pods behind a waypoint, which the waypoint ignores', () => {
    const { findings } = run('MESH602', {
      'cluster-2': [
        detailsPolicy({
          rules: [
            { when: [{ key: 'request.headers[x-user]', values: ['a'] }] },
          ],
        }),
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      'whose waypoint bookinfo/waypoint ignores selector policies',
    );
    expect(findings[0].fix).toContain('Replace the selector');
  });

  it('finds a targetRefs policy for a service whose ambient pods have no waypoint: nothing enforces it', () => {
    const targeted = ap('details-l7', {
      targetRefs: [{ kind: 'Service', group: '', name: 'details' }],
      rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
    });
    const { findings } = run('MESH602', {
      'cluster-1': [targeted],
      'cluster-2': [targeted],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ clusters: ['cluster-1'] });
    expect(findings[0].message).toContain('nothing enforces it');
  });

  it('says nothing of L4 policies, of sidecar workloads, or of targetRefs policies a waypoint takes', () => {
    const { findings } = run('MESH602', {
      'cluster-1': [
        detailsPolicy({
          rules: [{ from: [{ source: { principals: [PRODUCTPAGE] } }] }],
        }),
        allowReviews([{ to: [{ operation: { methods: ['GET'] } }] }]),
      ],
      'cluster-2': [
        ap('details-l7', {
          targetRefs: [{ kind: 'Service', group: '', name: 'details' }],
          rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
        }),
      ],
    });
    expect(findings).toEqual([]);
  });

  it('never throws on malformed policies', () => {
    const result = run('MESH602', {
      'cluster-1': [
        detailsPolicy({
          rules: [null, { to: [{ operation: null }] }, 'x'],
        } as never),
        ap('z', { selector: null, rules: { a: 1 }, targetRefs: 'x' } as never),
      ],
    });
    expect(result.notes.filter(n => n.includes('failed'))).toEqual([]);
  });
});
