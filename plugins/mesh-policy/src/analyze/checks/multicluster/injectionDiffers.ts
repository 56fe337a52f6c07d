import type {
  FindingObject,
  MeshService,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import type { AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import { listOf, MulticlusterLookups } from './lookups';

const meshed = (mode: unknown) => mode === 'sidecar' || mode === 'ambient';

function difference(
  ctx: AnalysisContext,
  lookups: MulticlusterLookups,
  service: MeshService,
): FindingDraft | undefined {
  // Only instances requests can land on: ready endpoints in an Istio cluster.
  const live: ServiceInstance[] = [];
  let proxies = 0;
  let bareOnes = 0;
  for (const i of service.instances ?? []) {
    if (!i || !(i.endpoints?.ready > 0)) continue;
    if (meshed(i.dataPlaneMode)) proxies++;
    else if (i.dataPlaneMode === 'none') bareOnes++;
    else continue;
    live.push(i);
  }
  // the common case, decided before any lookup
  if (proxies === 0 || bareOnes === 0) return undefined;
  for (let n = live.length - 1; n >= 0; n--)
    if (lookups.view(live[n].cluster).size === 0) live.splice(n, 1);
  const withProxy = live.filter(i => meshed(i.dataPlaneMode));
  const without = live.filter(i => i.dataPlaneMode === 'none');
  if (withProxy.length === 0 || without.length === 0) return undefined;
  const proxied = new Set(withProxy.map(i => i.cluster));
  const bare = new Set(without.map(i => i.cluster));
  // Callers that load-balance over both kinds of endpoint: one control plane sees both.
  const callers = lookups.mergedBy(live.map(i => i.cluster)).filter(c => {
    const view = lookups.view(c);
    return (
      [...proxied].some(x => view.has(x)) && [...bare].some(x => view.has(x))
    );
  });
  if (callers.length === 0) return undefined;

  const topo = ctx.topology;
  const id = `${service.namespace}/${service.name}`;
  const proxiedList = [...proxied].sort(compareStrings);
  const bareList = [...bare].sort(compareStrings);
  const modes = [...new Set(withProxy.map(i => i.dataPlaneMode))].sort(
    compareStrings,
  );
  const networks = new Set(
    proxiedList.map(c => topo.network(c)).filter(Boolean),
  );
  const acrossNetworks = bareList.some(c => {
    const n = topo.network(c);
    return n && networks.size > 0 && !networks.has(n);
  });
  const labels = (c: string) => {
    if (modes.includes('ambient') && !modes.includes('sidecar'))
      return 'istio.io/dataplane-mode=ambient';
    const rev = topo.controlPlane(c)?.revision;
    return rev && rev !== 'default'
      ? `istio.io/rev=${rev}`
      : 'istio-injection=enabled';
  };
  const objects: FindingObject[] = [
    ...bareList.map(c => ({
      cluster: c,
      apiVersion: 'v1',
      kind: 'Namespace',
      name: service.namespace,
    })),
    ...proxiedList.map(c => ctx.serviceRef(c, id)),
  ];
  return {
    // Auto mTLS sends Istio mTLS only to endpoints labelled security.istio.io/tlsMode=istio,
    // plaintext to the rest (pilot/pkg/networking/core/cluster_tls.go, the transport socket
    // match istioMtlsTransportSocketMatch beside a plaintext default), and
    // split-horizon EDS drops a remote network's endpoints that are not mTLS
    // (pilot/pkg/xds/endpoints/ep_filters.go, EndpointsByNetworkFilter).
    message: [
      `Service ${id} runs with ${modes.join(
        ' and ',
      )} proxies in cluster ${listOf(
        proxiedList,
        8,
      )} but without a proxy in cluster ${listOf(
        bareList,
        8,
      )}, and proxies in ${listOf(callers, 8)} send its requests to both:`,
      `requests landing in ${listOf(
        bareList,
        8,
      )} travel in plaintext without the caller's identity, and its PeerAuthentication and AuthorizationPolicies are not enforced there, so mTLS and access control depend on the cluster a request lands in${
        acrossNetworks
          ? '; callers on other networks never reach the endpoints without a proxy at all (the east-west gateway carries only Istio mTLS).'
          : '.'
      }`,
    ].join(' '),
    fix: `Enable the data plane for namespace ${
      service.namespace
    } in cluster ${listOf(bareList, 8)} as in cluster ${listOf(
      proxiedList,
      8,
    )}: ${bareList
      .map(
        c =>
          `kubectl label namespace ${service.namespace} ${labels(
            c,
          )} --context=<${c}>`,
      )
      .join('; ')}, then restart the workloads of ${id}${
      modes.includes('sidecar') ? ' so the sidecar is injected' : ''
    }.`,
    objects,
    services: [id],
    clusters: callers,
  };
}

/**
 * MESH405: one service with a proxy (sidecar or ambient) in some clusters and none in others,
 * where one control plane sends callers to both.
 */
export const injectionDiffersCheck: Check = {
  code: 'MESH405',
  severity: 'warning',
  title: 'Service has a proxy in some clusters and none in others',
  run(ctx) {
    const lookups = new MulticlusterLookups(ctx.topology);
    const drafts: FindingDraft[] = [];
    for (const service of ctx.fleet.services) {
      const draft = difference(ctx, lookups, service);
      if (draft) drafts.push(draft);
    }
    return drafts;
  },
};
