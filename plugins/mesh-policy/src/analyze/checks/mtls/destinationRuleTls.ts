import type {
  FindingObject,
  MeshService,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import type { Check, FindingDraft } from '../../types';
import {
  type DestinationRuleTarget,
  destinationRuleTargets,
  reachedNames,
  reaches,
  upstreamClusters,
  type UpstreamClusters,
} from './destinationRuleTargets';
import { listed, modeOnPort, MtlsLookups, sortedUnique } from './lookups';
import { describeTls, refusedByStrict } from './tlsSettings';

const objectKey = (o: FindingObject) =>
  `${o.cluster}/${o.kind}/${o.namespace ?? ''}/${o.name}`;

/** What one DestinationRule does wrong, gathered over every service and cluster it reaches. */
class RuleFindings<T> {
  private readonly byRule = new Map<
    string,
    { target: DestinationRuleTarget; items: T[] }
  >();

  add(target: DestinationRuleTarget, item: T) {
    const key = `${target.cluster}\u0000${target.id}`;
    const entry = this.byRule.get(key) ?? { target, items: [] };
    entry.items.push(item);
    this.byRule.set(key, entry);
  }

  entries() {
    return [...this.byRule.values()];
  }
}

interface Refusal {
  service: string;
  /** Where the call lands. */
  cluster: string;
  port: number;
  field: string;
  sends: string;
  why: 'strict' | 'gateway';
  /** The object that makes the destination STRICT. */
  strictBy?: FindingObject;
  network?: string;
}

const rejecting = (mode: string) =>
  mode === 'DISABLE' || mode === 'SIMPLE' || mode === 'MUTUAL';

/**
 * MESH301. A sidecar applies the TLS settings of the DestinationRule it uses (explicit
 * settings replace auto mTLS: pilot/pkg/networking/core/cluster_tls.go,
 * buildUpstreamTLSSettings returns the user's settings as `userSupplied`), so:
 * - DISABLE sends plaintext, SIMPLE sends TLS without a client certificate, MUTUAL presents
 *   the files it names: a STRICT sidecar's inbound listener accepts only Istio mTLS and
 *   validates the client certificate against the mesh root, so it resets all three (Istio
 *   docs, "Mutual TLS Migration"; the deprecated IST0113 MTLSPolicyConflict, Kiali's KIA0207/
 *   KIA0208 on one cluster).
 * - An endpoint on another network is replaced by that network's east-west gateway
 *   (pilot/pkg/xds/endpoints/ep_filters.go), whose AUTO_PASSTHROUGH server forwards by the
 *   SNI of Istio mTLS (`outbound_.<port>_.<subset>_.<host>`): plaintext has none, and SIMPLE/
 *   MUTUAL send the request's host as SNI (auto_sni, cluster_tls.go
 *   setAutoSniAndAutoSanValidation), which matches no filter chain: the gateway resets them.
 * Endpoints in ambient mode are skipped: a sidecar reaches them over HBONE whatever the rule
 * says (cluster_tls.go applyHBONETransportSocketMatches).
 */
function refusedCalls(ctx: MtlsLookups['ctx']): FindingDraft[] {
  const l = new MtlsLookups(ctx);
  const topo = ctx.topology;
  const found = new RuleFindings<Refusal>();
  const memo = new Map<string, UpstreamClusters>();
  // Only an instance that is STRICT somewhere with sidecars, or behind another network's
  // gateway, can refuse: other services are not looked at.
  const mayRefuse = (service: MeshService, client: string) => {
    const landings = l.landingClusters(client);
    const clientNet = topo.network(client);
    return service.instances.some(i => {
      if (!landings.has(i.cluster)) return false;
      const net = topo.network(i.cluster);
      if (clientNet && net && net !== clientNet) return true;
      return (
        (i.mtls.mode === 'STRICT' ||
          Object.values(i.mtls.ports ?? {}).includes('STRICT')) &&
        (i.dataPlaneMode === 'sidecar' ||
          i.workloads.some(w => w.dataPlaneMode === 'sidecar'))
      );
    });
  };
  for (const target of destinationRuleTargets(l, rejecting, mayRefuse)) {
    const client = target.cluster;
    const landings = l.landingClusters(client);
    const clientNet = topo.network(client);
    const seen = new Set<string>();
    for (const instance of target.service.instances) {
      const landing = instance.cluster;
      if (!landings.has(landing)) continue;
      const landingNet = topo.network(landing);
      const throughGateway =
        !!clientNet &&
        !!landingNet &&
        clientNet !== landingNet &&
        l.hasEastWestGateway(landing);
      for (const { port } of instance.ports) {
        if (typeof port !== 'number') continue;
        const strict = modeOnPort(instance, port) === 'STRICT';
        if (!throughGateway && !strict) continue;
        for (const { subset, tls } of upstreamClusters(target, port, memo)) {
          if (!refusedByStrict(tls)) continue;
          const key = `${landing}\u0000${port}\u0000${tls.field}`;
          if (seen.has(key)) continue;
          // Through a gateway every endpoint but an ambient one (HBONE) is cut off; on the
          // same network only a STRICT sidecar refuses.
          const why: Refusal['why'] = throughGateway ? 'gateway' : 'strict';
          if (
            !reaches(l, landing, instance, subset, m =>
              why === 'gateway' ? m !== 'ambient' : m === 'sidecar',
            )
          )
            continue;
          seen.add(key);
          found.add(target, {
            service: target.service.id,
            cluster: landing,
            port,
            field: tls.field!,
            sends: describeTls(tls),
            why,
            ...(why === 'strict'
              ? {
                  strictBy: l.peerAuthenticationRef(
                    landing,
                    target.service.id,
                    instance,
                  ),
                }
              : { network: landingNet }),
          });
        }
      }
    }
  }

  return found.entries().map(({ target, items }) => {
    const rule = `DestinationRule ${target.id} in cluster ${target.cluster}`;
    const fields = sortedUnique(items.map(i => i.field));
    const sends = sortedUnique(items.map(i => i.sends));
    const landings = new Map<string, Refusal[]>();
    for (const i of items) {
      const k = `${i.service}\u0000${i.cluster}\u0000${i.why}`;
      const group = landings.get(k);
      if (group) group.push(i);
      else landings.set(k, [i]);
    }
    // The message names a few; the rest are counted (a mesh-wide rule covers thousands).
    const groups = [...landings.values()];
    const parts = groups.slice(0, 4).map(group => {
      const first = group[0];
      const ports = sortedUnique(group.map(g => String(g.port))).join(', ');
      if (first.why === 'gateway')
        return `${first.service} in cluster ${first.cluster} is on network ${first.network}, reached through its east-west gateway, which forwards only Istio mTLS (it routes by the mTLS SNI) and resets these connections`;
      const by = first.strictBy!;
      const decidedBy =
        by.kind === 'PeerAuthentication'
          ? `PeerAuthentication ${by.namespace}/${by.name}`
          : 'its mesh settings';
      return `${first.service} in cluster ${first.cluster} requires mTLS on port ${ports} (STRICT by ${decidedBy}), so its sidecars reset these connections`;
    });
    const strictObjects = new Map<string, FindingObject>();
    for (const i of items)
      if (i.strictBy) strictObjects.set(objectKey(i.strictBy), i.strictBy);
    const permissive = [...strictObjects.values()]
      .filter(o => o.kind === 'PeerAuthentication')
      .map(
        o =>
          `PeerAuthentication ${o.namespace}/${o.name} in cluster ${o.cluster}`,
      );
    return {
      message: `${rule} makes sidecars in ${target.cluster} send ${listed(
        sends,
      )} (${listed(fields)}) to ${
        target.host
      }, and those calls are refused where they land: ${parts.join('; ')}${
        groups.length > parts.length
          ? ` and ${groups.length - parts.length} more`
          : ''
      }.`,
      fix: `In ${rule}, remove ${listed(
        fields,
      )} — auto mTLS then sends Istio mTLS to every endpoint with a sidecar and plaintext to the rest — or set tls.mode ISTIO_MUTUAL there.${
        permissive.length > 0
          ? ` Only if these callers must keep sending without Istio mTLS, set mtls.mode PERMISSIVE (or a portLevelMtls entry for the port) in ${listed(
              permissive,
              3,
            )} instead.`
          : ''
      }`,
      objects: [
        ctx.ref(target.cluster, target.object),
        ...strictObjects.values(),
      ],
      services: sortedUnique(items.map(i => i.service)),
      clusters: sortedUnique(items.map(i => i.cluster)),
    };
  });
}

export const tlsRefusedByStrict: Check = {
  code: 'MESH301',
  severity: 'error',
  title:
    'DestinationRule sends plaintext or non-Istio TLS to a destination that refuses it',
  istio: 'IST0113',
  kiali: 'KIA0207',
  run: refusedCalls,
};

interface Proxyless {
  service: string;
  cluster: string;
  workloads: string[];
  field: string;
}

/**
 * MESH302. An explicit `ISTIO_MUTUAL` makes the sidecar originate Istio mTLS to every endpoint
 * of the upstream cluster; only auto mTLS chooses per endpoint, by the
 * `security.istio.io/tlsMode: istio` label a sidecar puts on its pod
 * (pilot/pkg/networking/core/cluster_tls.go: the transport socket match is added only when
 * the mode was `autoDetected`). A workload without a proxy cannot answer the handshake, so
 * those calls fail (503 UF, "upstream connect error … TLS error").
 */
function proxylessEndpoints(ctx: MtlsLookups['ctx']): FindingDraft[] {
  const l = new MtlsLookups(ctx);
  const found = new RuleFindings<Proxyless>();
  const memo = new Map<string, UpstreamClusters>();
  // Only a workload without a proxy fails: instances without one are not looked at.
  const proxyless = (i: ServiceInstance) =>
    i.workloads.length === 0
      ? i.dataPlaneMode === 'none'
      : i.workloads.some(w => w.dataPlaneMode === 'none');
  const mayFail = (service: MeshService, client: string) => {
    const landings = l.landingClusters(client);
    return service.instances.some(i => landings.has(i.cluster) && proxyless(i));
  };
  for (const target of destinationRuleTargets(
    l,
    m => m === 'ISTIO_MUTUAL',
    mayFail,
  )) {
    const landings = l.landingClusters(target.cluster);
    for (const instance of target.service.instances) {
      const landing = instance.cluster;
      if (!landings.has(landing) || !proxyless(instance)) continue;
      const workloads = new Set<string>();
      const fields = new Set<string>();
      for (const { port } of instance.ports) {
        if (typeof port !== 'number') continue;
        for (const { subset, tls } of upstreamClusters(target, port, memo)) {
          if (tls.mode !== 'ISTIO_MUTUAL') continue;
          const bare = reachedNames(
            l,
            landing,
            instance,
            subset,
            m => m === 'none',
          );
          if (bare.length === 0) continue;
          fields.add(tls.field!);
          for (const w of bare) workloads.add(w);
        }
      }
      if (workloads.size > 0)
        found.add(target, {
          service: target.service.id,
          cluster: landing,
          workloads: sortedUnique(workloads),
          field: listed(sortedUnique(fields)),
        });
    }
  }

  return found.entries().map(({ target, items }) => {
    const rule = `DestinationRule ${target.id} in cluster ${target.cluster}`;
    const fields = sortedUnique(items.map(i => i.field));
    const parts = items
      .slice(0, 4)
      .map(
        i => `${i.service} in cluster ${i.cluster}: ${listed(i.workloads, 3)}`,
      );
    if (items.length > parts.length)
      parts.push(`${items.length - parts.length} more`);
    const namespaces = sortedUnique(items.map(i => i.service.split('/')[0]));
    return {
      message: `${rule} sets tls.mode ISTIO_MUTUAL (${listed(fields)}) for ${
        target.host
      }, so sidecars in ${
        target.cluster
      } originate Istio mTLS to every endpoint; some of the endpoints its calls land on have no proxy to complete the handshake, and calls to them fail: ${parts.join(
        '; ',
      )}.`,
      fix: `Remove ${listed(
        fields,
      )} from ${rule}: auto mTLS then sends Istio mTLS only to endpoints whose pods carry security.istio.io/tlsMode=istio and plaintext to the rest. Or inject the sidecar into those workloads (label namespace ${listed(
        namespaces,
        3,
      )} istio-injection=enabled or istio.io/rev=<revision> in ${listed(
        sortedUnique(items.map(i => i.cluster)),
        3,
      )} and restart them).`,
      objects: [
        ctx.ref(target.cluster, target.object),
        ...items.map(i => ctx.serviceRef(i.cluster, i.service)),
      ],
      services: sortedUnique(items.map(i => i.service)),
    };
  });
}

export const istioMutualWithoutProxy: Check = {
  code: 'MESH302',
  severity: 'warning',
  title:
    'DestinationRule requires Istio mTLS towards workloads that have no proxy',
  run: proxylessEndpoints,
};
