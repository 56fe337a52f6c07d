import type {
  DataPlaneMode,
  MeshService,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../diagnostics';
import type { AnalysisContext } from '../context';
import type { Check, FindingDraft } from '../types';
import { declaredProtocol } from './hygiene/protocol';

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort(compareStrings);

/** Istio instances only: Linkerd detects protocols itself and reads no port names. */
function istioInstances(ctx: AnalysisContext, s: MeshService) {
  return s.instances.filter(i => ctx.topology.meshKind(i.cluster) === 'istio');
}

/**
 * Services Istio's own analyzer leaves out: its control plane (label `istio` or
 * `release: istio`) and the gateways it deploys (`gateway.istio.io/managed`)
 * (pkg/config/analysis/analyzers/service/portname.go, util.IsIstioControlPlane).
 */
function isIstioInfrastructure(i: ServiceInstance): boolean {
  const labels = i.labels ?? {};
  return (
    'istio' in labels ||
    labels.release === 'istio' ||
    'gateway.istio.io/managed' in labels
  );
}

/** Where one port number of a service declares its protocol, and where not. */
interface PortUse {
  missing: string[];
  /** cluster → how it declares it, e.g. `name http-web`. */
  declared: Map<string, string>;
  /** The port's name where it declares nothing, if named. */
  name?: string;
}

/**
 * MESH701. A port whose protocol Istio cannot read is sniffed by sidecars and waypoints: the
 * first bytes decide HTTP or plain TCP (istio.io "Protocol Selection"; pilot/pkg/networking/
 * core listener_waypoint.go inserts the protocol detector for such ports). Server-first
 * protocols then wait for the detection timeout, and anything not detected as HTTP gets no
 * HTTP routing, retries or request metrics. `istioctl analyze` reports it per cluster as
 * IST0118, Kiali as KIA0601/KIA0602; here one finding per service port covers every cluster.
 */
const portWithoutProtocol: Check = {
  code: 'MESH701',
  severity: 'warning',
  title: 'Service port without a protocol Istio can read',
  istio: 'IST0118',
  kiali: 'KIA0601',
  run(ctx) {
    const out: FindingDraft[] = [];
    for (const s of ctx.fleet.services) {
      const byPort = new Map<number, PortUse>();
      for (const i of istioInstances(ctx, s)) {
        if (isIstioInfrastructure(i)) continue;
        for (const p of Array.isArray(i.ports) ? i.ports : []) {
          if (!p || typeof p.port !== 'number') continue;
          const entry: PortUse = byPort.get(p.port) ?? {
            missing: [],
            declared: new Map(),
          };
          const proto = declaredProtocol(p);
          if (proto)
            entry.declared.set(
              i.cluster,
              p.appProtocol ? `appProtocol ${p.appProtocol}` : `name ${p.name}`,
            );
          else {
            entry.missing.push(i.cluster);
            entry.name ??= p.name;
          }
          byPort.set(p.port, entry);
        }
      }
      for (const [port, { missing, declared, name }] of byPort) {
        if (missing.length === 0) continue;
        const clusters = sorted(missing);
        const example = [...declared].sort((a, b) =>
          compareStrings(a[0], b[0]),
        )[0];
        out.push({
          message: `Port ${port}${
            name ? ` (named "${name}")` : ' (unnamed)'
          } of Service ${s.id} in ${
            clusters.length > 1 ? 'clusters' : 'cluster'
          } ${clusters.join(
            ', ',
          )} declares no protocol Istio can read: sidecars and waypoints sniff it, so it is plain TCP unless the first bytes look like HTTP (no HTTP routing, retries or request metrics; server-first protocols stall until detection times out)${
            example
              ? `; in cluster ${example[0]} the same port declares its protocol (${example[1]})`
              : ''
          }`,
          fix: example
            ? `Declare the port's protocol in ${clusters.join(', ')} as in ${
                example[0]
              } (${example[1]})`
            : `Name port ${port} <protocol>[-suffix] (e.g. http-web, grpc, tcp-db) or set appProtocol (http, http2, grpc, tcp, tls…) on Service ${
                s.id
              } in ${clusters.join(', ')}`,
          objects: clusters.map(c => ctx.serviceRef(c, s.id)),
          services: [s.id],
          keyParts: [`port=${port}`],
        });
      }
    }
    return out;
  },
};

function modesOf(i: ServiceInstance): DataPlaneMode[] {
  const ws = Array.isArray(i.workloads) ? i.workloads : [];
  return ws.length > 0 ? ws.map(w => w.dataPlaneMode) : [i.dataPlaneMode];
}

/**
 * MESH702. Behind one Service, a sidecar pod enforces L7 AuthorizationPolicy and reports HTTP
 * metrics itself, while an ambient pod without a waypoint is served by ztunnel, which enforces
 * L4 only (L7 ALLOW rules never match there) and reports TCP metrics only (istio.io ambient
 * "Use Layer 4 security policy"; pilot/pkg/serviceregistry/ambient/authorization.go). The
 * same request is then admitted, denied and measured differently depending on which pod
 * answers, in one cluster or across clusters. A waypoint for the ambient pods brings L7 back.
 */
const mixedDataPlanes: Check = {
  code: 'MESH702',
  severity: 'warning',
  title: 'Sidecar and ambient pods behind one service without a waypoint',
  run(ctx) {
    const out: FindingDraft[] = [];
    for (const s of ctx.fleet.services) {
      const sidecar: string[] = [];
      const bare: string[] = [];
      const waypoints: string[] = [];
      for (const i of istioInstances(ctx, s)) {
        const modes = modesOf(i);
        if (modes.includes('sidecar')) sidecar.push(i.cluster);
        if (modes.includes('ambient')) {
          if (i.waypoint)
            waypoints.push(
              `${i.waypoint.namespace}/${i.waypoint.name} in ${i.cluster}`,
            );
          else bare.push(i.cluster);
        }
      }
      if (sidecar.length === 0 || bare.length === 0) continue;
      const ambient = sorted(bare);
      const withSidecar = sorted(sidecar);
      out.push({
        message: `Service ${s.id} runs sidecar pods in ${withSidecar.join(
          ', ',
        )} and ambient pods without a waypoint in ${ambient.join(
          ', ',
        )}: sidecars enforce HTTP rules of AuthorizationPolicies and report request metrics, ztunnel enforces only L4 rules and reports only TCP metrics, so requests are authorized and measured differently depending on which pod answers`,
        fix:
          waypoints.length > 0
            ? `Give the ambient pods in ${ambient.join(
                ', ',
              )} a waypoint (label the Service or namespace istio.io/use-waypoint) as ${sorted(
                waypoints,
              ).join(', ')} does, or move every pod of ${
                s.id
              } to one data plane mode`
            : `Deploy a waypoint for ${s.id} in ${ambient.join(
                ', ',
              )} (istioctl waypoint apply -n ${
                s.namespace
              }; label the Service istio.io/use-waypoint) and attach its L7 policies with targetRefs, or move every pod of ${
                s.id
              } to one data plane mode`,
        objects: ambient.map(c => ctx.serviceRef(c, s.id)),
        services: [s.id],
        clusters: withSidecar,
      });
    }
    return out;
  },
};

/** MESH7xx — hygiene: ports without a protocol, sidecar and ambient mixed in one service. */
export const hygieneChecks: Check[] = [portWithoutProtocol, mixedDataPlanes];
