import type {
  MeshService,
  ServiceInstance,
  ServicePort,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import type { AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import { istioPortProtocol, listOf, MulticlusterLookups } from './lookups';

interface PortView {
  port: number;
  name: string;
  appProtocol?: string;
  protocol: string;
}

/** A cluster's definition of the service's ports, by number, as Istio reads them. */
function portsOf(instance: ServiceInstance): Map<number, PortView> {
  const out = new Map<number, PortView>();
  for (const p of (Array.isArray(instance.ports)
    ? instance.ports
    : []) as ServicePort[]) {
    if (!p || typeof p.port !== 'number') continue;
    out.set(p.port, {
      port: p.port,
      name: typeof p.name === 'string' ? p.name : '',
      ...(typeof p.appProtocol === 'string'
        ? { appProtocol: p.appProtocol }
        : {}),
      protocol: istioPortProtocol(p),
    });
  }
  return out;
}

const signature = (ports: Map<number, PortView>) =>
  [...ports.values()]
    .sort((a, b) => a.port - b.port)
    .map(p => `${p.port}/${p.name}/${p.protocol}`)
    .join(',');

const describe = (p: PortView) => `${p.name || 'unnamed'} (${p.protocol})`;

/** What differs in `ports` from the reference definition, and what to change to match it. */
function differences(
  ports: Map<number, PortView>,
  reference: Map<number, PortView>,
): { what: string[]; change: string[]; renamed: number[] } {
  const what: string[] = [];
  const change: string[] = [];
  const renamed: number[] = [];
  const numbers = [...new Set([...reference.keys(), ...ports.keys()])].sort(
    (a, b) => a - b,
  );
  for (const n of numbers) {
    const want = reference.get(n);
    const have = ports.get(n);
    if (want && !have) {
      what.push(`has no port ${n}`);
      change.push(`add port ${n} ${describe(want)}`);
    } else if (have && !want) {
      what.push(`has port ${n} the others lack`);
      change.push(`remove port ${n}, or add it to the other clusters`);
    } else if (have && want) {
      if (have.name !== want.name) renamed.push(n);
      if (have.name !== want.name || have.protocol !== want.protocol) {
        what.push(
          `has port ${n} as ${describe(have)} where the others have ${describe(
            want,
          )}`,
        );
        const before = change.length;
        if (have.name !== want.name)
          change.push(
            want.name
              ? `name port ${n} ${want.name}`
              : `remove the name of port ${n}`,
          );
        if (have.appProtocol !== want.appProtocol)
          change.push(
            want.appProtocol
              ? `set appProtocol ${want.appProtocol} on port ${n}`
              : `remove appProtocol ${have.appProtocol} from port ${n}`,
          );
        // same name and appProtocol: the Kubernetes protocol (UDP) makes the difference
        if (change.length === before)
          change.push(`make port ${n} ${describe(want)} as in the others`);
      }
    }
  }
  return { what, change, renamed };
}

/**
 * Whether every instance writes its ports the same way, field by field and in the same order:
 * the common case, answered without allocating (fifty thousand services).
 */
function sameAsWritten(instances: readonly ServiceInstance[]): boolean {
  const ports = (i: ServiceInstance | undefined) =>
    Array.isArray(i?.ports) ? i!.ports : [];
  const first = ports(instances[0]);
  for (let n = 1; n < instances.length; n++) {
    const other = ports(instances[n]);
    if (other.length !== first.length) return false;
    for (let k = 0; k < first.length; k++) {
      const a = first[k];
      const b = other[k];
      if (
        !a ||
        !b ||
        a.port !== b.port ||
        a.name !== b.name ||
        a.protocol !== b.protocol ||
        a.appProtocol !== b.appProtocol
      )
        return false;
    }
  }
  return true;
}

function inconsistency(
  ctx: AnalysisContext,
  lookups: MulticlusterLookups,
  service: MeshService,
): FindingDraft | undefined {
  const all = service.instances ?? [];
  if (all.length < 2 || sameAsWritten(all)) return undefined;
  const instances = all.filter(i => i && lookups.view(i.cluster).size > 0);
  if (instances.length < 2) return undefined;
  const bySignature = new Map<
    string,
    { ports: Map<number, PortView>; clusters: string[] }
  >();
  for (const i of instances) {
    const ports = portsOf(i);
    const sig = signature(ports);
    const group = bySignature.get(sig) ?? { ports, clusters: [] };
    group.clusters.push(i.cluster);
    bySignature.set(sig, group);
  }
  if (bySignature.size < 2) return undefined;
  const groups = [...bySignature.values()];
  for (const g of groups) g.clusters.sort(compareStrings);
  // The definition most clusters share is the one to align on; a tie goes to the first cluster.
  groups.sort(
    (a, b) =>
      b.clusters.length - a.clusters.length ||
      compareStrings(a.clusters[0], b.clusters[0]),
  );
  const [reference, ...deviating] = groups;
  const clusterOf = new Map<string, number>();
  groups.forEach((g, n) => g.clusters.forEach(c => clusterOf.set(c, n)));
  // Only clusters whose proxies see two definitions at once are affected: Istio merges
  // a service only within one control plane's registries.
  const mixing = lookups
    .mergedBy(instances.map(i => i.cluster))
    .filter(client => {
      const view = lookups.view(client);
      const seen = new Set<number>();
      for (const [c, n] of clusterOf) if (view.has(c)) seen.add(n);
      return seen.size > 1;
    });
  if (mixing.length === 0) return undefined;

  const id = `${service.namespace}/${service.name}`;
  const renamedPorts = new Set<number>();
  const whats: string[] = [];
  const changes: string[] = [];
  for (const g of deviating) {
    const d = differences(g.ports, reference.ports);
    d.renamed.forEach(n => renamedPorts.add(n));
    whats.push(`in cluster ${listOf(g.clusters, 8)} it ${listOf(d.what, 20)}`);
    changes.push(`in cluster ${listOf(g.clusters, 8)}: ${d.change.join('; ')}`);
  }
  const own = mixing.filter(c => clusterOf.has(c));
  const foreign = mixing.filter(c => !clusterOf.has(c));
  const readers = [
    own.length > 0
      ? `proxies in ${listOf(own, 8)} use their own cluster's definition`
      : '',
    foreign.length > 0
      ? `proxies in ${listOf(
          foreign,
          8,
        )} whichever registry their control plane added first`
      : '',
  ].filter(Boolean);
  const message = [
    `Service ${id} is defined differently across clusters whose endpoints one control plane merges: compared with cluster ${listOf(
      reference.clusters,
      8,
    )}, ${whats.join('; ')}.`,
    // Istio's aggregate registry keeps the first registry's Service for a hostname and only
    // merges cluster VIPs and service accounts from the others; the local cluster's registry
    // comes first (pilot/pkg/serviceregistry/aggregate/controller.go, Services/mergeService).
    `Istio merges a service by hostname and keeps one cluster's ports: ${readers.join(
      ', ',
    )}, so the protocol (HTTP routing, retries, metrics or plain TCP) depends on where the caller runs.`,
    // EDS keeps only endpoints whose port name equals the service port's name
    // (pilot/pkg/xds/endpoints/endpoint_builder.go, BuildClusterLoadAssignment).
    renamedPorts.size > 0
      ? `Envoy gets only the endpoints whose port has the same name as the definition it uses: on port ${listOf(
          [...renamedPorts].sort((x, y) => x - y).map(String),
        )} callers never reach the clusters that name it differently, and failover to them never happens.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    message,
    fix: `Make Service ${id} the same in every cluster, as in cluster ${listOf(
      reference.clusters,
      8,
    )} — ${changes.join('; ')}.`,
    objects: [
      ...deviating.flatMap(g => g.clusters.map(c => ctx.serviceRef(c, id))),
      ...reference.clusters.map(c => ctx.serviceRef(c, id)),
    ],
    services: [id],
    clusters: mixing,
  };
}

/**
 * MESH401: one service (namespace/name) with different ports, port names or protocols in
 * clusters whose proxies see it as one. Istio's own check is IST0170
 * (MultiClusterInconsistentService, pkg/config/analysis/analyzers/multicluster/service.go),
 * which compares every cluster of the kubeconfig whether or not a control plane merges them.
 */
export const inconsistentServiceCheck: Check = {
  code: 'MESH401',
  severity: 'warning',
  title: 'Service has different ports, port names or protocols across clusters',
  istio: 'IST0170',
  run(ctx) {
    const lookups = new MulticlusterLookups(ctx.topology);
    const drafts: FindingDraft[] = [];
    for (const service of ctx.fleet.services) {
      const draft = inconsistency(ctx, lookups, service);
      if (draft) drafts.push(draft);
    }
    return drafts;
  },
};
