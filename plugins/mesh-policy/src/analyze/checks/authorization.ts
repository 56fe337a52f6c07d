import type {
  MeshService,
  ServiceInstance,
  TrafficEdge,
  Workload,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../diagnostics';
import { authorize, waypointPrincipal } from '../../verify/authz';
import {
  asArray,
  ClusterConfig,
  ROOT_NAMESPACE,
  Spec,
} from '../../verify/clusterConfig';
import { instanceEndpoints } from '../../verify/endpoints';
import { acceptedTrustDomains } from '../../verify/trust';
import type { ClusterObject } from '../../verify/types';
import type { AnalysisContext } from '../context';
import type { Check, FindingDraft } from '../types';
import {
  actionOf,
  attachesToWaypoint,
  hasL4Condition,
  httpAttributes,
  PolicyView,
  selectsWorkload,
  targetRefsOf,
  targetsService,
} from './authorization/attachment';
import { callerView } from './authorization/observedCallers';

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort(compareStrings);
const apName = (cluster: string, id: string) =>
  `AuthorizationPolicy ${id} in cluster ${cluster}`;

/** The Istio AuthorizationPolicy objects of a cluster by `<namespace>/<name>`. */
function policyObjects(config: ClusterConfig): Map<string, ClusterObject> {
  const ids = new Set(config.authorizationPolicies().map(p => p.id));
  const out = new Map<string, ClusterObject>();
  for (const o of config.ofKind('AuthorizationPolicy')) {
    const id = `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
    if (ids.has(id)) out.set(id, o);
  }
  return out;
}

/** Per-cluster lookups of one run, built on first use: a fleet has thousands of services. */
class ClusterLookups<T> {
  private readonly values = new Map<string, T>();
  constructor(private readonly build: (key: string) => T) {}
  get(key: string): T {
    let v = this.values.get(key);
    if (v === undefined) {
      v = this.build(key);
      this.values.set(key, v);
    }
    return v;
  }
}

/** An edge that carried something in its window. */
function carried(e: TrafficEdge): boolean {
  return (
    (e.http?.requestsPerSecond ?? 0) > 0 ||
    (e.tcp?.connectionsOpenedPerSecond ?? 0) > 0 ||
    (e.tcp?.bytesSentPerSecond ?? 0) > 0
  );
}

interface Caller {
  /** `<namespace>/<name> in <cluster>` */
  label: string;
  /** Principals the caller's workloads present (without `spiffe://`); undefined: no mTLS. */
  principals: (string | undefined)[];
}

/**
 * The callers of an edge as the serving proxy sees them: each workload of the peer service in
 * the peer cluster, by its SPIFFE identity when it speaks mTLS (a meshed workload and traffic
 * not observed as all plaintext), without one otherwise. Undefined when the peer is not a
 * workload of the fleet (outside the mesh, or a Linkerd peer): then nothing can be said.
 */
function callerOf(ctx: AnalysisContext, e: TrafficEdge): Caller | undefined {
  if (e.mesh !== 'istio' || !e.peerCluster.known) return undefined;
  const peer = ctx.topology.instance(
    e.peer.namespace,
    e.peer.name,
    e.peerCluster.name,
  );
  const workloads: Workload[] = Array.isArray(peer?.workloads)
    ? peer!.workloads
    : [];
  if (workloads.length === 0) return undefined;
  const plaintext = e.mtls?.share === 0;
  return {
    label: `${e.peer.namespace}/${e.peer.name} in ${e.peerCluster.name}`,
    principals: workloads.map(w =>
      !plaintext &&
      (w.dataPlaneMode === 'sidecar' || w.dataPlaneMode === 'ambient') &&
      typeof w.identity === 'string' &&
      w.identity.startsWith('spiffe://')
        ? w.identity.slice('spiffe://'.length)
        : undefined,
    ),
  };
}

/** The ALLOW policies that decide for one workload, to name them. */
function allowPolicies(
  config: ClusterConfig,
  namespace: string,
  service: string,
  labels: Record<string, string>,
  instance: ServiceInstance,
  mode: string,
): PolicyView[] {
  const candidates = [
    ...config.authorizationPoliciesFor(namespace),
    ...(instance.waypoint
      ? config.authorizationPoliciesFor(instance.waypoint.namespace)
      : []),
  ];
  const seen = new Set<string>();
  return candidates.filter(p => {
    if (seen.has(p.id) || actionOf(p.spec) !== 'ALLOW') return false;
    seen.add(p.id);
    if (selectsWorkload(p, namespace, labels)) return true;
    return (
      mode === 'ambient' &&
      !!instance.waypoint &&
      attachesToWaypoint(p, namespace, service, instance.waypoint)
    );
  });
}

/**
 * MESH601. Once an ALLOW policy applies to a workload, a request no ALLOW rule matches is
 * denied (istio.io "Authorization Policy" concepts; verify/authz.ts `authorize`). A caller
 * seen in traffic that no rule admits whatever it sends is being denied now: 403 for HTTP at
 * a sidecar or waypoint, the connection refused at ztunnel. Each observed caller is decided by
 * the verifier's authorization with its workloads' identities in its own cluster.
 */
const callersDenied: Check = {
  code: 'MESH601',
  severity: 'error',
  title: 'ALLOW policy admits none of the callers seen in traffic',
  needsTraffic: true,
  run(ctx) {
    const out: FindingDraft[] = [];
    const lookups: Lookups = {
      views: new ClusterLookups(key => {
        const [cluster, mode] = key.split('\u0000');
        return callerView(ctx.config(cluster), mode as 'sidecar' | 'ambient');
      }),
      objects: new ClusterLookups(cluster =>
        policyObjects(ctx.config(cluster)),
      ),
    };
    const analysed = new Set(ctx.clustersWithConfig());
    for (const s of ctx.fleet.services) {
      const traffic = ctx.traffic(s.id);
      if (!traffic) continue;
      const byCluster = new Map<string, Caller[]>();
      for (const e of asArray<TrafficEdge>(traffic.inbound)) {
        if (!e?.thisCluster?.known || !carried(e)) continue;
        const caller = callerOf(ctx, e);
        if (!caller) continue;
        const list = byCluster.get(e.thisCluster.name) ?? [];
        if (!list.some(c => c.label === caller.label)) list.push(caller);
        byCluster.set(e.thisCluster.name, list);
      }
      for (const [cluster, callers] of byCluster) {
        if (!analysed.has(cluster)) continue;
        if (ctx.topology.meshKind(cluster) !== 'istio') continue;
        out.push(...deniedCallers(ctx, s, cluster, callers, lookups));
      }
    }
    return out;
  },
};

interface Lookups {
  /** `<cluster>\0<mode>` → the cluster's policies rewritten for observed callers. */
  views: ClusterLookups<ClusterConfig>;
  objects: ClusterLookups<Map<string, ClusterObject>>;
}

function deniedCallers(
  ctx: AnalysisContext,
  s: MeshService,
  cluster: string,
  callers: Caller[],
  lookups: Lookups,
): FindingDraft[] {
  const instance = ctx.topology.instance(s.namespace, s.name, cluster);
  if (!instance) return [];
  const config = ctx.config(cluster);
  const objects = lookups.objects.get(cluster);
  const topo = ctx.topology;
  const waypoint = instance.waypoint;
  const trustDomains = acceptedTrustDomains(topo, cluster);
  const unseen = asArray<{
    kind: string;
    apiVersion: string;
    namespace: string;
    name: string;
    meshportPolicy?: string;
  }>(instance.config)
    .filter(
      c =>
        c.kind === 'AuthorizationPolicy' &&
        String(c.apiVersion).includes('istio.io') &&
        !c.meshportPolicy,
    )
    .map(c => `${c.namespace}/${c.name}`)
    .filter(id => !config.hasAuthorizationPolicy(id));
  // One endpoint group per workload and port: a caller is admitted if any port admits it.
  const groups = new Map<string, ReturnType<typeof instanceEndpoints>>();
  for (const p of Array.isArray(instance.ports) ? instance.ports : [])
    for (const g of instanceEndpoints(
      topo,
      s.namespace,
      s.name,
      cluster,
      p.port,
    )) {
      const key = `${g.serviceAccount ?? ''}\u0000${JSON.stringify(g.labels)}`;
      groups.set(key, [...(groups.get(key) ?? []), g]);
    }
  const out: FindingDraft[] = [];
  for (const ports of groups.values()) {
    const g = ports[0];
    if (g.mode !== 'sidecar' && g.mode !== 'ambient') continue;
    const allows = allowPolicies(
      config,
      s.namespace,
      s.name,
      g.labels,
      instance,
      g.mode,
    );
    if (allows.length === 0) continue;
    const cfg = lookups.views.get(`${cluster}\u0000${g.mode}`);
    const admitted = (principal: string | undefined) =>
      ports.some(
        port =>
          authorize(cfg, {
            namespace: s.namespace,
            service: s.name,
            labels: port.labels,
            mode: port.mode,
            waypoint,
            principal,
            waypointPrincipal:
              waypoint && waypointPrincipal(topo, cluster, waypoint),
            trustDomains,
            method: 'GET',
            path: '/',
            targetPort: port.targetPort,
            headers: {},
            unseen,
          }).decision !== 'deny',
      );
    // Callers share identities (one service account for every version): decide each once.
    const decided = new Map<string | undefined, boolean>();
    const admits = (principal: string | undefined) => {
      let ok = decided.get(principal);
      if (ok === undefined) {
        ok = admitted(principal);
        decided.set(principal, ok);
      }
      return ok;
    };
    const denied = callers.filter(c => !c.principals.some(admits));
    if (denied.length === 0) continue;
    const all = denied.length === callers.length;
    const workload =
      (instance.workloads ?? []).find(
        w =>
          w.serviceAccount === g.serviceAccount &&
          Object.entries(w.labels ?? {}).every(([k, v]) => g.labels[k] === v),
      )?.name ?? `pods of ${s.id}`;
    const names = allows.map(p => apName(cluster, p.id));
    const principals = sorted(
      denied.flatMap(c =>
        c.principals.filter((x): x is string => x !== undefined),
      ),
    );
    out.push({
      severity: all ? 'error' : 'warning',
      message: `${names.join(' and ')} ${
        allows.length > 1 ? 'apply' : 'applies'
      } to ${workload} (${s.id}) in cluster ${cluster} and no rule admits ${
        all
          ? 'any of its callers seen in traffic'
          : 'some of its callers seen in traffic'
      }: ${denied.map(c => c.label).join(', ')} ${
        denied.length > 1 ? 'are' : 'is'
      } being denied now (${
        g.mode === 'ambient' && !waypoint
          ? 'connections refused by ztunnel'
          : 'HTTP 403 RBAC: access denied'
      })`,
      fix: `Add a rule to ${names[0]} admitting ${denied
        .map(c => c.label)
        .join(', ')}${
        principals.length > 0
          ? ` (from: [{source: {principals: [${principals
              .map(x => `"${x}"`)
              .join(', ')}]}}])`
          : ' (they call without mTLS: admit them by namespace only once they are in the mesh)'
      }, or stop those callers if the denial is intended`,
      objects: allows
        .map(p => objects.get(p.id))
        .filter((o): o is ClusterObject => !!o)
        .map(o => ctx.ref(cluster, o)),
      services: [s.id],
      keyParts: [`workload=${cluster}/${s.namespace}/${workload}`],
    });
  }
  return out;
}

interface AmbientWorkload {
  service: MeshService;
  instance: ServiceInstance;
  workload: Workload;
}

/** Ambient workloads of each cluster by namespace, built once per analysis. */
function ambientIndex(ctx: AnalysisContext) {
  const index = new Map<string, Map<string, AmbientWorkload[]>>();
  for (const service of ctx.fleet.services)
    for (const instance of service.instances) {
      for (const workload of Array.isArray(instance.workloads)
        ? instance.workloads
        : []) {
        if (workload?.dataPlaneMode !== 'ambient') continue;
        const byNs =
          index.get(instance.cluster) ?? new Map<string, AmbientWorkload[]>();
        const list = byNs.get(service.namespace) ?? [];
        list.push({ service, instance, workload });
        byNs.set(service.namespace, list);
        index.set(instance.cluster, byNs);
      }
    }
  return index;
}

/** What ztunnel does with a policy's HTTP rules (pilot/pkg/serviceregistry/ambient/authorization.go). */
function ztunnelEffect(spec: Spec): string {
  const rules = asArray<Spec>(spec.rules).filter(r => typeof r === 'object');
  const http = rules.filter(r => httpAttributes(r).length > 0);
  if (actionOf(spec) === 'ALLOW') {
    return http.length === rules.length
      ? 'ztunnel drops every rule of this ALLOW policy, so it admits no one: every caller is denied unless another ALLOW policy admits it'
      : `ztunnel drops ${http.length} of its ${rules.length} ALLOW rules: callers only those rules admitted are denied`;
  }
  const skipped = http.filter(r => !hasL4Condition(r)).length;
  const widened = http.length - skipped;
  return [
    skipped > 0
      ? `ztunnel skips ${skipped} DENY rule${
          skipped > 1 ? 's' : ''
        } with no condition left: the requests ${
          skipped > 1 ? 'they' : 'it'
        } should deny are allowed`
      : '',
    widened > 0
      ? `ztunnel enforces ${widened} DENY rule${
          widened > 1 ? 's' : ''
        } without ${
          widened > 1 ? 'their' : 'its'
        } HTTP conditions: every request matching the rest (sources, ports) is denied, not only the HTTP ones`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * MESH602. ztunnel enforces AuthorizationPolicies at L4 only: it drops the HTTP attributes of
 * a policy (hosts, methods, paths, requestPrincipals, remoteIpBlocks, non-L4 `when` keys) —
 * an ALLOW rule using them never matches ("more restrictive than requested"), a DENY rule is
 * enforced without them or, with nothing left, skipped — and records that in the policy's
 * status (pilot/pkg/serviceregistry/ambient/authorization.go; istio.io ambient "Use Layer 4
 * security policy"). A waypoint enforces HTTP rules, but only of policies attached by
 * targetRefs; it ignores selector policies (policyattachment.go), which ztunnel then applies
 * to traffic arriving from the waypoint. A targetRefs policy for a Service with no waypoint is
 * enforced by nothing.
 */
const httpRulesAtZtunnel: Check = {
  code: 'MESH602',
  severity: 'error',
  title:
    'HTTP authorization rules on ambient workloads that no waypoint enforces',
  kiali: 'KIA0109',
  run(ctx) {
    const index = ambientIndex(ctx);
    // Clusters where a service has a waypoint, to point at as the example to copy.
    const waypointIn = (s: MeshService) =>
      sorted(s.instances.filter(i => i.waypoint).map(i => i.cluster));
    const out: FindingDraft[] = [];
    for (const cluster of ctx.clustersWithConfig()) {
      const byNs = index.get(cluster);
      if (!byNs) continue;
      const config = ctx.config(cluster);
      const objects = policyObjects(config);
      for (const p of config.authorizationPolicies()) {
        const action = actionOf(p.spec);
        if (action !== 'ALLOW' && action !== 'DENY') continue;
        const attrs = sorted(
          asArray<Spec>(p.spec.rules)
            .filter(r => typeof r === 'object')
            .flatMap(httpAttributes),
        );
        if (attrs.length === 0) continue;
        const object = objects.get(p.id);
        if (!object) continue;
        const name = apName(cluster, p.id);
        if (targetRefsOf(p.spec).length > 0) {
          // Attached by targetRefs to a Service whose ambient pods here have no waypoint.
          const hit = (byNs.get(p.namespace) ?? []).filter(
            w =>
              !w.instance.waypoint &&
              targetsService(p, w.service.namespace, w.service.name),
          );
          const services = sorted(hit.map(w => w.service.id));
          if (services.length === 0) continue;
          const examples = services.flatMap(id =>
            waypointIn(hit.find(w => w.service.id === id)!.service),
          );
          out.push({
            message: `${name} uses ${attrs.join(
              ', ',
            )} and is attached by targetRefs to ${services.join(
              ', ',
            )}, whose ambient pods in cluster ${cluster} use no waypoint: ztunnel ignores targetRefs policies and no waypoint takes it, so nothing enforces it (${action} has no effect)`,
            fix: `Deploy a waypoint for ${services.join(
              ', ',
            )} in cluster ${cluster} and label the Service istio.io/use-waypoint=<waypoint>${
              examples.length > 0
                ? ` (it has one in ${sorted(examples).join(', ')})`
                : ''
            }`,
            objects: [ctx.ref(cluster, object)],
            services,
          });
          continue;
        }
        const namespaces =
          p.namespace === ROOT_NAMESPACE ? [...byNs.keys()] : [p.namespace];
        const selected = namespaces.flatMap(ns =>
          (byNs.get(ns) ?? []).filter(w =>
            selectsWorkload(p, ns, w.workload.labels ?? {}),
          ),
        );
        if (selected.length === 0) continue;
        const bare = selected.filter(w => !w.instance.waypoint);
        const behind = selected.filter(w => w.instance.waypoint);
        const services = sorted(selected.map(w => w.service.id));
        const workloads = sorted(
          selected.map(w => `${w.service.namespace}/${w.workload.name}`),
        );
        const waypoints = sorted(
          behind.map(
            w =>
              `${w.instance.waypoint!.namespace}/${w.instance.waypoint!.name}`,
          ),
        );
        const examples = sorted(
          bare.flatMap(w => waypointIn(w.service)).filter(c => c !== cluster),
        );
        let whereSelected = `, some with no waypoint and some behind ${waypoints.join(
          ', ',
        )}, which ignores selector policies`;
        if (behind.length === 0) whereSelected = ' that have no waypoint';
        else if (bare.length === 0)
          whereSelected = `, whose waypoint ${waypoints.join(
            ', ',
          )} ignores selector policies`;
        out.push({
          message: `${name} (${action}) uses ${attrs.join(
            ', ',
          )} and selects ambient workloads ${workloads.join(
            ', ',
          )}${whereSelected}: ztunnel enforces it at L4 only. ${ztunnelEffect(
            p.spec,
          )}`,
          fix:
            bare.length > 0
              ? `Deploy a waypoint for ${services.join(
                  ', ',
                )} in cluster ${cluster}${
                  examples.length > 0 ? ` (as in ${examples.join(', ')})` : ''
                }, label the Service istio.io/use-waypoint, and replace the selector of ${name} by targetRefs: [{kind: Service, group: "", name: <service>}]; or remove its HTTP conditions to keep it L4`
              : `Replace the selector of ${name} by targetRefs: [{kind: Service, group: "", name: <service>}] so the waypoint enforces it`,
          objects: [ctx.ref(cluster, object)],
          services,
        });
      }
    }
    return out;
  },
};

/** MESH6xx — authorization: callers seen in traffic that policies deny, L7 rules ztunnel cannot enforce. */
export const authorizationChecks: Check[] = [callersDenied, httpRulesAtZtunnel];
