import { MAX_DIFFERENCES, policyFieldDifferences } from './differences';

const object = (spec: unknown, labels?: Record<string, string>) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { labels },
  spec,
});

describe('policyFieldDifferences', () => {
  it('names each differing field by its JSON path, in a stable order', () => {
    const rendered = object(
      {
        hosts: ['reviews'],
        http: [{ route: [{ weight: 75 }, { weight: 25 }], timeout: '5s' }],
      },
      { 'meshport.dev/policy': 'trafficpolicy.a.b', app: 'x' },
    );
    const live = object(
      {
        http: [{ route: [{ weight: 50 }, { weight: 25 }, { weight: 25 }] }],
        hosts: ['reviews'],
        gateways: ['mesh'],
      },
      { app: 'x', 'argocd.argoproj.io/instance': 'mesh' },
    );
    expect(policyFieldDifferences(rendered, live)).toEqual([
      {
        path: 'metadata.labels["meshport.dev/policy"]',
        rendered: 'trafficpolicy.a.b',
      },
      { path: 'spec.gateways', live: ['mesh'] },
      { path: 'spec.http[0].route[0].weight', rendered: 75, live: 50 },
      { path: 'spec.http[0].route[2]', live: { weight: 25 } },
      { path: 'spec.http[0].timeout', rendered: '5s' },
    ]);
  });

  it('sees no difference in what the API server adds or rewrites', () => {
    expect(
      policyFieldDifferences(
        object({ hosts: ['a'], http: [{ route: [{ weight: 1 }] }] }),
        object({
          exportTo: [],
          hosts: ['a'],
          tcp: null,
          http: [{ route: [{ weight: 1.0 }] }],
        }),
      ),
    ).toEqual([]);
  });

  it('reads a spec that is not an object as empty', () => {
    expect(
      policyFieldDifferences(object({ hosts: ['a'] }), object('a string')),
    ).toEqual([{ path: 'spec.hosts', rendered: ['a'] }]);
    expect(policyFieldDifferences(object(null), object([1, 2]))).toEqual([]);
  });

  it(`stops at ${MAX_DIFFERENCES}`, () => {
    const many = Object.fromEntries(
      Array.from({ length: 80 }, (_, i) => [
        `k${String(i).padStart(2, '0')}`,
        i,
      ]),
    );
    const out = policyFieldDifferences(object(many), object({}));
    expect(out).toHaveLength(MAX_DIFFERENCES);
    expect(out[0].path).toBe('spec.k00');
    expect(out[49].path).toBe('spec.k49');
  });
});
