import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import {
  both,
  fleet,
  multiNetwork,
  obj,
} from '../../../verify/__fixtures__/meshes';
import type { ClusterObject } from '../../../verify/types';
import { withConfig } from '../../__fixtures__/withConfig';
import { analyzeFleet } from '../../analyzeFleet';
import {
  istioMutualWithoutProxy,
  tlsRefusedByStrict,
} from './destinationRuleTls';

const REVIEWS = 'reviews.bookinfo.svc.cluster.local';

/**
 * Two clusters on one network that read each other's endpoints (multi-primary): reviews v1 in
 * cluster-1 (PERMISSIVE), v3 in cluster-2, STRICT there by PeerAuthentication bookinfo/strict.
 */
function flat(
  opts: { remoteMode?: 'sidecar' | 'ambient' | 'none'; strict?: boolean } = {},
): Fleet {
  const f = fleet(
    [
      { name: 'cluster-1', network: 'net', region: 'us-east-1' },
      { name: 'cluster-2', network: 'net', region: 'us-west-2' },
    ],
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: [
          { cluster: 'cluster-1', versions: ['v1'] },
          {
            cluster: 'cluster-2',
            versions: ['v3'],
            mode: opts.remoteMode ?? 'sidecar',
            mtls: opts.strict === false ? 'PERMISSIVE' : 'STRICT',
          },
        ],
      },
    ],
    both('cluster-1', 'cluster-2', 'shared-endpoint-discovery'),
  );
  f.services[0].owner = 'group:default/reviews-team';
  const remote = f.services[0].instances[1];
  if (remote.mtls.mode === 'STRICT') remote.mtls.source = 'bookinfo/strict';
  return f;
}

const strictPolicy = obj('PeerAuthentication', 'bookinfo', 'strict', {
  mtls: { mode: 'STRICT' },
});

const rule = (
  spec: Record<string, unknown>,
  name = 'reviews',
  ns = 'bookinfo',
) => obj('DestinationRule', ns, name, { host: REVIEWS, ...spec });

function analyze(
  f: Fleet,
  config: Record<string, ClusterObject[]>,
  check = tlsRefusedByStrict,
) {
  return analyzeFleet({ fleet: withConfig(f, config) }, [check]).findings;
}

describe('MESH301: DestinationRule TLS against a STRICT destination', () => {
  it('finds DISABLE in one cluster against STRICT where the calls land in another', () => {
    const findings = analyze(flat(), {
      'cluster-1': [rule({ trafficPolicy: { tls: { mode: 'DISABLE' } } })],
      'cluster-2': [strictPolicy],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH301',
      severity: 'error',
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      owners: ['group:default/reviews-team'],
      equivalent: { istio: 'IST0113', kiali: 'KIA0207' },
      objects: [
        {
          cluster: 'cluster-1',
          kind: 'DestinationRule',
          namespace: 'bookinfo',
          name: 'reviews',
        },
        {
          cluster: 'cluster-2',
          kind: 'PeerAuthentication',
          namespace: 'bookinfo',
          name: 'strict',
        },
      ],
    });
    expect(findings[0].message).toContain(
      'DestinationRule bookinfo/reviews in cluster cluster-1',
    );
    expect(findings[0].message).toContain(
      'bookinfo/reviews in cluster cluster-2 requires mTLS on port 9080 (STRICT by PeerAuthentication bookinfo/strict)',
    );
    expect(findings[0].fix).toContain('remove trafficPolicy.tls');
    expect(findings[0].fix).toContain(
      'PeerAuthentication bookinfo/strict in cluster cluster-2',
    );
  });

  it('says nothing when the rule leaves TLS to auto mTLS or asks for ISTIO_MUTUAL', () => {
    for (const spec of [
      {},
      { trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      { trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } },
    ])
      expect(
        analyze(flat(), {
          'cluster-1': [rule(spec)],
          'cluster-2': [strictPolicy],
        }),
      ).toEqual([]);
  });

  it('says nothing when every cluster the calls land in accepts plaintext', () => {
    expect(
      analyze(flat({ strict: false }), {
        'cluster-1': [rule({ trafficPolicy: { tls: { mode: 'DISABLE' } } })],
      }),
    ).toEqual([]);
  });

  it('says nothing when the STRICT cluster is one the rule’s cluster does not reach', () => {
    const f = flat();
    f.links = [];
    expect(
      analyze(f, {
        'cluster-1': [rule({ trafficPolicy: { tls: { mode: 'DISABLE' } } })],
      }),
    ).toEqual([]);
  });

  it('finds plaintext sent across networks: the east-west gateway forwards Istio mTLS only', () => {
    const findings = analyze(multiNetwork(), {
      'cluster-1': [rule({ trafficPolicy: { tls: { mode: 'DISABLE' } } })],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].clusters).toEqual(['cluster-1', 'cluster-2']);
    expect(findings[0].message).toContain(
      'bookinfo/reviews in cluster cluster-2 is on network network-2, reached through its east-west gateway',
    );
  });

  it('applies portLevelSettings the way Istio does: a port entry replaces the rule’s TLS', () => {
    // the only port's entry has no tls: auto mTLS for 9080, the rule-level DISABLE never applies
    expect(
      analyze(flat(), {
        'cluster-1': [
          rule({
            trafficPolicy: {
              tls: { mode: 'DISABLE' },
              portLevelSettings: [
                { port: { number: 9080 }, loadBalancer: { simple: 'RANDOM' } },
              ],
            },
          }),
        ],
      }),
    ).toEqual([]);
    const [finding] = analyze(flat(), {
      'cluster-1': [
        rule({
          trafficPolicy: {
            tls: { mode: 'ISTIO_MUTUAL' },
            portLevelSettings: [
              { port: { number: 9080 }, tls: { mode: 'SIMPLE' } },
            ],
          },
        }),
      ],
    });
    expect(finding.message).toContain(
      'TLS without a client certificate (tls.mode SIMPLE) (trafficPolicy.portLevelSettings[port 9080].tls)',
    );
  });

  it('judges a subset by the workloads its labels select, in the cluster they run in', () => {
    const subsets = (mode: string, version: string) => ({
      subsets: [
        {
          name: version,
          labels: { version },
          trafficPolicy: { tls: { mode } },
        },
      ],
    });
    // v1 runs in cluster-1 only, which is PERMISSIVE
    expect(
      analyze(flat(), { 'cluster-1': [rule(subsets('DISABLE', 'v1'))] }),
    ).toEqual([]);
    const [finding] = analyze(flat(), {
      'cluster-1': [rule(subsets('DISABLE', 'v3'))],
    });
    expect(finding.message).toContain('subsets[v3].trafficPolicy.tls');
  });

  it('follows which rule the client proxies use: a namespace rule shadows a mesh-wide one', () => {
    const meshWide = obj('DestinationRule', 'istio-system', 'default', {
      host: '*.local',
      trafficPolicy: { tls: { mode: 'DISABLE' } },
    });
    const [finding] = analyze(flat(), { 'cluster-1': [meshWide] });
    expect(finding.objects[0]).toMatchObject({
      namespace: 'istio-system',
      name: 'default',
    });
    expect(
      analyze(flat(), {
        'cluster-1': [meshWide, rule({ trafficPolicy: {} })],
      }),
    ).toEqual([]);
  });

  it('covers the services of a namespace wildcard, and marks a pull request’s rule as proposed', () => {
    const f = withConfig(flat(), { 'cluster-2': [strictPolicy] });
    const before = analyzeFleet({ fleet: f }, [tlsRefusedByStrict]).findings;
    expect(before).toEqual([]);
    const after = analyzeFleet(
      {
        fleet: f,
        proposed: {
          'cluster-1': [
            obj('DestinationRule', 'bookinfo', 'plain', {
              host: '*.bookinfo.svc.cluster.local',
              trafficPolicy: { tls: { mode: 'DISABLE' } },
            }),
          ],
        },
      },
      [tlsRefusedByStrict],
    ).findings;
    expect(after).toHaveLength(1);
    expect(after[0].objects[0]).toMatchObject({
      name: 'plain',
      proposed: true,
    });
    expect(after[0].message).toContain('to reviews.bookinfo.svc.cluster.local');
  });

  it('takes MUTUAL with the workload’s Istio certificate as Istio mTLS, and other certificates as refused', () => {
    const mutual = (cert: string) =>
      rule({
        trafficPolicy: {
          tls: {
            mode: 'MUTUAL',
            clientCertificate: cert,
            privateKey: '/x/key.pem',
          },
        },
      });
    expect(
      analyze(flat(), { 'cluster-1': [mutual('/etc/certs/cert-chain.pem')] }),
    ).toEqual([]);
    const [finding] = analyze(flat(), {
      'cluster-1': [mutual('/etc/app/client.pem')],
    });
    expect(finding.message).toContain('/etc/app/client.pem');
  });

  it('skips ambient destinations: a sidecar reaches them over HBONE whatever the rule says', () => {
    expect(
      analyze(flat({ remoteMode: 'ambient' }), {
        'cluster-1': [rule({ trafficPolicy: { tls: { mode: 'DISABLE' } } })],
      }),
    ).toEqual([]);
  });

  it('never throws on malformed rules', () => {
    const bad = [
      { ...obj('DestinationRule', 'bookinfo', 'a', {}), spec: null },
      obj('DestinationRule', 'bookinfo', 'b', { host: 42 }),
      obj('DestinationRule', 'bookinfo', 'c', {
        host: REVIEWS,
        trafficPolicy: 'DISABLE',
      }),
      obj('DestinationRule', 'bookinfo', 'd', {
        host: REVIEWS,
        trafficPolicy: {
          tls: null,
          portLevelSettings: [null, { port: 'x', tls: { mode: 7 } }],
        },
        subsets: [null, { name: 5 }, { name: 'v3', trafficPolicy: [] }],
      }),
    ] as ClusterObject[];
    const result = analyzeFleet(
      { fleet: withConfig(flat(), { 'cluster-1': bad }) },
      [tlsRefusedByStrict, istioMutualWithoutProxy],
    );
    expect(result.notes.join('\n')).not.toContain('failed');
  });
});

describe('MESH302: ISTIO_MUTUAL towards workloads without a proxy', () => {
  const mutual = rule({ trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });

  it('finds the proxyless workloads in the cluster the calls land in', () => {
    const findings = analyze(
      flat({ remoteMode: 'none', strict: false }),
      { 'cluster-1': [mutual] },
      istioMutualWithoutProxy,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH302',
      severity: 'warning',
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      owners: ['group:default/reviews-team'],
      objects: [
        { cluster: 'cluster-1', kind: 'DestinationRule', name: 'reviews' },
        { cluster: 'cluster-2', kind: 'Service', name: 'reviews' },
      ],
    });
    expect(findings[0].message).toContain(
      'bookinfo/reviews in cluster cluster-2: Deployment reviews-v3',
    );
    expect(findings[0].fix).toContain('Remove trafficPolicy.tls');
  });

  it('says nothing under auto mTLS, or when every endpoint has a proxy', () => {
    expect(
      analyze(
        flat({ remoteMode: 'none', strict: false }),
        { 'cluster-1': [rule({})] },
        istioMutualWithoutProxy,
      ),
    ).toEqual([]);
    expect(
      analyze(flat(), { 'cluster-1': [mutual] }, istioMutualWithoutProxy),
    ).toEqual([]);
  });

  it('says nothing when only a subset of meshed workloads asks for ISTIO_MUTUAL', () => {
    expect(
      analyze(
        flat({ remoteMode: 'none', strict: false }),
        {
          'cluster-1': [
            rule({
              subsets: [
                {
                  name: 'v1',
                  labels: { version: 'v1' },
                  trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
                },
              ],
            }),
          ],
        },
        istioMutualWithoutProxy,
      ),
    ).toEqual([]);
  });
});
