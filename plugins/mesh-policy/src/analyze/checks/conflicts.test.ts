import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import {
  MESHPORT_POLICIES_ANNOTATION,
  MESHPORT_POLICY_LABEL,
  MESHPORT_SPEC_HASH_ANNOTATION,
} from '@meshport/backstage-plugin-mesh-common';
import { renderedSpecHash } from '../../specHash';
import { instance, multiNetwork, obj } from '../../verify/__fixtures__/meshes';
import type { ClusterObject } from '../../verify/types';
import { withConfig } from '../__fixtures__/withConfig';
import { analyzeFleet } from '../analyzeFleet';
import { conflictChecks } from './conflicts';

const REVIEWS = 'reviews.bookinfo.svc.cluster.local';
const REVIEWS_TEAM = 'group:default/reviews-team';
const WEB_TEAM = 'group:default/web-team';

/** multiNetwork with owners, and a `web` service of another team in namespace `frontend`. */
function owned(): Fleet {
  const f = multiNetwork();
  return {
    ...f,
    services: [
      ...f.services.map(s =>
        s.name === 'reviews' ? { ...s, owner: REVIEWS_TEAM } : s,
      ),
      {
        id: 'frontend/web',
        namespace: 'frontend',
        name: 'web',
        owner: WEB_TEAM,
        instances: [
          instance('frontend', 'web', {
            cluster: 'cluster-1',
            versions: ['v1'],
          }),
        ],
      },
    ],
  };
}

function analyse(config: Record<string, ClusterObject[]>, code: string) {
  const result = analyzeFleet(
    { fleet: withConfig(owned(), config) },
    conflictChecks.filter(c => c.code === code),
  );
  expect(result.notes.filter(n => n.includes('failed'))).toEqual([]);
  return result.findings;
}

const route = (dest: Record<string, unknown>, weight?: number) => ({
  destination: { host: 'reviews', ...dest },
  ...(weight !== undefined ? { weight } : {}),
});

const vs = (
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
) =>
  obj('VirtualService', namespace, name, {
    hosts: [namespace === 'bookinfo' ? 'reviews' : REVIEWS],
    http: [{ route: [route({ subset: 'v1' })] }],
    ...spec,
  });

const managed = (o: ClusterObject, policy = 'trafficpolicy.bookinfo.x') => ({
  ...o,
  metadata: {
    ...o.metadata,
    labels: { [MESHPORT_POLICY_LABEL]: policy },
    annotations: {
      [MESHPORT_POLICIES_ANNOTATION]: policy,
      [MESHPORT_SPEC_HASH_ANNOTATION]: renderedSpecHash(o.spec, o),
    },
  },
});

describe('MESH201 several VirtualServices for one host', () => {
  it('names every object, cluster and team', () => {
    const findings = analyse(
      {
        'cluster-1': [
          vs('bookinfo', 'reviews'),
          vs('frontend', 'reviews-canary'),
        ],
        'cluster-2': [
          vs('bookinfo', 'reviews'),
          vs('frontend', 'reviews-canary'),
        ],
      },
      'MESH201',
    );
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({
      severity: 'warning',
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      owners: [REVIEWS_TEAM, WEB_TEAM],
      equivalent: { istio: 'IST0109', kiali: 'KIA1106' },
    });
    expect(f.objects.map(o => `${o.cluster}/${o.namespace}/${o.name}`)).toEqual(
      [
        'cluster-1/bookinfo/reviews',
        'cluster-1/frontend/reviews-canary',
        'cluster-2/bookinfo/reviews',
        'cluster-2/frontend/reviews-canary',
      ],
    );
    expect(f.message).toContain(
      'VirtualService bookinfo/reviews and VirtualService frontend/reviews-canary in cluster cluster-1',
    );
    expect(f.message).toContain(REVIEWS);
  });

  it('puts the hand-written object first when one is rendered by Meshport', () => {
    const [f] = analyse(
      {
        'cluster-1': [
          managed(vs('bookinfo', 'meshport-reviews')),
          vs('frontend', 'reviews-canary'),
        ],
      },
      'MESH201',
    );
    expect(f.objects[0]).toMatchObject({ name: 'reviews-canary' });
    expect(f.fix).toContain('through its policy');
  });

  it('reports what a pull request introduces, its object first', () => {
    const fleet = withConfig(owned(), {
      'cluster-1': [vs('bookinfo', 'reviews')],
    });
    const checks = conflictChecks.filter(c => c.code === 'MESH201');
    expect(analyzeFleet({ fleet }, checks).findings).toEqual([]);
    const { findings } = analyzeFleet(
      {
        fleet,
        proposed: { 'cluster-1': [vs('frontend', 'reviews-canary')] },
      },
      checks,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].objects[0]).toMatchObject({
      namespace: 'frontend',
      proposed: true,
    });
  });

  it('says nothing for one per host, gateway-bound ones, or disjoint exportTo', () => {
    expect(
      analyse(
        {
          'cluster-1': [
            vs('bookinfo', 'reviews'),
            vs('frontend', 'ingress', { gateways: ['istio-system/ingress'] }),
          ],
          // one per cluster is one per sidecar
          'cluster-2': [vs('frontend', 'reviews-canary')],
        },
        'MESH201',
      ),
    ).toEqual([]);
    expect(
      analyse(
        {
          'cluster-1': [
            vs('bookinfo', 'reviews', { exportTo: ['.'] }),
            vs('frontend', 'reviews-canary', { exportTo: ['.'] }),
          ],
        },
        'MESH201',
      ),
    ).toEqual([]);
  });
});

describe('MESH206 a host routed differently per cluster', () => {
  const split = (a: number) =>
    vs('bookinfo', 'reviews', {
      http: [
        {
          route: [route({ subset: 'v1' }, a), route({ subset: 'v2' }, 100 - a)],
        },
      ],
    });

  it('reports VirtualServices that differ between clusters', () => {
    const findings = analyse(
      { 'cluster-1': [split(90)], 'cluster-2': [split(50)] },
      'MESH206',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      owners: [REVIEWS_TEAM],
    });
    expect(findings[0].message).toContain(
      'VirtualService bookinfo/reviews in cluster cluster-1; VirtualService bookinfo/reviews in cluster cluster-2',
    );
  });

  it('reports a cluster running the service without the VirtualService the others have', () => {
    const [f] = analyse(
      { 'cluster-1': [split(90)], 'cluster-2': [] },
      'MESH206',
    );
    expect(f.clusters).toEqual(['cluster-1', 'cluster-2']);
    expect(f.message).toContain('no VirtualService in cluster cluster-2');
  });

  it('says nothing when every cluster routes the same, or every object is rendered', () => {
    const fqdnHosts = {
      ...split(90),
      spec: { ...split(90).spec, hosts: [REVIEWS] },
    };
    expect(
      analyse(
        { 'cluster-1': [split(90)], 'cluster-2': [fqdnHosts] },
        'MESH206',
      ),
    ).toEqual([]);
    expect(
      analyse(
        { 'cluster-1': [managed(split(90))], 'cluster-2': [] },
        'MESH206',
      ),
    ).toEqual([]);
  });
});

describe('MESH202 several DestinationRules for one host', () => {
  const dr = (
    namespace: string,
    name: string,
    subsets: string[],
    extra: Record<string, unknown> = {},
  ) =>
    obj('DestinationRule', namespace, name, {
      host: REVIEWS,
      subsets: subsets.map(s => ({ name: s, labels: { version: s } })),
      ...extra,
    });

  it('reports a subset defined twice in one namespace, in every cluster at once', () => {
    const config = [
      dr('bookinfo', 'a', ['v1', 'v2']),
      dr('bookinfo', 'b', ['v2']),
    ];
    const findings = analyse(
      { 'cluster-1': config, 'cluster-2': config },
      'MESH202',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      equivalent: { kiali: 'KIA0201' },
    });
    expect(findings[0].message).toContain('both define subset v2');
    expect(findings[0].objects).toHaveLength(4);
  });

  it('reports two top-level traffic policies in one namespace', () => {
    const tp = { trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } };
    const [f] = analyse(
      {
        'cluster-1': [
          dr('bookinfo', 'a', ['v1'], tp),
          dr('bookinfo', 'b', ['v2'], tp),
        ],
      },
      'MESH202',
    );
    expect(f.message).toContain('top-level trafficPolicy');
  });

  it("reports a caller-namespace rule hiding the service's own, naming both teams", () => {
    const [f] = analyse(
      {
        'cluster-1': [
          dr('bookinfo', 'reviews', ['v1', 'v2']),
          dr('frontend', 'reviews-from-web', ['v1']),
        ],
      },
      'MESH202',
    );
    expect(f.owners).toEqual([REVIEWS_TEAM, WEB_TEAM]);
    expect(f.objects[0]).toMatchObject({ namespace: 'frontend' });
    expect(f.message).toContain('lose subset v2');
  });

  it('says nothing when the rules merge cleanly or do not meet', () => {
    expect(
      analyse(
        {
          'cluster-1': [
            // disjoint subsets, one traffic policy: Istio merges them whole
            dr('bookinfo', 'a', ['v1'], {
              trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
            }),
            dr('bookinfo', 'b', ['v2']),
            // the caller-namespace rule keeps everything the service's rule has
            dr('frontend', 'reviews-from-web', ['v1', 'v2'], {
              trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
            }),
          ],
          'cluster-2': [
            dr('bookinfo', 'a', ['v1'], { exportTo: ['.'] }),
            // the service's rule is not exported to frontend: nothing is hidden
            dr('frontend', 'reviews-from-web', []),
          ],
        },
        'MESH202',
      ),
    ).toEqual([]);
  });
});

describe('MESH203 shadowed HTTP routes', () => {
  const routes = (...http: Record<string, unknown>[]) =>
    obj('VirtualService', 'bookinfo', 'reviews', {
      hosts: ['reviews'],
      http: http.map(h => ({ route: [route({ subset: 'v1' })], ...h })),
    });

  it('reports a route after one without matches', () => {
    const [f] = analyse(
      {
        'cluster-1': [
          routes({}, { name: 'canary', match: [{ uri: { prefix: '/v2' } }] }),
        ],
      },
      'MESH203',
    );
    expect(f).toMatchObject({
      services: ['bookinfo/reviews'],
      equivalent: { istio: 'IST0130' },
    });
    expect(f.message).toContain('HTTP route 2 (canary)');
    expect(f.message).toContain('HTTP route 1 has no match');
    expect(f.fix).toContain('move HTTP route 2 (canary) above HTTP route 1');
  });

  it('reports matches covered by broader earlier ones, across clusters as one', () => {
    const shadowed = routes(
      { match: [{ uri: { prefix: '/api' } }] },
      {
        match: [
          { uri: { exact: '/login' } },
          { uri: { regex: '.*' }, method: { exact: 'POST' } },
        ],
      },
      {
        match: [
          { uri: { prefix: '/api/v2' }, method: { exact: 'GET' } },
          { uri: { exact: '/login' } },
        ],
      },
    );
    const findings = analyse(
      { 'cluster-1': [shadowed], 'cluster-2': [shadowed] },
      'MESH203',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].clusters).toEqual(['cluster-1', 'cluster-2']);
    expect(findings[0].message).toContain('HTTP route 3');
    expect(findings[0].message).toContain('{uri prefix /api}');
  });

  it('says nothing when a later route can still be reached, or when unsure', () => {
    expect(
      analyse(
        {
          'cluster-1': [
            routes(
              // narrower first: both reachable
              { match: [{ uri: { prefix: '/api/v2' } }] },
              { match: [{ uri: { prefix: '/api' } }] },
              // a header the later match does not require
              {
                match: [
                  {
                    uri: { prefix: '/a' },
                    headers: { 'x-user': { exact: 'me' } },
                  },
                ],
              },
              { match: [{ uri: { prefix: '/a/b' } }] },
              // a regex other than .*: not judged
              { match: [{ uri: { regex: '^/c.*' } }] },
              { match: [{ uri: { prefix: '/c' } }] },
              // the later match ignores case, the earlier does not
              { match: [{ uri: { prefix: '/d' } }] },
              { match: [{ uri: { prefix: '/d' }, ignoreUriCase: true }] },
              // an unknown condition in the earlier match
              { match: [{ uri: { prefix: '/e' }, somethingNew: { x: 1 } }] },
              { match: [{ uri: { prefix: '/e/f' } }] },
              {},
            ),
          ],
        },
        'MESH203',
      ),
    ).toEqual([]);
  });
});

describe('MESH204 overlapping selectors', () => {
  const pa = (
    name: string,
    labels?: Record<string, string>,
    namespace = 'bookinfo',
  ) =>
    obj('PeerAuthentication', namespace, name, {
      ...(labels ? { selector: { matchLabels: labels } } : {}),
      mtls: { mode: 'STRICT' },
    });

  it('reports two PeerAuthentications selecting one workload, naming it and its service', () => {
    const [f] = analyse(
      {
        'cluster-1': [
          pa('reviews', { app: 'reviews' }),
          pa('reviews-v1', { version: 'v1' }),
        ],
      },
      'MESH204',
    );
    expect(f).toMatchObject({
      clusters: ['cluster-1'],
      services: ['bookinfo/reviews'],
      equivalent: { istio: 'IST0110', kiali: 'KIA0003' },
    });
    expect(f.message).toContain('Deployment reviews-v1');
    expect(f.message).not.toContain('reviews-v2');
    expect(f.message).toContain('oldest');
  });

  it('reports two namespace-wide ones and two selector-less Sidecars', () => {
    const sidecar = (name: string) =>
      obj('Sidecar', 'bookinfo', name, { egress: [{ hosts: ['./*'] }] });
    const findings = analyse(
      {
        'cluster-2': [pa('default'), pa('strict'), sidecar('a'), sidecar('b')],
      },
      'MESH204',
    );
    expect(
      findings.map(f => f.objects.map(o => `${o.kind}/${o.name}`)),
    ).toEqual([
      ['PeerAuthentication/default', 'PeerAuthentication/strict'],
      ['Sidecar/a', 'Sidecar/b'],
    ]);
    expect(findings[1].message).toContain('undefined');
  });

  it('says nothing for disjoint selectors, root-namespace selectors or RequestAuthentications', () => {
    const ra = (name: string) =>
      obj('RequestAuthentication', 'bookinfo', name, {
        selector: { matchLabels: { app: 'reviews' } },
      });
    expect(
      analyse(
        {
          'cluster-1': [
            pa('v1', { version: 'v1' }),
            pa('v2', { version: 'v2' }),
            pa('default'),
            pa('mesh', undefined, 'istio-system'),
            pa('ignored', { app: 'reviews' }, 'istio-system'),
            pa('ignored-too', { app: 'reviews' }, 'istio-system'),
            ra('a'),
            ra('b'),
          ],
        },
        'MESH204',
      ),
    ).toEqual([]);
  });
});

describe('MESH205 hand-edited managed objects', () => {
  const rendered = managed(
    vs('bookinfo', 'meshport-reviews', {
      http: [
        { route: [route({ subset: 'v1' }, 90), route({ subset: 'v2' }, 10)] },
      ],
    }),
  );

  it('reports a live spec that no longer hashes to its annotation', () => {
    const edited = {
      ...rendered,
      spec: {
        ...rendered.spec,
        http: [
          { route: [route({ subset: 'v1' }, 50), route({ subset: 'v2' }, 50)] },
        ],
      },
    };
    const [f] = analyse({ 'cluster-2': [edited] }, 'MESH205');
    expect(f.objects).toEqual([
      expect.objectContaining({
        cluster: 'cluster-2',
        kind: 'VirtualService',
        name: 'meshport-reviews',
        meshportPolicy: 'trafficpolicy.bookinfo.x',
      }),
    ]);
    expect(f.message).toContain(
      'VirtualService bookinfo/meshport-reviews in cluster cluster-2 was rendered by Meshport from policy trafficpolicy.bookinfo.x',
    );
    expect(f.fix).toContain(
      'apply VirtualService meshport-reviews from rendered/cluster-2/bookinfo/ of the policy repository again',
    );
  });

  it('says nothing for the spec as the API server serves it back, or without the annotation', () => {
    const served = {
      ...rendered,
      spec: JSON.parse(
        JSON.stringify({
          http: [
            {
              route: [route({ subset: 'v1' }, 90), route({ subset: 'v2' }, 10)],
              fault: null,
            },
          ],
          exportTo: [],
          hosts: ['reviews'],
        }),
      ),
    };
    const old = {
      ...vs('bookinfo', 'meshport-old'),
      metadata: {
        ...vs('bookinfo', 'meshport-old').metadata,
        labels: { [MESHPORT_POLICY_LABEL]: 'p' },
      },
    };
    const linkerdRoute = managed({
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'HTTPRoute',
      metadata: { name: 'meshport-reviews-9080', namespace: 'bookinfo' },
      spec: {
        parentRefs: [
          { group: '', kind: 'Service', name: 'reviews', port: 9080 },
        ],
        rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }],
      },
    });
    const linkerdServed = {
      ...linkerdRoute,
      spec: {
        parentRefs: [
          { group: '', kind: 'Service', name: 'reviews', port: 9080 },
        ],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [
              {
                group: '',
                kind: 'Service',
                name: 'reviews',
                port: 9080,
                weight: 1,
              },
            ],
          },
        ],
      },
    };
    expect(
      analyse({ 'cluster-1': [served, old, linkerdServed] }, 'MESH205'),
    ).toEqual([]);
  });
});

describe('every conflict check on malformed objects', () => {
  it('never throws', () => {
    const odd: ClusterObject[] = [
      obj('VirtualService', 'bookinfo', 'a', { hosts: 'reviews', http: 'x' }),
      obj('VirtualService', 'bookinfo', 'b', {
        hosts: [null, 3, 'reviews'],
        http: [null, { match: 'x' }, { match: [null, 7] }],
      }),
      obj('VirtualService', 'bookinfo', 'c', {
        hosts: ['reviews'],
        gateways: 'mesh',
        exportTo: 5,
      }),
      {
        kind: 'VirtualService',
        metadata: { name: 'd', namespace: 'bookinfo' },
      },
      obj('DestinationRule', 'bookinfo', 'a', { host: 3, subsets: 'x' }),
      obj('DestinationRule', 'bookinfo', 'b', {
        host: 'reviews',
        subsets: [null, 3, { name: 7 }],
        trafficPolicy: 'x',
      }),
      obj('DestinationRule', 'frontend', 'c', {
        host: REVIEWS,
        subsets: [{}],
        exportTo: [null],
      }),
      obj('PeerAuthentication', 'bookinfo', 'a', { selector: 'x' }),
      obj('PeerAuthentication', 'bookinfo', 'b', {
        selector: { matchLabels: { app: 3 } },
      }),
      obj('Sidecar', 'bookinfo', 'a', { workloadSelector: null }),
      {
        ...obj('VirtualService', 'bookinfo', 'e', {}),
        metadata: {
          name: 'e',
          namespace: 'bookinfo',
          labels: { [MESHPORT_POLICY_LABEL]: 'p' },
          annotations: { [MESHPORT_SPEC_HASH_ANNOTATION]: 'garbage' },
        } as ClusterObject['metadata'],
        spec: null as unknown as Record<string, unknown>,
      },
    ];
    for (const check of conflictChecks) {
      const result = analyzeFleet(
        { fleet: withConfig(owned(), { 'cluster-1': odd }) },
        [check],
      );
      expect(result.notes.filter(n => n.includes('failed'))).toEqual([]);
    }
  });
});
