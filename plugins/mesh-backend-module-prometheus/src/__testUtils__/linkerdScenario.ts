/**
 * Generated Linkerd proxy traffic for the real-Prometheus tests, and the fleet it runs in:
 * the demo's Linkerd cluster (cluster-4, namespace accounts) plus cluster-5, which cluster-4
 * reaches through a Linkerd multicluster Link. Like Linkerd-viz's Prometheus, the series
 * carry no cluster label.
 *
 * Inbound to users (cluster-4), served by Deployment users-v2 and StatefulSet users-v3:
 * - ledger (cluster-4) → users-v2: 6 rps, 5 % failures (503), all mutual TLS, with a latency
 *   histogram whose quantiles are known exactly (p50 10 ms, p95 ≈ 41.429 ms, p99 90 ms).
 * - a plaintext caller (no identity) → users-v3: 2 rps, no failures.
 * - the kubelet's probes → users-v2: 0.1 rps in plaintext, admitted by Linkerd's default
 *   `probe` authorization (policy-controller: `AuthorizationRef::Default("probe")`).
 * Outbound from users-v2:
 * - → ledger (cluster-4): 1.5 rps, no failures.
 * - → audit-cluster-5, the mirror of audit in cluster-5: 0.5 rps, 10 % failures.
 * Noise that must not count for users: ledger's own inbound report of users' calls, and a
 * workload of the same namespace whose name merely starts with `users`.
 */
import type {
  Fleet,
  FleetCluster,
  ServiceInstance,
  Workload,
} from '@meshport/backstage-plugin-mesh-common';
import { scenarioFleet } from '@meshport/backstage-plugin-mesh-node/testUtils';
import {
  CounterSpec,
  HistogramSpec,
  SampleGrid,
  counterFamily,
  histogramFamily,
} from './openMetrics';

const NS = 'accounts';
const TRUST = 'identity.linkerd.cluster.local';
const identity = (sa: string) => `${sa}.${NS}.serviceaccount.${TRUST}`;

export const LINKERD_EXPECTED = {
  fromLedger: {
    requestsPerSecond: 6,
    errorRatio: 0.05,
    mtlsShare: 1,
    latencyMs: { p50: 10, p95: 20 + 30 * (0.3 / 0.42), p99: 90 },
  },
  plaintext: { requestsPerSecond: 2, errorRatio: 0, mtlsShare: 0 },
  /** Kubelet probes to users-v2, plaintext by design, admitted by the `probe` authorization. */
  probes: { requestsPerSecond: 0.1 },
  toLedger: { requestsPerSecond: 1.5, errorRatio: 0 },
  toAuditMirror: { requestsPerSecond: 0.5, errorRatio: 0.1 },
};

/** Labels Linkerd-viz's scrape config adds to every proxy series, for a pod of `workload`. */
function scraped(
  kind: 'deployment' | 'statefulset',
  owner: string,
  pod: string,
): Record<string, string> {
  return {
    job: 'linkerd-proxy',
    control_plane_ns: 'linkerd',
    namespace: NS,
    pod,
    [kind]: owner,
  };
}

const usersV2 = scraped('deployment', 'users-v2', 'users-v2-6d4cf56db6-x7k2p');
const usersV3 = scraped('statefulset', 'users-v3', 'users-v3-0');
const ledgerV1 = scraped(
  'deployment',
  'ledger-v1',
  'ledger-v1-7f9c8b5d4-q2w8e',
);
const usersAdmin = scraped(
  'deployment',
  'users-admin',
  'users-admin-5c7d9f8b6-z9x8c',
);

/**
 * An inbound `response_total` series as linkerd2-proxy labels it (linkerd/app/core/src/
 * metrics.rs, `InboundEndpointLabels`: `tls` from `TlsAccept`, the Server and the
 * authorization that admitted the request). Under the default policy both are `default`.
 */
function inbound(
  pod: Record<string, string>,
  authority: string,
  clientSa: string | undefined,
  status: string,
  rate: number,
  authz = 'all-unauthenticated',
): CounterSpec {
  return {
    labels: {
      ...pod,
      direction: 'inbound',
      authority,
      srv_kind: 'default',
      srv_name: 'all-unauthenticated',
      authz_kind: 'default',
      authz_name: authz,
      ...(clientSa
        ? { client_id: identity(clientSa), tls: 'true' }
        : { tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' }),
      status_code: status,
      classification: status.startsWith('5') ? 'failure' : 'success',
    },
    ratePerSecond: rate,
  };
}

function outbound(
  pod: Record<string, string>,
  dst: { service: string; deployment: string; sa: string },
  status: string,
  rate: number,
): CounterSpec {
  return {
    labels: {
      ...pod,
      direction: 'outbound',
      authority: `${dst.service}.${NS}.svc.cluster.local:8080`,
      dst_namespace: NS,
      dst_service: dst.service,
      dst_deployment: dst.deployment,
      dst_serviceaccount: dst.sa,
      dst_control_plane_ns: 'linkerd',
      server_id: identity(dst.sa),
      tls: 'true',
      status_code: status,
      classification: status.startsWith('5') ? 'failure' : 'success',
    },
    ratePerSecond: rate,
  };
}

export function linkerdFamilies(grid: SampleGrid): string[][] {
  const usersAuthority = `users.${NS}.svc.cluster.local:8080`;
  const ledger = { service: 'ledger', deployment: 'ledger-v1', sa: 'ledger' };
  const auditMirror = {
    service: 'audit-cluster-5',
    deployment: 'linkerd-gateway',
    sa: 'linkerd-gateway',
  };
  const responses: CounterSpec[] = [
    inbound(usersV2, usersAuthority, 'ledger', '200', 5.7),
    inbound(usersV2, usersAuthority, 'ledger', '503', 0.3),
    inbound(usersV3, usersAuthority, undefined, '200', 2),
    inbound(
      usersV2,
      'users-v2-6d4cf56db6-x7k2p:8080',
      undefined,
      '200',
      0.1,
      'probe',
    ),
    outbound(usersV2, ledger, '200', 1.5),
    outbound(usersV2, auditMirror, '200', 0.45),
    outbound(usersV2, auditMirror, '503', 0.05),
    // ledger's own report of users' calls: inbound to ledger, not to users.
    inbound(
      ledgerV1,
      `ledger.${NS}.svc.cluster.local:8080`,
      'users',
      '200',
      1.5,
    ),
    // Another workload of the namespace; a prefix match on `users` would count it.
    inbound(usersAdmin, usersAuthority, 'ledger', '200', 100),
  ];

  // 6 observations/s: 20 % ≤ 5 ms, 50 % ≤ 10, 90 % ≤ 20, 97 % ≤ 50, 99.5 % ≤ 100, all ≤ 200.
  const ledgerToUsers = inbound(usersV2, usersAuthority, 'ledger', '200', 0);
  const {
    status_code: _code,
    classification: _class,
    ...histogramLabels
  } = ledgerToUsers.labels;
  const latency: HistogramSpec[] = [
    {
      labels: histogramLabels,
      cumulativeRates: [
        ['1', 0],
        ['5', 1.2],
        ['10', 3],
        ['20', 5.4],
        ['50', 5.82],
        ['100', 5.97],
        ['200', 6],
        ['+Inf', 6],
      ],
      sumPerSecond: 90,
    },
  ];
  return [
    counterFamily('response', responses, grid),
    histogramFamily('response_latency_ms', latency, grid),
  ];
}

function linkerdCluster(name: string): FleetCluster {
  return {
    name,
    sync: { state: 'ok' },
    regions: [],
    zones: [],
    controlPlanes: [
      {
        kind: 'linkerd',
        namespace: 'linkerd',
        revision: 'default',
        trustDomain: 'cluster.local',
        rootCertFingerprint: 'sha256:cccc',
        external: false,
        ambient: false,
        readsEndpointsFrom: [],
      },
    ],
    eastWestGateways: [],
  };
}

function workload(kind: string, name: string, sa: string): Workload {
  return {
    kind,
    name,
    serviceAccount: sa,
    identity: identity(sa),
    labels: {},
    pods: { ready: 1, total: 1 },
    dataPlaneMode: 'linkerd',
  };
}

export function linkerdInstance(
  cluster: string,
  workloads: Workload[],
  extra: Partial<ServiceInstance> = {},
): ServiceInstance {
  return {
    cluster,
    stale: false,
    labels: {},
    ports: [{ port: 8080, protocol: 'TCP' }],
    selector: {},
    endpoints: { ready: workloads.length, total: workloads.length },
    subsets: {},
    workloads,
    identities: workloads.map(w => w.identity),
    dataPlaneMode: 'linkerd',
    localities: [],
    mtls: { mode: 'STRICT' },
    config: [],
    ...extra,
  };
}

/**
 * The Istio scenario's fleet plus the Linkerd clusters and services. `usersWorkloads`
 * replaces users' workloads (to try hostile names).
 */
export function linkerdScenarioFleet(
  usersWorkloads: Workload[] = [
    workload('Deployment', 'users-v2', 'users'),
    workload('StatefulSet', 'users-v3', 'users'),
  ],
): Fleet {
  const base = scenarioFleet();
  return {
    ...base,
    clusters: [
      ...base.clusters,
      linkerdCluster('cluster-4'),
      linkerdCluster('cluster-5'),
    ],
    services: [
      ...base.services,
      {
        id: `${NS}/audit`,
        namespace: NS,
        name: 'audit',
        instances: [
          linkerdInstance(
            'cluster-5',
            [workload('StatefulSet', 'audit', 'audit')],
            { mirroredIn: ['cluster-4'] },
          ),
        ],
      },
      {
        id: `${NS}/ledger`,
        namespace: NS,
        name: 'ledger',
        instances: [
          linkerdInstance('cluster-4', [
            workload('Deployment', 'ledger-v1', 'ledger'),
          ]),
        ],
      },
      {
        id: `${NS}/users`,
        namespace: NS,
        name: 'users',
        instances: [linkerdInstance('cluster-4', usersWorkloads)],
      },
    ],
    links: [
      { from: 'cluster-4', to: 'cluster-5', via: 'linkerd-multicluster' },
    ],
  };
}

export { workload as linkerdWorkload };
