import type {
  MtlsTally,
  ServiceInstance,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import type { AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import { listed, MtlsLookups, sortedUnique } from './lookups';

/** Below this many plaintext requests (or connections) per second, plaintext is rounding noise. */
const NOISE_PER_SECOND = 0.001;

function plaintext(t: MtlsTally | undefined): number {
  const n = t?.plaintextPerSecond;
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** `3 req/s and 0.5 conn/s`: what one edge received in plaintext. */
function amount(e: TrafficEdge): string {
  const parts: string[] = [];
  const req = plaintext(e.mtls?.requests);
  const conn = plaintext(e.mtls?.connections);
  if (req > NOISE_PER_SECOND) parts.push(`${round(req)} req/s`);
  if (conn > NOISE_PER_SECOND) parts.push(`${round(conn)} conn/s`);
  return parts.join(' and ');
}

/**
 * A caller as metrics name it. Istio reports a client without a proxy as `unknown` (it has no
 * peer metadata to exchange), which is the usual plaintext caller.
 */
function callerName(e: TrafficEdge): string {
  const peer = e.peer;
  if (!peer?.name || peer.name === 'unknown')
    return `callers outside the mesh (source unknown) in ${
      e.peerCluster?.name ?? 'an unknown cluster'
    }`;
  return `${peer.namespace}/${peer.name} in ${
    e.peerCluster?.name ?? 'an unknown cluster'
  }`;
}

/** What to change when a STRICT instance takes plaintext, by what lets it in. */
function strictFix(
  where: string,
  policy: string | undefined,
  open: string[],
  linkerd: boolean,
): string {
  if (linkerd)
    return `Find the port that admits it on ${where}: a Server whose accessPolicy or authorization admits unauthenticated clients, or config.linkerd.io/skip-inbound-ports on its pods; mesh the named callers, then remove the exception.`;
  if (open.length > 0)
    return `Remove the portLevelMtls override (${open.join(', ')}) from ${
      policy ?? `the PeerAuthentication of ${where}`
    }, after moving those callers into the mesh.`;
  return `Find the path that skips the sidecar: a port excluded from interception (traffic.sidecar.istio.io/excludeInboundPorts on the pods of ${where}) or a port-level override; move the named callers into the mesh, then remove the exception.`;
}

/** The Istio-injected or Linkerd-meshed instances whose mode the mTLS card would show. */
const meshed = (i: ServiceInstance) =>
  i.dataPlaneMode === 'sidecar' ||
  i.dataPlaneMode === 'ambient' ||
  i.dataPlaneMode === 'linkerd';

/**
 * MESH303. The receiving proxy reports each connection's security policy (Istio's
 * `connection_security_policy` label, reporter="destination"; Linkerd's inbound `tls` label),
 * so plaintext on an inbound edge is what the destination admitted:
 * - STRICT yet plaintext: some port is not STRICT after all (a `portLevelMtls` override, a
 *   port excluded from interception with `traffic.sidecar.istio.io/excludeInboundPorts`), or
 *   the PeerAuthentication that makes it STRICT is newer than the traffic window.
 * - PERMISSIVE (or no PeerAuthentication: Istio's default is PERMISSIVE) with plaintext: the
 *   callers named would be refused by STRICT (Istio docs, "Mutual TLS Migration": check there
 *   is no plaintext traffic before locking down).
 * DISABLE is plaintext by design and not reported.
 */
function plaintextCallers(ctx: AnalysisContext): FindingDraft[] {
  const l = new MtlsLookups(ctx);
  const drafts: FindingDraft[] = [];
  for (const service of ctx.fleet.services) {
    const traffic = ctx.traffic(service.id);
    if (!traffic) continue;
    const byCluster = new Map<string, TrafficEdge[]>();
    for (const e of Array.isArray(traffic.inbound) ? traffic.inbound : []) {
      const here = e?.thisCluster?.name;
      if (!here || amount(e) === '') continue;
      byCluster.set(here, [...(byCluster.get(here) ?? []), e]);
    }
    for (const [cluster, edges] of [...byCluster].sort(([a], [b]) =>
      compareStrings(a, b),
    )) {
      const instance = service.instances.find(i => i.cluster === cluster);
      if (!instance || !meshed(instance)) continue;
      const mode = instance.mtls.mode;
      if (mode === 'DISABLE') continue;
      const strict = mode === 'STRICT';
      const callers = edges.map(e => `${callerName(e)} (${amount(e)})`);
      const peerServices = edges
        .filter(e => e.peer?.name && e.peer.name !== 'unknown')
        .map(e => `${e.peer.namespace}/${e.peer.name}`)
        .filter(id => {
          const [ns, name] = id.split('/');
          return ctx.topology.service(ns, name) !== undefined;
        });
      const peerClusters = edges
        .filter(e => e.peerCluster?.known)
        .map(e => e.peerCluster.name);
      const decidedBy = l.peerAuthenticationRef(cluster, service.id, instance);
      let policy: string | undefined;
      if (decidedBy.kind === 'PeerAuthentication')
        policy = `PeerAuthentication ${decidedBy.namespace}/${decidedBy.name} in cluster ${cluster}`;
      else if (decidedBy.kind === 'Namespace')
        policy = `the config.linkerd.io/default-inbound-policy annotation of namespace ${decidedBy.name} in cluster ${cluster}`;
      const where = `${service.id} in cluster ${cluster}`;
      const linkerd = instance.dataPlaneMode === 'linkerd';
      if (strict) {
        const open = Object.entries(instance.mtls.ports ?? {})
          .filter(([, m]) => m !== 'STRICT')
          .map(([p, m]) => `port ${p} is ${m}`);
        drafts.push({
          message: `${where} is STRICT${
            policy ? ` (${policy})` : ''
          }, yet it received plaintext from ${listed(callers, 4)}${
            open.length > 0 ? `: ${open.join(', ')}` : ''
          }. Traffic the mesh should refuse is getting through.`,
          fix: strictFix(where, policy, open, linkerd),
          objects: [decidedBy],
          services: sortedUnique([service.id, ...peerServices]),
          clusters: sortedUnique(peerClusters),
          keyParts: [service.id, 'strict'],
        });
      } else {
        drafts.push({
          severity: 'info',
          message: `${where} accepts plaintext (${
            mode === 'UNSET' ? 'PERMISSIVE by default' : mode
          }${
            policy ? `, ${policy}` : ''
          }) and receives it: switching to STRICT would refuse callers ${listed(
            callers,
            4,
          )}.`,
          fix: linkerd
            ? `Mesh the named callers (inject the Linkerd proxy), then set config.linkerd.io/default-inbound-policy: all-authenticated on ${where}.`
            : `Inject a sidecar into the named callers (or move them to ambient) until this list is empty, then set mtls.mode STRICT in ${
                policy ??
                `a PeerAuthentication for ${service.id} in cluster ${cluster}`
              }.`,
          objects: [decidedBy],
          services: sortedUnique([service.id, ...peerServices]),
          clusters: sortedUnique(peerClusters),
          keyParts: [service.id, 'permissive'],
        });
      }
    }
  }
  return drafts;
}

export const plaintextObserved: Check = {
  code: 'MESH303',
  severity: 'warning',
  title:
    'Observed plaintext traffic under STRICT, or callers STRICT would refuse',
  needsTraffic: true,
  run: plaintextCallers,
};
