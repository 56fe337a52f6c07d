import { compareStrings } from '../../../diagnostics';
import { ROOT_NAMESPACE, stringRecord } from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import type { Check, FindingDraft } from '../../types';
import {
  list,
  namespaceOwners,
  nsOf,
  selects,
  specOf,
  uniqueSorted,
  workloadIndex,
} from './lookups';

/**
 * The sidecar-scoped kinds one workload can take only one of, and where each keeps its
 * selector. RequestAuthentication is not among them: Istio combines every RequestAuthentication
 * that selects a workload ("Istio combines all matching request authentication policies to work
 * as if they come from a single request authentication policy", istio.io docs,
 * concepts/security, "Request authentication"), so two of them never conflict.
 */
const KINDS: Record<
  string,
  { selector: (spec: Record<string, unknown>) => Record<string, string> }
> = {
  // security/v1 PeerAuthentication `selector.matchLabels`
  PeerAuthentication: {
    selector: s =>
      stringRecord(
        (s.selector as Record<string, unknown> | undefined)?.matchLabels,
      ),
  },
  // networking/v1 Sidecar `workloadSelector.labels`
  Sidecar: {
    selector: s =>
      stringRecord(
        (s.workloadSelector as Record<string, unknown> | undefined)?.labels,
      ),
  },
};

interface Overlap {
  kind: string;
  namespace: string;
  /** Empty for namespace-wide objects. */
  workloads: string[];
  services: string[];
  objects: ClusterObject[];
}

function overlapsIn(
  kind: string,
  objects: ClusterObject[],
  workloadsOf: (
    namespace: string,
  ) => ReturnType<ReturnType<typeof workloadIndex>>,
): Overlap[] {
  const selectorOf = KINDS[kind].selector;
  const byNamespace = new Map<string, ClusterObject[]>();
  for (const o of objects)
    byNamespace.set(nsOf(o), [...(byNamespace.get(nsOf(o)) ?? []), o]);
  const overlaps: Overlap[] = [];
  for (const [namespace, inNamespace] of byNamespace) {
    const wide = inNamespace.filter(
      o => Object.keys(selectorOf(specOf(o))).length === 0,
    );
    if (wide.length > 1)
      overlaps.push({
        kind,
        namespace,
        workloads: [],
        services: [],
        objects: wide,
      });
    // A PeerAuthentication with a selector in the root namespace is ignored by Istio
    // (security/v1 PeerAuthentication reference: "policies with workload selectors are
    // ignored when deployed in the root namespace").
    if (kind === 'PeerAuthentication' && namespace === ROOT_NAMESPACE) continue;
    const selecting = inNamespace.filter(
      o => Object.keys(selectorOf(specOf(o))).length > 0,
    );
    if (selecting.length < 2) continue;
    // workloads selected by the same set of objects make one overlap
    const bySet = new Map<string, Overlap>();
    for (const { service, workload } of workloadsOf(namespace)) {
      const chosen = selecting.filter(o =>
        selects(selectorOf(specOf(o)), workload.labels ?? {}),
      );
      if (chosen.length < 2) continue;
      const key = chosen.map(o => o.metadata.name).join('\u0000');
      const overlap = bySet.get(key) ?? {
        kind,
        namespace,
        workloads: [],
        services: [],
        objects: chosen,
      };
      overlap.workloads.push(`${workload.kind} ${workload.name}`);
      overlap.services.push(service);
      bySet.set(key, overlap);
    }
    overlaps.push(...bySet.values());
  }
  return overlaps;
}

/**
 * MESH204. Two objects of a kind a workload takes one of, selecting the same workload (or two
 * namespace-wide ones in one namespace). For PeerAuthentication Istio uses the oldest of each
 * scope: "When there are more than one policy in the same scope (i.e workload-level), the
 * oldest one win" (pilot/pkg/security/authn/policy_applier.go, `ComposePeerAuthentication`,
 * which picks by CreationTimestamp for mesh, namespace and workload level alike); for Sidecar
 * the result is undefined (istioctl IST0110 for
 * overlapping workloadSelectors, IST0111 for several without one,
 * pkg/config/analysis/analyzers/sidecar/selector.go). Kiali reports both as KIA0003 / KIA0002.
 */
export const overlappingSelectors: Check = {
  code: 'MESH204',
  severity: 'warning',
  title: 'Two sidecar-scoped objects select the same workload',
  istio: 'IST0110',
  kiali: 'KIA0003',
  run(ctx) {
    const workloads = workloadIndex(ctx);
    const found = new Map<string, { overlap: Overlap; clusters: string[] }>();
    for (const cluster of ctx.clustersWithConfig()) {
      const config = ctx.config(cluster);
      for (const kind of Object.keys(KINDS).sort(compareStrings)) {
        const objects = config
          .ofKind(kind)
          .filter(o => (o.apiVersion ?? 'istio.io').includes('istio.io'));
        for (const overlap of overlapsIn(kind, objects, ns =>
          workloads(cluster, ns),
        )) {
          const key = [
            kind,
            overlap.namespace,
            ...overlap.objects.map(o => o.metadata.name),
            ...uniqueSorted(overlap.workloads),
          ].join('|');
          const entry = found.get(key) ?? { overlap, clusters: [] };
          entry.clusters.push(cluster);
          found.set(key, entry);
        }
      }
    }
    const drafts: FindingDraft[] = [];
    for (const key of [...found.keys()].sort(compareStrings)) {
      const { overlap, clusters } = found.get(key)!;
      const names = list(
        overlap.objects.map(
          o => `${overlap.kind} ${overlap.namespace}/${o.metadata.name}`,
        ),
      );
      const where = `${clusters.length > 1 ? 'clusters' : 'cluster'} ${list(
        clusters,
      )}`;
      const wide = overlap.workloads.length === 0;
      const scope =
        overlap.namespace === ROOT_NAMESPACE
          ? 'mesh-wide (no selector in the root namespace)'
          : `namespace-wide (no selector) in namespace ${overlap.namespace}`;
      const what = wide
        ? `are all ${scope}`
        : `${overlap.objects.length > 2 ? 'all' : 'both'} select ${list(
            uniqueSorted(overlap.workloads),
          )}`;
      const effect =
        overlap.kind === 'PeerAuthentication'
          ? `Istio applies only the oldest of them (by creation time) ${
              wide ? 'there' : 'to those workloads'
            } and ignores the mTLS settings of the others`
          : `Istio's behaviour is undefined: which Sidecar a proxy gets can change from one push to the next`;
      drafts.push({
        message: `${names} in ${where} ${what}. ${effect}.`,
        fix: wide
          ? `Keep one namespace-wide ${overlap.kind} in ${overlap.namespace}: merge the settings of ${names} into one and delete the others.`
          : `Make the selectors of ${names} disjoint (add a label that tells the workloads apart), or merge them into one ${overlap.kind} and delete the others.`,
        objects: clusters.flatMap(c => overlap.objects.map(o => ctx.ref(c, o))),
        services: uniqueSorted(overlap.services),
        owners: namespaceOwners(ctx, overlap.objects),
        keyParts: [wide ? 'namespace-wide' : 'workloads'],
      });
    }
    return drafts;
  },
};
