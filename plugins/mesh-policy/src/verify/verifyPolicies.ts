import { POLICIES_ANNOTATION } from '../constants';
import { compareStrings, Diagnostic } from '../diagnostics';
import { Topology } from '../fleet/topology';
import { localHost } from '../names';
import { planTrafficPolicy } from '../plan/planTrafficPolicy';
import type { ClientPlan } from '../plan/types';
import type { AccessPolicy } from '../schema/accessPolicy';
import { Policy, policyRef } from '../schema/policy';
import type { TrafficPolicy } from '../schema/trafficPolicy';
import type { VirtualDestination } from '../schema/virtualDestination';
import { authorize, principalMatches, waypointPrincipal } from './authz';
import { ClusterConfig } from './clusterConfig';
import { instanceEndpoints } from './endpoints';
import { describeLeg } from './format';
import { legFails } from './legFailure';
import { verifyLinkerdAccess, verifyLinkerdTraffic } from './linkerd';
import { acceptedTrustDomains, handshake } from './trust';
import type { Caller, ClusterObject, MeshSettings, Trace } from './types';
import { Verifier } from './verifier';

/** What verification found for one policy. */
export interface PolicyVerification {
  policy: string;
  /**
   * `verified`: every check held. `refused`: at least one failed (see the errors).
   * `not-modelled`: nothing the verifier models applies (no traced client, no rendered grant).
   */
  status: 'verified' | 'refused' | 'not-modelled';
  /** Per source (client) cluster, the request traced for a TrafficPolicy or VirtualDestination. */
  traces: { cluster: string; trace: Trace }[];
}

export interface VerifyOptions {
  meshSettings?: Record<string, MeshSettings>;
  /** Policies not to verify: they already failed to compile or conflict. */
  skip?: ReadonlySet<string>;
}

const EPSILON = 0.01;

/** The workloads of each cluster and namespace, meshed ones first: the callers traces start from. */
class Callers {
  private readonly byPlace = new Map<string, Caller[]>();

  constructor(topo: Topology) {
    for (const s of topo.fleet.services) {
      for (const i of s.instances) {
        const key = `${i.cluster}\u0000${s.namespace}`;
        const list = this.byPlace.get(key) ?? [];
        for (const w of i.workloads)
          list.push({
            cluster: i.cluster,
            namespace: s.namespace,
            serviceAccount: w.serviceAccount,
            labels: w.labels,
            mode: w.dataPlaneMode,
          });
        this.byPlace.set(key, list);
      }
    }
    const rank = (c: Caller) =>
      `${c.mode === 'sidecar' ? 0 : 1}${c.serviceAccount}`;
    for (const list of this.byPlace.values())
      list.sort((a, b) => compareStrings(rank(a), rank(b)));
  }

  /** A workload the policy's source describes: a real one when the fleet has it. */
  in(
    cluster: string,
    namespace: string,
    labels: Record<string, string> = {},
  ): Caller {
    const found = (this.byPlace.get(`${cluster}\u0000${namespace}`) ?? []).find(
      c => Object.entries(labels).every(([k, v]) => c.labels?.[k] === v),
    );
    return found ?? { cluster, namespace, labels, mode: 'sidecar' };
  }
}

/** Per policy ref, the objects it contributed to (the policies annotation), per cluster. */
function objectsByPolicy(
  resources: Record<string, ClusterObject[]>,
): Map<string, { cluster: string; object: ClusterObject }[]> {
  const out = new Map<string, { cluster: string; object: ClusterObject }[]>();
  for (const cluster of Object.keys(resources).sort(compareStrings)) {
    for (const object of resources[cluster]) {
      const refs = (
        (object.metadata as { annotations?: Record<string, string> })
          .annotations?.[POLICIES_ANNOTATION] ?? ''
      ).split(',');
      for (const ref of refs) {
        if (!ref) continue;
        const list = out.get(ref) ?? [];
        list.push({ cluster, object });
        out.set(ref, list);
      }
    }
  }
  return out;
}

function servicePort(
  topo: Topology,
  namespace: string,
  name: string,
  port?: number,
): number | undefined {
  if (port !== undefined) return port;
  const ports = (topo.service(namespace, name)?.instances ?? [])
    .flatMap(i => i.ports.map(p => p.port))
    .sort((a, b) => a - b);
  return ports[0];
}

/** A request the plan's first match admits, so its route is the one traced. */
function requestFor(plan: ClientPlan) {
  const m = plan.matches[0];
  const path = m?.path && ('exact' in m.path ? m.path.exact : m.path.prefix);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m?.headers ?? {}))
    headers[k] = 'exact' in v ? v.exact : v.prefix;
  return { path: path ?? '/', method: m?.method ?? 'GET', headers };
}

function verifyTraffic(
  p: TrafficPolicy,
  verifier: Verifier,
  callers: Callers,
  errors: Diagnostic[],
): PolicyVerification['traces'] {
  const topo = verifier.topo;
  const ref = policyRef(p);
  const dest = p.spec.destination;
  const traces: PolicyVerification['traces'] = [];
  const error = (path: string, message: string) =>
    errors.push({ policy: ref, path, message: `verification: ${message}` });
  const port = servicePort(topo, dest.namespace, dest.service, dest.port);
  if (port === undefined) return traces;
  for (const plan of planTrafficPolicy(p, topo).plans) {
    if (plan.mesh !== 'istio') continue;
    const source = plan.sources[0];
    const from = callers.in(
      plan.client,
      source?.namespace ?? dest.namespace,
      source?.labels,
    );
    const trace = verifier.trace({
      from,
      host: localHost(dest.service, dest.namespace),
      port,
      ...requestFor(plan),
    });
    traces.push({ cluster: plan.client, trace });
    const where = `from ${plan.client} (${from.namespace}/${
      from.serviceAccount ?? 'a workload'
    }) to ${dest.service}.${dest.namespace}:${port}${trace.request.path}`;
    if (trace.failure) {
      error('spec', `${where}: ${trace.failure}`);
      continue;
    }
    const routeName = trace.route?.route ?? '';
    if (!routeName.split('+').includes(ref)) {
      error(
        'spec',
        `${where}: the request takes ${
          trace.route?.virtualService
            ? `route "${routeName || trace.route.index}" of VirtualService ${
                trace.route.virtualService
              }`
            : `no VirtualService route (${
                trace.notes.join('; ') || 'none applies'
              })`
        }, not this policy's route (Istio takes the first route that matches)`,
      );
      continue;
    }
    for (const leg of trace.legs) {
      if (legFails(leg))
        error(
          p.spec.route ? `spec.route.${leg.destination}` : 'spec',
          `${where}: leg ${describeLeg(leg)}: ${leg.failure}`,
        );
    }
    (plan.route ?? []).forEach((target, i) => {
      const legs = trace.legs.filter(l => l.destination === i);
      const share = legs.reduce((n, l) => n + l.share, 0);
      if (Math.abs(share - target.weight) > EPSILON)
        error(
          `spec.route.${i}`,
          `${where}: ${share.toFixed(2)} % of requests reach this target, ${
            target.weight
          } % were asked for`,
        );
      for (const leg of legs) {
        if (target.cluster && leg.cluster && leg.cluster !== target.cluster)
          error(
            `spec.route.${i}.cluster`,
            `${where}: leg ${describeLeg(leg)} lands in ${leg.cluster}, not ${
              target.cluster
            }`,
          );
        const off = leg.endpointLabels.find(l =>
          Object.entries(target.subset).some(([k, v]) => l[k] !== v),
        );
        if (off)
          error(
            `spec.route.${i}.subset`,
            `${where}: leg ${describeLeg(
              leg,
            )} reaches endpoints outside the subset ${JSON.stringify(
              target.subset,
            )}`,
          );
      }
    });
  }
  return traces;
}

function verifyAccess(
  p: AccessPolicy,
  verifier: Verifier,
  mine: { cluster: string; object: ClusterObject }[],
  meshSettings: Record<string, MeshSettings> | undefined,
  errors: Diagnostic[],
): boolean {
  const topo = verifier.topo;
  const ref = policyRef(p);
  const dest = p.spec.destination;
  const allow = p.spec.allow;
  let modelled = false;
  const error = (path: string, message: string) =>
    errors.push({ policy: ref, path, message: `verification: ${message}` });
  const byCluster = new Map<string, ClusterObject[]>();
  for (const { cluster, object } of mine) {
    if (
      object.kind === 'AuthorizationPolicy' &&
      (object.apiVersion ?? '').startsWith('security.istio.io')
    )
      byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), object]);
  }
  for (const [serving, own] of byCluster) {
    if (own.length === 0) continue;
    modelled = true;
    const instance = topo.instance(dest.namespace, dest.service, serving);
    if (!instance) continue;
    const port =
      allow?.ports?.[0] ??
      servicePort(topo, dest.namespace, dest.service, dest.port) ??
      0;
    const groups = instanceEndpoints(
      topo,
      dest.namespace,
      dest.service,
      serving,
      port,
    );
    const full = verifier.config(serving);
    const alone = new ClusterConfig(own);
    const trustDomains = acceptedTrustDomains(
      topo,
      serving,
      meshSettings?.[serving],
    );
    const waypoint = instance.waypoint;
    const request = (principal: string, g: (typeof groups)[number]) => ({
      namespace: dest.namespace,
      service: dest.service,
      labels: g.labels,
      mode: g.mode,
      waypoint,
      principal,
      waypointPrincipal: waypoint && waypointPrincipal(topo, serving, waypoint),
      trustDomains,
      method: allow?.methods?.[0] ?? 'GET',
      path: (allow?.paths?.[0] ?? '/').replace(/\*$/, 'x'),
      targetPort: g.targetPort,
      headers: {},
      unseen: [],
    });
    p.spec.sources.forEach((s, i) => {
      if (s.cluster !== serving && !topo.reach(s.cluster, serving)) return;
      const path = `spec.sources.${i}`;
      const td = topo.trustDomain(s.cluster);
      const principal = `${td}/ns/${s.namespace}/sa/${
        s.serviceAccount ?? 'meshport-any'
      }`;
      const who = `${s.cluster}/${s.namespace}/${s.serviceAccount ?? '*'}`;
      // The caller checks the server's SAN only for a Kubernetes service it sees directly; a
      // federated host is a ServiceEntry without subjectAltNames.
      const kubeService =
        s.cluster === serving ||
        topo.reach(s.cluster, serving) === 'shared-endpoint-discovery';
      const tls = handshake(
        topo,
        meshSettings,
        s.cluster,
        serving,
        kubeService,
      );
      if (!tls.ok) {
        error(
          path,
          `${who} → ${dest.service}.${dest.namespace} on ${serving}: ${tls.reason}`,
        );
        return;
      }
      for (const g of groups) {
        const decision = authorize(full, request(principal, g));
        if (decision.decision === 'deny')
          error(
            path,
            `${who} → ${dest.service}.${dest.namespace} on ${serving} (${g.mode}): the grant does not admit it: ${decision.reason}`,
          );
        // The grant alone must not admit a caller it does not name: a neighbour of this source
        // (another service account in its namespace, or another namespace). A neighbour that
        // another source names, say the whole namespace, is rightly admitted and proves
        // nothing, so it is not probed; that source's own row probes beyond it.
        const stranger = s.serviceAccount
          ? `${td}/ns/${s.namespace}/sa/meshport-not-granted`
          : `${td}/ns/meshport-not-granted/sa/default`;
        const named = p.spec.sources.some(x =>
          principalMatches(
            `${topo.trustDomain(x.cluster)}/ns/${x.namespace}/sa/${
              x.serviceAccount ?? '*'
            }`,
            stranger,
            trustDomains,
          ),
        );
        if (
          !named &&
          authorize(alone, request(stranger, g)).decision === 'allow'
        )
          error(
            path,
            `on ${serving} the rendered AuthorizationPolicy also admits ${stranger}, which the policy does not name`,
          );
      }
    });
  }
  return modelled;
}

function regionOf(locality: string): string {
  return locality.split('/')[0];
}

function verifyFailover(
  p: VirtualDestination,
  verifier: Verifier,
  callers: Callers,
  mine: { cluster: string; object: ClusterObject }[],
  errors: Diagnostic[],
): PolicyVerification['traces'] {
  const topo = verifier.topo;
  const ref = policyRef(p);
  const { destination: dest, hostname, failover } = p.spec;
  const traces: PolicyVerification['traces'] = [];
  const error = (path: string, message: string) =>
    errors.push({ policy: ref, path, message: `verification: ${message}` });
  const clients = mine
    .filter(
      ({ object }) =>
        object.kind === 'ServiceEntry' &&
        ((object.spec?.hosts as string[] | undefined) ?? []).includes(hostname),
    )
    .map(x => x.cluster);
  for (const client of [...new Set(clients)]) {
    const from = callers.in(client, dest.namespace);
    const trace = verifier.trace({
      from,
      host: hostname,
      port: dest.port!,
      path: '/',
      method: 'GET',
    });
    traces.push({ cluster: client, trace });
    const where = `from ${client} to ${hostname}:${dest.port}`;
    if (trace.failure) {
      error('spec', `${where}: ${trace.failure}`);
      continue;
    }
    for (const leg of trace.legs) {
      if (legFails(leg))
        error(
          'spec.clusters',
          `${where}: leg ${describeLeg(leg)}: ${leg.failure}`,
        );
    }
    if (failover.mode !== 'locality') continue;
    const regions = topo.cluster(client)?.regions ?? [];
    (failover.regions ?? []).forEach((f, i) => {
      if (!regions.includes(f.from)) return;
      const there = trace.legs.filter(l =>
        l.localities.some(x => regionOf(x) === f.to),
      );
      if (there.length === 0)
        error(
          `spec.failover.regions.${i}`,
          `${where}: failover ${f.from} → ${f.to} has nowhere to go: no endpoint of ${hostname} in ${f.to} is reachable from ${client}`,
        );
    });
  }
  return traces;
}

/**
 * Runs the verifier over a compile's output: every TrafficPolicy splits as asked from each
 * source cluster with no leg reset or unrouted, every AccessPolicy admits exactly the
 * identities it names, every VirtualDestination fails over where it says. A failing check is
 * an error naming the policy, the cluster, the leg and Istio's reason.
 */
export function verifyPolicies(
  policies: Policy[],
  topo: Topology,
  resources: Record<string, ClusterObject[]>,
  options: VerifyOptions = {},
): { verifications: PolicyVerification[]; errors: Diagnostic[] } {
  const verifier = new Verifier(topo, {
    resources,
    meshSettings: options.meshSettings,
  });
  const verifications: PolicyVerification[] = [];
  const errors: Diagnostic[] = [];
  const callers = new Callers(topo);
  const objects = objectsByPolicy(resources);
  for (const p of policies) {
    const ref = policyRef(p);
    if (options.skip?.has(ref)) continue;
    const before = errors.length;
    let traces: PolicyVerification['traces'] = [];
    let modelled = true;
    try {
      if (p.kind === 'TrafficPolicy') {
        traces = [
          ...verifyTraffic(p, verifier, callers, errors),
          ...verifyLinkerdTraffic(p, topo, resources, errors),
        ];
        modelled = traces.length > 0;
      } else if (p.kind === 'AccessPolicy') {
        const mine = objects.get(ref) ?? [];
        const istio = verifyAccess(
          p,
          verifier,
          mine,
          options.meshSettings,
          errors,
        );
        modelled =
          verifyLinkerdAccess(p, topo, resources, mine, errors) || istio;
      } else {
        traces = verifyFailover(
          p,
          verifier,
          callers,
          objects.get(ref) ?? [],
          errors,
        );
      }
    } catch (e) {
      // A verifier bug or an object shaped as nothing Istio accepts: this policy is refused,
      // the others are still verified.
      errors.push({
        policy: ref,
        path: '',
        message: `verification: internal error while tracing this policy (${
          e instanceof Error ? e.message : String(e)
        }); please report it with the policy and the fleet`,
      });
    }
    let status: PolicyVerification['status'] = 'verified';
    if (errors.length > before) status = 'refused';
    else if (!modelled) status = 'not-modelled';
    verifications.push({ policy: ref, status, traces });
  }
  return { verifications, errors };
}
