import type { ServiceInstance } from '@meshport/backstage-plugin-mesh-common';
import { ISTIO_CLUSTER_LABEL, ISTIO_NETWORK_LABEL } from '../../../constants';
import { asArray, Spec, stringRecord } from '../../../verify/clusterConfig';
import type { Check, FindingDraft } from '../../types';
import {
  describeObject,
  hostsOf,
  isIstio,
  kubeHost,
  list,
  ReferenceLookups,
  specOf,
} from './lookups';

const REGION_LABEL = 'topology.kubernetes.io/region';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

function selects(want: Record<string, string>, have: Record<string, string>) {
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/**
 * The label sets of an instance's endpoints as istiod labels them: the pod's labels plus
 * `topology.istio.io/cluster`, `topology.istio.io/network` and the node's region and zone
 * (pilot/pkg/serviceregistry/util/label/label.go AugmentLabels; Istio's own analyzer adds the
 * node topology labels too since IST0173 flagged topology subsets wrongly).
 */
function endpointLabels(
  look: ReferenceLookups,
  cluster: string,
  instance: ServiceInstance,
): Record<string, string>[] {
  const topo = look.ctx.topology;
  const extra: Record<string, string> = {
    [ISTIO_CLUSTER_LABEL]: topo.clusterId(cluster),
  };
  const network = topo.network(cluster);
  if (network) extra[ISTIO_NETWORK_LABEL] = network;
  const base =
    instance.workloads.length > 0
      ? instance.workloads.map(w => w.labels)
      : [instance.selector];
  const c = topo.cluster(cluster);
  const localities =
    instance.localities.length > 0
      ? instance.localities
      : (c?.regions ?? []).flatMap(r =>
          (c?.zones.length ? c.zones : ['']).map(z => `${r}/${z}`),
        );
  const places = localities.length > 0 ? localities : [''];
  return base.flatMap(labels =>
    places.map(place => {
      const [region, zone] = place.split('/');
      return {
        ...labels,
        ...extra,
        ...(region ? { [REGION_LABEL]: region } : {}),
        ...(zone ? { [ZONE_LABEL]: zone } : {}),
      };
    }),
  );
}

/**
 * Whether some endpoint of the instance carries every label of `want`, as `endpointLabels`
 * spells them out, without building the label sets: the question every subset asks.
 */
function instanceSelects(
  look: ReferenceLookups,
  cluster: string,
  instance: ServiceInstance,
  want: Record<string, string>,
): boolean {
  const topo = look.ctx.topology;
  const region = want[REGION_LABEL];
  const zone = want[ZONE_LABEL];
  if (region !== undefined || zone !== undefined) {
    const c = topo.cluster(cluster);
    const places =
      instance.localities.length > 0
        ? instance.localities.map(l => l.split('/'))
        : (c?.regions ?? []).flatMap(r =>
            (c?.zones.length ? c.zones : ['']).map(z => [r, z]),
          );
    if (
      !places.some(
        ([r, z]) =>
          (region === undefined || r === region) &&
          (zone === undefined || z === zone),
      )
    )
      return false;
  }
  const pods =
    instance.workloads.length > 0
      ? instance.workloads.map(w => w.labels)
      : [instance.selector];
  return pods.some(labels => {
    for (const k in want) {
      if (k === REGION_LABEL || k === ZONE_LABEL) continue;
      let have = labels[k];
      if (k === ISTIO_CLUSTER_LABEL) have = topo.clusterId(cluster);
      else if (k === ISTIO_NETWORK_LABEL) have = topo.network(cluster) ?? have;
      if (have !== want[k]) return false;
    }
    return true;
  });
}

/**
 * MESH104. A subset is the endpoints of its host whose labels include the subset's labels;
 * a subset whose labels match no endpoint in any cluster the rule's cluster sees makes every
 * route to it fail with 503 `UH` (no healthy upstream). Istio: pkg/config/analysis/analyzers/
 * destinationrule/subset.go (DestinationRuleSubsetNotSelectPods, IST0173, one cluster's pods);
 * Kiali: business/checkers/destinationrules/no_dest_checker.go (KIA0203). Here the pods of
 * every cluster the rule's cluster reaches count, and pods in clusters it cannot reach are
 * named.
 */
export const subsetMatchesNoPod: Check = {
  code: 'MESH104',
  severity: 'warning',
  title: 'DestinationRule subset selects no pod in any cluster it can reach',
  istio: 'IST0173',
  kiali: 'KIA0203',
  run(ctx) {
    const look = new ReferenceLookups(ctx);
    const topo = ctx.topology;
    const drafts: FindingDraft[] = [];
    for (const cluster of ctx.clustersWithConfig()) {
      const reach = look.reachableFrom(cluster);
      for (const dr of ctx.config(cluster).ofKind('DestinationRule')) {
        if (!isIstio(dr)) continue;
        const host = hostsOf(dr)[0];
        if (!host || host.includes('*')) continue;
        const subsets = asArray<Spec>(specOf(dr).subsets)
          .filter(s => typeof s === 'object' && typeof s.name === 'string')
          .map(s => ({
            name: s.name as string,
            labels: stringRecord(s.labels),
          }))
          .filter(s => Object.keys(s.labels).length > 0);
        if (subsets.length === 0) continue;

        const kube = kubeHost(host);
        let seen: () => Record<string, string>[];
        let matches: (want: Record<string, string>) => boolean;
        let unreachable: () => {
          cluster: string;
          labels: Record<string, string>[];
        }[] = () => [];
        const service = kube && topo.service(kube.namespace, kube.name);
        if (service) {
          const reachable = service.instances.filter(i =>
            reach.includes(i.cluster),
          );
          // No endpoint reachable at all is a missing host, not a wrong subset.
          if (reachable.length === 0) continue;
          matches = want =>
            reachable.some(i => instanceSelects(look, i.cluster, i, want));
          // Label sets are spelled out only to explain a finding.
          seen = () =>
            reachable.flatMap(i => endpointLabels(look, i.cluster, i));
          unreachable = () =>
            service.instances
              .filter(i => !reach.includes(i.cluster))
              .map(i => ({
                cluster: i.cluster,
                labels: endpointLabels(look, i.cluster, i),
              }));
        } else {
          const entries = ctx.config(cluster).serviceEntries(host);
          // Pods a workloadSelector picks and DNS-resolved hosts are not judged here.
          if (
            entries.length === 0 ||
            entries.some(
              e =>
                e.spec.workloadSelector !== undefined ||
                asArray(e.spec.endpoints).length === 0,
            )
          )
            continue;
          const labels = entries.flatMap(e =>
            asArray<Spec>(e.spec.endpoints).map(ep => stringRecord(ep?.labels)),
          );
          seen = () => labels;
          matches = want => labels.some(l => selects(want, l));
        }

        for (const subset of subsets) {
          if (matches(subset.labels)) continue;
          const want = Object.entries(subset.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ');
          const carried = Object.keys(subset.labels)
            .map(k => {
              const values = [
                ...new Set(
                  seen()
                    .map(l => l[k])
                    .filter(v => v !== undefined),
                ),
              ].sort();
              return values.length > 0
                ? `${k}: ${values.join(', ')}`
                : undefined;
            })
            .filter((x): x is string => !!x);
          const matchElsewhere = unreachable()
            .filter(u => u.labels.some(l => selects(subset.labels, l)))
            .map(u => u.cluster);
          drafts.push({
            message: `Subset ${subset.name} of ${describeObject(
              dr,
              cluster,
            )} selects ${want}, which no endpoint of ${host} carries in the clusters ${cluster} reaches (${list(
              reach,
            )})${
              carried.length > 0 ? `; theirs carry ${carried.join('; ')}` : ''
            }${
              matchElsewhere.length > 0
                ? `; pods with those labels run in ${matchElsewhere.join(
                    ', ',
                  )}, which cluster ${cluster} does not reach`
                : ''
            }: a route to this subset finds no endpoint (503 UH).`,
            fix:
              matchElsewhere.length > 0
                ? `Connect cluster ${cluster} to ${
                    matchElsewhere[0]
                  } (a remote secret or gateway federation), or change the labels of subset ${
                    subset.name
                  } in ${describeObject(
                    dr,
                    cluster,
                  )} to those of pods it reaches.`
                : `Change the labels of subset ${
                    subset.name
                  } in ${describeObject(
                    dr,
                    cluster,
                  )} to those of the pods meant${
                    carried.length > 0 ? ` (${carried.join('; ')})` : ''
                  }, deploy pods labelled ${want}, or remove the subset if no route uses it.`,
            objects: [ctx.ref(cluster, dr)],
            services: look.servicesOfHosts([host]),
            clusters: matchElsewhere,
            keyParts: [subset.name],
          });
        }
      }
    }
    return drafts;
  },
};
