import type { Workload } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import { asArray, fqdn, stringRecord } from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import type { AnalysisContext } from '../../context';

export type Spec = Record<string, unknown>;

/** An object's spec, `{}` when missing or not an object (hand-written YAML can hold anything). */
export function specOf(o: ClusterObject): Spec {
  return o.spec && typeof o.spec === 'object' && !Array.isArray(o.spec)
    ? o.spec
    : {};
}

export function nsOf(o: ClusterObject): string {
  return o.metadata.namespace ?? 'default';
}

/** Live objects carry annotations (`LiveConfigObject`); the analysis type does not declare them. */
export function annotationsOf(o: ClusterObject): Record<string, string> {
  return stringRecord(
    (o.metadata as { annotations?: unknown }).annotations ?? {},
  );
}

/** `<Kind> <namespace>/<name> in cluster <c>`: how messages name an object. */
export function describeObject(cluster: string, o: ClusterObject): string {
  return `${o.kind} ${nsOf(o)}/${o.metadata.name} in cluster ${cluster}`;
}

/** Lists `a`, `a and b`, `a, b and c`. */
export function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export const uniqueSorted = (xs: Iterable<string>) =>
  [...new Set(xs)].sort(compareStrings);

/** The teams owning the namespaces of objects, for findings whose objects span several teams. */
export function namespaceOwners(
  ctx: AnalysisContext,
  objects: ClusterObject[],
): string[] {
  return uniqueSorted(objects.flatMap(o => ctx.ownersOfNamespace(nsOf(o))));
}

/**
 * Which namespaces see an object, from its `exportTo`: absent or empty is every namespace
 * (the mesh default, `defaultVirtualServiceExportTo` / `defaultDestinationRuleExportTo`, is
 * `*` unless changed), `.` its own, `*` every one (networking/v1 VirtualService `exportTo`).
 */
export function exportScope(o: ClusterObject): '*' | Set<string> {
  const exportTo = asArray<unknown>(specOf(o).exportTo).filter(
    (x): x is string => typeof x === 'string',
  );
  if (exportTo.length === 0 || exportTo.includes('*')) return '*';
  return new Set(exportTo.map(x => (x === '.' ? nsOf(o) : x)));
}

export function visibleTo(o: ClusterObject, namespace: string): boolean {
  const scope = exportScope(o);
  return scope === '*' || scope.has(namespace);
}

/** Whether two objects are seen together by at least one namespace. */
export function scopesMeet(a: ClusterObject, b: ClusterObject): boolean {
  const sa = exportScope(a);
  const sb = exportScope(b);
  if (sa === '*' || sb === '*') return true;
  for (const n of sa) if (sb.has(n)) return true;
  return false;
}

/**
 * Whether a VirtualService applies to sidecars: `gateways` absent or empty means `mesh`, and
 * `mesh` in the list keeps it (networking/v1 VirtualService `gateways`).
 */
export function boundToMesh(o: ClusterObject): boolean {
  const gateways = specOf(o).gateways;
  if (!Array.isArray(gateways) || gateways.length === 0) return true;
  return gateways.includes('mesh');
}

/** The hosts of a VirtualService, expanded as Istio expands short names. */
export function virtualServiceHosts(o: ClusterObject): string[] {
  const hosts = specOf(o).hosts;
  if (!Array.isArray(hosts)) return [];
  // the usual VirtualService names one host: no set, no sort
  if (hosts.length === 1)
    return typeof hosts[0] === 'string' && hosts[0] !== ''
      ? [fqdn(hosts[0], nsOf(o))]
      : [];
  return uniqueSorted(
    hosts
      .filter((h): h is string => typeof h === 'string' && h !== '')
      .map(h => fqdn(h, nsOf(o))),
  );
}

/** The host of a DestinationRule, expanded; undefined when missing. */
export function destinationRuleHost(o: ClusterObject): string | undefined {
  const host = specOf(o).host;
  return typeof host === 'string' && host !== ''
    ? fqdn(host, nsOf(o))
    : undefined;
}

/**
 * The mesh service a host names, as `<namespace>/<name>`, if the fleet has it; a ServiceEntry
 * host or a wildcard names none.
 */
export function serviceIdOf(
  ctx: AnalysisContext,
  host: string,
): string | undefined {
  const s = ctx.serviceForHost(host);
  return s ? `${s.namespace}/${s.name}` : undefined;
}

export interface NamespaceWorkload {
  service: string;
  workload: Workload;
}

/**
 * The workloads of each cluster and namespace, from the fleet's services, indexed once: call
 * it once per check run and ask the answer per namespace.
 */
export function workloadIndex(
  ctx: AnalysisContext,
): (cluster: string, namespace: string) => NamespaceWorkload[] {
  const index = new Map<string, NamespaceWorkload[]>();
  for (const s of ctx.fleet.services) {
    for (const i of s.instances) {
      const key = `${i.cluster}\u0000${s.namespace}`;
      const entries = index.get(key) ?? [];
      for (const w of i.workloads)
        entries.push({ service: `${s.namespace}/${s.name}`, workload: w });
      index.set(key, entries);
    }
  }
  return (cluster, namespace) =>
    index.get(`${cluster}\u0000${namespace}`) ?? [];
}

/** Whether a `matchLabels` selector selects labels: every pair present with that value. */
export function selects(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
