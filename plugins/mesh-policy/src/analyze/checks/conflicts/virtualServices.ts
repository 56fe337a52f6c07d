import { MESHPORT_POLICY_LABEL } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import { canonicalSpecJson } from '../../../specHash';
import type { ClusterObject } from '../../../verify/types';
import type { AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import {
  boundToMesh,
  list,
  namespaceOwners,
  nsOf,
  scopesMeet,
  serviceIdOf,
  specOf,
  uniqueSorted,
  virtualServiceHosts,
} from './lookups';

interface Placed {
  cluster: string;
  object: ClusterObject;
}

/** Per cluster: host → the VirtualServices bound to sidecars (`mesh`) that name it. */
function meshVirtualServicesByHost(
  ctx: AnalysisContext,
  cluster: string,
): Map<string, ClusterObject[]> {
  const index = new Map<string, ClusterObject[]>();
  for (const vs of ctx.config(cluster).ofKind('VirtualService')) {
    if (!boundToMesh(vs)) continue;
    for (const host of virtualServiceHosts(vs)) {
      const named = index.get(host);
      if (named) named.push(vs);
      else index.set(host, [vs]);
    }
  }
  return index;
}

const managed = (o: ClusterObject) =>
  o.metadata.labels?.[MESHPORT_POLICY_LABEL] !== undefined;

/**
 * The object to change first: one the pull request adds, else a hand-written one (a rendered
 * object is changed through its policy), else by cluster and name.
 */
function byWhatToChange(ctx: AnalysisContext) {
  const rank = (p: Placed) => {
    if (ctx.isProposed(p.cluster, p.object)) return 0;
    return managed(p.object) ? 2 : 1;
  };
  return (a: Placed, b: Placed) =>
    rank(a) - rank(b) ||
    compareStrings(a.cluster, b.cluster) ||
    compareStrings(
      `${nsOf(a.object)}/${a.object.metadata.name}`,
      `${nsOf(b.object)}/${b.object.metadata.name}`,
    );
}

/**
 * MESH201. For sidecars Istio builds one virtual host per service host and keeps the first
 * VirtualService that names it; the others are dropped, not merged: "A VirtualService can only
 * be fragmented this way if it is bound to a gateway. Host merging is not supported in
 * sidecars" (istio.io docs, ops/best-practices/traffic-management, "Split large virtual
 * services and destination rules into multiple resources"). Which one is first follows the
 * configs' order, by creation time, then name and namespace (`sortConfigByCreationTime`,
 * pkg/config/model.go). istioctl reports the same as IST0109
 * (pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go, which also
 * scopes hosts by `exportTo`); Kiali as KIA1106.
 */
export const severalVirtualServicesForOneHost: Check = {
  code: 'MESH201',
  severity: 'warning',
  title: 'Several VirtualServices for one host apply to sidecars',
  istio: 'IST0109',
  kiali: 'KIA1106',
  run(ctx) {
    const byHost = new Map<string, Placed[]>();
    for (const cluster of ctx.clustersWithConfig()) {
      for (const [host, vss] of meshVirtualServicesByHost(ctx, cluster)) {
        if (vss.length < 2) continue;
        // Two objects exported to disjoint namespaces are never seen by the same sidecar.
        const clashing = vss.filter(a =>
          vss.some(b => b !== a && scopesMeet(a, b)),
        );
        if (clashing.length < 2) continue;
        const placed = byHost.get(host) ?? [];
        for (const object of clashing) placed.push({ cluster, object });
        byHost.set(host, placed);
      }
    }
    const drafts: FindingDraft[] = [];
    for (const [host, placed] of [...byHost].sort(([a], [b]) =>
      compareStrings(a, b),
    )) {
      placed.sort(byWhatToChange(ctx));
      const owners = namespaceOwners(
        ctx,
        placed.map(p => p.object),
      );
      const service = serviceIdOf(ctx, host);
      const clusters = uniqueSorted(placed.map(p => p.cluster));
      const perCluster = clusters.map(
        c =>
          `${list(
            placed
              .filter(p => p.cluster === c)
              .map(
                p =>
                  `VirtualService ${nsOf(p.object)}/${p.object.metadata.name}`,
              ),
          )} in cluster ${c}`,
      );
      drafts.push({
        message:
          `Host ${host} has several VirtualServices bound to sidecars: ${perCluster.join(
            '; ',
          )}${owners.length > 0 ? ` (owned by ${list(owners)})` : ''}. ` +
          `Istio does not merge VirtualServices for sidecars: each sidecar uses the oldest one ` +
          `for the host and ignores the routes of the others.`,
        fix: `Merge the routes of these VirtualServices into one VirtualService for ${host} per cluster and delete the others (or bind those meant for ingress to their gateway with \`gateways:\` without \`mesh\`)${
          placed.some(p => managed(p.object))
            ? '; a VirtualService rendered by Meshport is changed through its policy: move the hand-written routes into that policy.'
            : '.'
        }`,
        objects: placed.map(p => ctx.ref(p.cluster, p.object)),
        ...(service ? { services: [service] } : {}),
        owners,
        keyParts: [host],
      });
    }
    return drafts;
  },
};

/**
 * What a cluster's sidecars route for a host: its VirtualServices' specs as canonical JSON,
 * hosts expanded (`reviews` and `reviews.bookinfo.svc.cluster.local` are one host).
 */
function routingSignature(vss: ClusterObject[]): string {
  return vss
    .map(vs =>
      canonicalSpecJson({ ...specOf(vs), hosts: virtualServiceHosts(vs) }),
    )
    .sort(compareStrings)
    .join('\n');
}

/** Whether two values are the same JSON, whatever their key order: the cheap, usual answer. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka)
    if (
      !sameValue(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
      )
    )
      return false;
  return true;
}

/** The same VirtualServices (by spec), one for one, in two clusters. */
function sameRouting(a: ClusterObject[], b: ClusterObject[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return sameValue(a[0].spec, b[0].spec);
  return b.every(y => a.some(x => sameValue(x.spec, y.spec)));
}

/**
 * MESH206. Each cluster's istiod reads the VirtualServices of its own cluster (in a
 * multi-primary mesh every primary is configured separately: istio.io docs, setup/install/
 * multicluster/multi-primary), so a host routed one way in one cluster and another way in the
 * next sends a caller's request by where the caller runs. Clusters are compared where the host
 * has VirtualServices, and clusters that run the service with none (their callers get plain
 * load balancing). Rendered objects are left out when every one involved is Meshport's: the
 * compiler renders per cluster on purpose (a policy's `from` clusters, each cluster's topology).
 */
export const virtualServicesDifferAcrossClusters: Check = {
  code: 'MESH206',
  severity: 'warning',
  title: 'A host is routed differently from one cluster to another',
  run(ctx) {
    const perHost = new Map<string, [string, ClusterObject[]][]>();
    const known = new Set(ctx.clustersWithConfig());
    for (const cluster of known) {
      for (const [host, vss] of meshVirtualServicesByHost(ctx, cluster)) {
        const clusters = perHost.get(host);
        if (clusters) clusters.push([cluster, vss]);
        else perHost.set(host, [[cluster, vss]]);
      }
    }
    const drafts: FindingDraft[] = [];
    // Most hosts are routed the same everywhere: the loop allocates nothing until one is not.
    for (const [host, entries] of perHost) {
      const service = ctx.serviceForHost(host);
      // one cluster routes the host and no other runs it: nothing to compare (the usual case)
      if (entries.length === 1 && (service?.instances.length ?? 0) < 2)
        continue;
      if (entries.every(([, vss]) => vss.every(managed))) continue;
      const withoutRoutes =
        service && service.instances.length > 1
          ? ctx.topology
              .servingClusters(service.namespace, service.name)
              .filter(c => known.has(c) && !entries.some(([r]) => r === c))
          : [];
      if (withoutRoutes.length === 0) {
        if (entries.length < 2) continue;
        const [, first] = entries[0];
        if (entries.every(([, vss], i) => i === 0 || sameRouting(first, vss)))
          continue;
      }
      const byCluster = new Map(entries);
      const signatures = new Map<string, string[]>();
      for (const [cluster, vss] of byCluster) {
        const sig = routingSignature(vss);
        signatures.set(sig, [...(signatures.get(sig) ?? []), cluster]);
      }
      if (signatures.size < 2 && withoutRoutes.length === 0) continue;
      const placed: Placed[] = [...byCluster]
        .flatMap(([cluster, vss]) => vss.map(object => ({ cluster, object })))
        .sort(byWhatToChange(ctx));
      const groups = [...signatures.values()]
        .map(cs => cs.sort(compareStrings))
        .sort((a, b) => compareStrings(a[0], b[0]));
      const describeGroup = (cs: string[]) =>
        `${list(
          uniqueSorted(
            cs.flatMap(c =>
              byCluster
                .get(c)!
                .map(vs => `VirtualService ${nsOf(vs)}/${vs.metadata.name}`),
            ),
          ),
        )} in ${cs.length > 1 ? 'clusters' : 'cluster'} ${list(cs)}`;
      const variants = [
        ...groups.map(describeGroup),
        ...(withoutRoutes.length > 0
          ? [
              `no VirtualService in ${
                withoutRoutes.length > 1 ? 'clusters' : 'cluster'
              } ${list(withoutRoutes)}, which ${
                withoutRoutes.length > 1 ? 'run' : 'runs'
              } the service`,
            ]
          : []),
      ];
      const serviceId = service
        ? `${service.namespace}/${service.name}`
        : undefined;
      drafts.push({
        message:
          `Host ${host} is routed ${variants.length} different ways depending on the caller's ` +
          `cluster: ${variants.join(
            '; ',
          )}. A caller's request follows the VirtualService of the ` +
          `cluster it runs in, so the same call goes to different destinations from different clusters.`,
        fix:
          `Apply the same VirtualService for ${host} to every cluster whose callers use it ` +
          `(one manifest, applied everywhere), or, if the difference is intended, express it ` +
          `as a Meshport policy with its \`from\` clusters so it is reviewed as such.`,
        objects: placed.map(p => ctx.ref(p.cluster, p.object)),
        clusters: withoutRoutes,
        ...(serviceId ? { services: [serviceId] } : {}),
        owners: namespaceOwners(
          ctx,
          placed.map(p => p.object),
        ),
        keyParts: [host],
      });
    }
    return drafts.sort((a, b) =>
      compareStrings(a.keyParts![0], b.keyParts![0]),
    );
  },
};
