import type { InstantSample } from '@meshport/backstage-plugin-mesh-node';
import {
  linkerdInstance,
  linkerdScenarioFleet,
  linkerdWorkload,
} from '../__testUtils__/linkerdScenario';
import {
  LinkerdTargetAnswers,
  assembleLinkerdEdges,
} from './assembleLinkerdEdges';
import { LinkerdPeers, linkerdScopeOf } from './linkerdFleet';

const fleet = linkerdScenarioFleet();
const peers = new LinkerdPeers(fleet);
const id = (sa: string, td = 'cluster.local') =>
  `${sa}.accounts.serviceaccount.identity.linkerd.${td}`;

function inbound(
  clientSa: string | undefined,
  tls: string,
  classification: string,
  value: number,
  extra: Record<string, string> = {},
): InstantSample {
  return {
    labels: {
      ...(clientSa ? { client_id: id(clientSa) } : {}),
      tls,
      classification,
      ...extra,
    },
    value,
  };
}

const own = (
  answers: LinkerdTargetAnswers['answers'],
): LinkerdTargetAnswers => ({
  ownCluster: 'cluster-4',
  clusters: ['cluster-4'],
  answers,
});

describe('assembleLinkerdEdges', () => {
  it('maps the caller identity to its service and computes rate, failures and mTLS from the receiving proxy', () => {
    const [edge, plaintext] = assembleLinkerdEdges(
      'inbound',
      [
        own({
          responses: [
            inbound('ledger', 'true', 'success', 5.7),
            inbound('ledger', 'true', 'failure', 0.3),
            inbound(undefined, 'no_identity', 'success', 2),
          ],
          p50: [{ labels: { client_id: id('ledger') }, value: 10 }],
          p99: [{ labels: { client_id: id('ledger') }, value: NaN }],
        }),
      ],
      peers,
    );
    expect(edge).toEqual({
      direction: 'inbound',
      peer: { namespace: 'accounts', name: 'ledger' },
      peerCluster: { name: 'cluster-4', clusterId: 'cluster-4', known: true },
      thisCluster: { name: 'cluster-4', clusterId: 'cluster-4', known: true },
      mesh: 'linkerd',
      reporter: 'inbound',
      http: {
        requestsPerSecond: 6,
        errorRatio: 0.05,
        latencyMs: { p50: 10, p95: null, p99: null },
      },
      mtls: {
        share: 1,
        requests: {
          mutualPerSecond: 6,
          plaintextPerSecond: 0,
          unclassifiedPerSecond: 0,
        },
        unclassified: [],
      },
      series: { requestsPerSecond: [], errorRatio: [] },
    });
    expect(plaintext.peer).toEqual({ namespace: 'unknown', name: 'unknown' });
    expect(plaintext.peerCluster.known).toBe(false);
    expect(plaintext.mtls).toMatchObject({
      share: 0,
      requests: { plaintextPerSecond: 2 },
    });
  });

  it('shows the service account when no service, or several, run under it', () => {
    const [edge] = assembleLinkerdEdges(
      'inbound',
      [own({ responses: [inbound('batch-job', 'true', 'success', 1)] })],
      peers,
    );
    expect(edge.peer).toEqual({ namespace: 'accounts', name: 'batch-job' });
    expect(edge.peerCluster.name).toBe('unknown');

    const shared = linkerdScenarioFleet();
    for (const name of ['reports', 'exports']) {
      shared.services.push({
        id: `accounts/${name}`,
        namespace: 'accounts',
        name,
        instances: [
          linkerdInstance('cluster-4', [
            linkerdWorkload('Deployment', `${name}-v1`, 'batch'),
          ]),
        ],
      });
    }
    const [ambiguous] = assembleLinkerdEdges(
      'inbound',
      [own({ responses: [inbound('batch', 'true', 'success', 1)] })],
      new LinkerdPeers(shared),
    );
    expect(ambiguous.peer).toEqual({ namespace: 'accounts', name: 'batch' });
    expect(ambiguous.peerCluster.name).toBe('cluster-4');
  });

  it('adds up label sets that map to the same peer, series point by point', () => {
    const other = id('ledger', 'old.example');
    const [edge] = assembleLinkerdEdges(
      'inbound',
      [
        own({
          responses: [
            inbound('ledger', 'true', 'success', 3),
            {
              labels: {
                client_id: other,
                tls: 'true',
                classification: 'failure',
              },
              value: 1,
            },
          ],
          requestsSeries: [
            {
              labels: { client_id: id('ledger') },
              points: [
                [15, 3],
                [30, 3],
              ],
            },
            { labels: { client_id: other }, points: [[15, 1]] },
          ],
          errorsSeries: [{ labels: { client_id: other }, points: [[15, 1]] }],
        }),
      ],
      peers,
    );
    expect(edge.peer.name).toBe('ledger');
    expect(edge.http).toMatchObject({ requestsPerSecond: 4, errorRatio: 0.25 });
    expect(edge.series).toEqual({
      requestsPerSecond: [
        [15, 4],
        [30, 3],
      ],
      errorRatio: [
        [15, 0.25],
        [30, 0],
      ],
    });
  });

  it('places a global Prometheus answer by its cluster label, else in an unknown cluster', () => {
    const global = (responses: InstantSample[]): LinkerdTargetAnswers => ({
      clusters: ['cluster-4', 'cluster-5'],
      answers: { responses },
    });
    const [labelled] = assembleLinkerdEdges(
      'inbound',
      [
        global([
          inbound('ledger', 'true', 'success', 1, { cluster: 'cluster-4' }),
        ]),
      ],
      peers,
    );
    expect(labelled.thisCluster).toEqual({
      name: 'cluster-4',
      clusterId: 'cluster-4',
      known: true,
    });
    const [unlabelled] = assembleLinkerdEdges(
      'inbound',
      [global([inbound('ledger', 'true', 'success', 1)])],
      peers,
    );
    expect(unlabelled.thisCluster).toEqual({
      name: 'unknown',
      clusterId: 'unknown',
      known: false,
    });
    // Only cluster-4 runs the ledger identity, so the caller's cluster is still known.
    expect(unlabelled.peerCluster.name).toBe('cluster-4');
  });

  it('does not double an edge a cluster’s own and a global Prometheus both hold', () => {
    const series = [inbound('ledger', 'true', 'success', 2)];
    const edges = assembleLinkerdEdges(
      'inbound',
      [
        own({ responses: series }),
        {
          // cluster-4 has its own Prometheus, so the global one is asked for cluster-5 only.
          clusters: ['cluster-5'],
          answers: {
            responses: [
              inbound('ledger', 'true', 'success', 2, { cluster: 'cluster-4' }),
            ],
          },
        },
      ],
      peers,
    );
    expect(edges).toHaveLength(1);
    expect(edges[0].http!.requestsPerSecond).toBe(2);
  });

  it('resolves a mirrored service to the service in the Link’s target cluster, others to this cluster', () => {
    const dst = (service: string, classification: string, value: number) => ({
      labels: {
        dst_namespace: 'accounts',
        dst_service: service,
        tls: 'true',
        classification,
      },
      value,
    });
    const edges = assembleLinkerdEdges(
      'outbound',
      [
        own({
          responses: [
            dst('ledger', 'success', 1.5),
            dst('audit-cluster-5', 'success', 0.45),
            dst('audit-cluster-5', 'failure', 0.05),
            dst('payments', 'success', 0.2),
          ],
        }),
      ],
      peers,
    );
    expect(
      edges.map(e => [
        e.peer.name,
        e.peerCluster.name,
        e.http!.requestsPerSecond,
        e.http!.errorRatio,
        e.mtls.share,
      ]),
    ).toEqual([
      ['ledger', 'cluster-4', 1.5, 0, null],
      ['audit', 'cluster-5', 0.5, 0.1, null],
      // Not in the fleet: still a service of the caller's cluster, shown as named.
      ['payments', 'cluster-4', 0.2, 0, null],
    ]);
  });

  // Issue 17, item 5: linkerd2-proxy's TlsAccept labels (linkerd/app/core/src/transport/
  // labels.rs) are `true`, `disabled`, `no_identity` and `opaque`; it never emits `false`.
  it('counts tls="disabled" as plaintext and never reads a `false` Linkerd does not emit as plaintext', () => {
    const [edge] = assembleLinkerdEdges(
      'inbound',
      [
        own({
          responses: [
            inbound(undefined, 'disabled', 'success', 3),
            inbound(undefined, 'no_identity', 'success', 1, {
              no_tls_reason: 'no_tls_from_remote',
            }),
            inbound(undefined, 'false', 'success', 2),
          ],
        }),
      ],
      peers,
    );
    expect(edge.mtls.requests).toEqual({
      mutualPerSecond: 0,
      plaintextPerSecond: 4,
      unclassifiedPerSecond: 2,
    });
    expect(edge.mtls.share).toBe(0);
  });

  it('leaves TLS the proxy passed through, or without a client identity, unclassified', () => {
    const [edge] = assembleLinkerdEdges(
      'inbound',
      [
        own({
          responses: [
            inbound('ledger', 'true', 'success', 4),
            {
              labels: { tls: 'true', client_id: '', classification: 'success' },
              value: 1,
            },
            inbound(undefined, 'opaque', 'success', 1, { sni: 'db.example' }),
          ],
        }),
      ],
      peers,
    );
    const all = assembleLinkerdEdges(
      'inbound',
      [
        own({
          responses: [
            {
              labels: { tls: 'true', client_id: '', classification: 'success' },
              value: 1,
            },
            inbound(undefined, 'opaque', 'success', 1),
          ],
        }),
      ],
      peers,
    );
    expect(edge.mtls.share).toBe(1);
    expect(all[0].mtls).toMatchObject({
      share: null,
      requests: { unclassifiedPerSecond: 2 },
    });
    expect(all[0].mtls.unclassified).toHaveLength(1);
  });

  // Linkerd's policy controller admits kubelet probes through the default authorization
  // `probe` (policy-controller index: AuthorizationRef::Default("probe")), in plaintext.
  it('sets kubelet probes apart: plaintext by design, no warning material', () => {
    const probe = { authz_kind: 'default', authz_name: 'probe' };
    const [edge] = assembleLinkerdEdges(
      'inbound',
      [
        own({
          responses: [
            inbound(undefined, 'no_identity', 'success', 0.2, {
              no_tls_reason: 'no_tls_from_remote',
              ...probe,
            }),
          ],
        }),
      ],
      peers,
    );
    expect(edge.mtls).toEqual({
      share: null,
      requests: {
        mutualPerSecond: 0,
        plaintextPerSecond: 0,
        unclassifiedPerSecond: 0,
      },
      unclassified: [],
      probesPerSecond: 0.2,
    });
  });

  // Issue 17, item 8. In pod-to-pod mode the caller still asks for the mirror
  // (`audit-cluster-5`), but the endpoints are the remote pods, whose Service labels the
  // series: dst_service is `audit`, which must not read as a service of the caller's cluster.
  it('places a pod-to-pod call by the mirror its authority names, not as local', () => {
    const [edge, ...more] = assembleLinkerdEdges(
      'outbound',
      [
        own({
          responses: [
            {
              labels: {
                dst_namespace: 'accounts',
                dst_service: 'audit',
                authority: 'audit-cluster-5.accounts.svc.cluster.local:8080',
                tls: 'true',
                classification: 'success',
              },
              value: 0.7,
            },
          ],
        }),
      ],
      peers,
    );
    expect(more).toEqual([]);
    expect(edge.peer).toEqual({ namespace: 'accounts', name: 'audit' });
    expect(edge.peerCluster).toEqual({
      name: 'cluster-5',
      clusterId: 'cluster-5',
      known: true,
    });
  });

  // Through the gateway the callee sees the gateway's identity (the linkerd-multicluster
  // extension's `linkerd-gateway` service account); cluster-4 is the one cluster with a Link
  // to cluster-5, so that is where the call came from.
  it('names the gateway as the caller of a gatewayed call, from the one cluster linked here', () => {
    const [edge] = assembleLinkerdEdges(
      'inbound',
      [
        {
          ownCluster: 'cluster-5',
          clusters: ['cluster-5'],
          answers: {
            responses: [
              {
                labels: {
                  client_id:
                    'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local',
                  tls: 'true',
                  classification: 'success',
                },
                value: 0.5,
              },
            ],
          },
        },
      ],
      peers,
    );
    expect(edge.peer).toEqual({
      namespace: 'linkerd-multicluster',
      name: 'linkerd-gateway',
    });
    expect(edge.peerCluster).toEqual({
      name: 'cluster-4',
      clusterId: 'cluster-4',
      known: true,
    });
    expect(edge.thisCluster.name).toBe('cluster-5');

    // Two clusters linked here: the gateway hides which one, so it stays unknown.
    const linked = linkerdScenarioFleet();
    linked.links.push({
      from: 'cluster-1',
      to: 'cluster-5',
      via: 'linkerd-multicluster',
    });
    const [ambiguous] = assembleLinkerdEdges(
      'inbound',
      [
        {
          ownCluster: 'cluster-5',
          clusters: ['cluster-5'],
          answers: {
            responses: [
              {
                labels: {
                  client_id:
                    'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local',
                  tls: 'true',
                  classification: 'success',
                },
                value: 0.5,
              },
            ],
          },
        },
      ],
      new LinkerdPeers(linked),
    );
    expect(ambiguous.peerCluster.known).toBe(false);
  });

  it('drops label sets that carried nothing in the window', () => {
    expect(
      assembleLinkerdEdges(
        'inbound',
        [own({ responses: [inbound('ledger', 'true', 'success', 0)] })],
        peers,
      ),
    ).toEqual([]);
  });
});

describe('linkerdScopeOf', () => {
  it('selects the workloads of Linkerd instances in the asked clusters only', () => {
    expect(
      linkerdScopeOf(fleet, { namespace: 'accounts', name: 'users' }, [
        'cluster-4',
      ]),
    ).toEqual({
      namespace: 'accounts',
      workloads: { deployment: ['users-v2'], statefulset: ['users-v3'] },
    });
    expect(
      linkerdScopeOf(fleet, { namespace: 'accounts', name: 'users' }, [
        'cluster-5',
      ]),
    ).toBeUndefined();
    // Istio sidecars: no Linkerd queries at all.
    expect(
      linkerdScopeOf(fleet, { namespace: 'bookinfo', name: 'reviews' }, [
        'cluster-1',
        'cluster-2',
      ]),
    ).toBeUndefined();
  });
});
