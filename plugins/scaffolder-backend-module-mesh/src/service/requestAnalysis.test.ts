import type { Fleet, Finding } from '@meshport/backstage-plugin-mesh-common';
import { testChecks } from '../__testUtils__/checks';
import { testFleet } from '../__testUtils__/fixtures';
import {
  analysisSection,
  objectsByCluster,
  refusalMessage,
  RequestAnalyzer,
  type Checks,
  type RequestAnalysis,
} from './requestAnalysis';

const vs = (name: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: bookinfo\nspec:\n  hosts: [reviews.bookinfo.svc.cluster.local]\n`;

const withConfig = (): Fleet => {
  const fleet = testFleet();
  return {
    ...fleet,
    clusters: fleet.clusters.map(c => ({ ...c, config: [] })),
  };
};

describe('RequestAnalyzer', () => {
  it('reads only rendered objects from rendered files, and never throws on odd ones', () => {
    expect(
      objectsByCluster({
        'rendered/cluster-1/bookinfo/virtualservice-a.yaml': vs('a'),
        'rendered/cluster-1/bookinfo/empty.yaml': '',
        'rendered/cluster-1/bookinfo/broken.yaml': 'kind: [\n',
        'rendered/cluster-1/bookinfo/list.yaml': '- 1\n- 2\n',
        'rendered/cluster-1/bookinfo/nameless.yaml': 'kind: X\nmetadata: {}\n',
        'rendered/cluster-1/bookinfo/null-meta.yaml':
          'kind: X\nmetadata: null\n',
        'policies/bookinfo/trafficpolicy-a.yaml': vs('policy'),
        rendered: vs('no-cluster'),
      }),
    ).toEqual({
      'cluster-1': [expect.objectContaining({ kind: 'VirtualService' })],
    });
  });

  it('keeps the live analysis while the fleet object is the same', () => {
    let runs = 0;
    const counting: Checks = [
      {
        code: 'MESH984',
        severity: 'info',
        title: 'counts runs',
        run: () => {
          runs++;
          return [];
        },
      },
    ];
    const analyzer = new RequestAnalyzer(counting);
    const fleet = withConfig();
    const change = {
      changed: { 'rendered/cluster-1/bookinfo/virtualservice-a.yaml': vs('a') },
      removed: {},
    };
    analyzer.analyze(fleet, change);
    analyzer.analyze(fleet, change);
    expect(runs).toBe(3); // live once, then once per request
    analyzer.analyze(withConfig(), change);
    expect(runs).toBe(5);
  });

  it('takes a removed file out of the live config', () => {
    const fleet = withConfig();
    fleet.clusters[0] = {
      ...fleet.clusters[0],
      config: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'a', namespace: 'bookinfo' },
          spec: { hosts: ['reviews.bookinfo.svc.cluster.local'] },
        },
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'b', namespace: 'bookinfo' },
          spec: { hosts: ['reviews.bookinfo.svc.cluster.local'] },
        },
      ],
    };
    const cluster = fleet.clusters[0].name;
    const result = new RequestAnalyzer(testChecks).analyze(fleet, {
      changed: {},
      removed: {
        [`rendered/${cluster}/bookinfo/virtualservice-b.yaml`]: vs('b'),
      },
    });
    expect(result.resolved.map(f => f.code)).toEqual(['MESH981']);
    expect(result.introduced).toEqual([]);
  });

  it('reports an analysis that fails instead of refusing the request', () => {
    const broken = [
      {
        code: 'MESH985',
        severity: 'error',
        title: 'broken',
        get needsTraffic(): boolean {
          throw new Error('engine bug');
        },
        run: () => [],
      },
    ] as Checks;
    const result = new RequestAnalyzer(broken).analyze(withConfig(), {
      changed: { 'rendered/cluster-1/bookinfo/virtualservice-a.yaml': vs('a') },
      removed: {},
    });
    expect(result.failure).toBe('engine bug');
    expect(refusalMessage('TrafficPolicy bookinfo/a', result)).toBeUndefined();
    expect(analysisSection(result).join('\n')).toContain(
      'The mesh analysis failed, so it judged nothing here: engine bug',
    );
  });

  it('lists at most twenty errors in a refusal', () => {
    const finding = (i: number): Finding => ({
      code: 'MESH981',
      severity: 'error',
      title: 't',
      message: `problem ${i}\nsecond line`,
      fix: 'fix it',
      objects: [],
      clusters: [],
      services: [],
      owners: [],
      key: `k${i}`,
    });
    const analysis: RequestAnalysis = {
      introduced: Array.from({ length: 25 }, (_, i) => finding(i)),
      resolved: [],
      existing: 0,
      analysedClusters: ['cluster-1'],
      unknownClusters: [],
      notes: [],
    };
    const message = refusalMessage('TrafficPolicy bookinfo/a', analysis)!;
    expect(message).toContain('finds 25 errors the live config does not have');
    expect(message).toContain('- MESH981 problem 19 second line Fix: fix it');
    expect(message).not.toContain('problem 20');
    expect(message).toContain('- and 5 more\n');
  });
});
