import { compareStrings } from '../../diagnostics';
import { Topology } from '../../fleet/topology';
import { dnsLabel, federatedHost, localHost } from '../../names';
import type { DestinationPlan, RouteGroup } from '../../plan/types';
import { ResourceSet } from '../resources';
import { NETWORKING } from './apiVersions';
import { addFederationClient, addFederationServing } from './federation';
import { outlierDetection } from './outlier';
import { ServingSubsets } from './servingSubsets';
import { SubsetNames } from './subsets';
import { IstioTarget, istioTarget } from './targets';
import { virtualServiceSpec } from './virtualService';

/**
 * Translates what the policies ask of one destination from one Istio client cluster: the
 * VirtualService and DestinationRule for the service's own host, plus the federation objects
 * for every serving cluster reached through an east-west gateway.
 */
export function translateIstioTraffic(
  dp: DestinationPlan,
  topo: Topology,
  out: ResourceSet,
  servingSubsets: ServingSubsets,
) {
  const dest = dp.destination;
  const host = localHost(dest.service, dest.namespace);
  const targets = new Map<
    RouteGroup,
    { route?: IstioTarget[]; mirror?: IstioTarget }
  >();
  const subsets = new Map<string, SubsetNames>([[host, new SubsetNames()]]);
  /** Serving clusters reached through a gateway, and whether a target there has no subset. */
  const federated = new Map<
    string,
    { plain: boolean; policies: Set<string> }
  >();

  for (const g of dp.groups) {
    const route = g.route?.map(t => istioTarget(t, dest, topo));
    const mirror = g.mirror && istioTarget(g.mirror, dest, topo);
    targets.set(g, { route, mirror });
    for (const t of [...(route ?? []), ...(mirror ? [mirror] : [])]) {
      if (!subsets.has(t.host)) subsets.set(t.host, new SubsetNames());
      subsets.get(t.host)!.add(t.labels);
      if (t.federatedFrom) {
        const f = federated.get(t.federatedFrom) ?? {
          plain: false,
          policies: new Set<string>(),
        };
        f.plain ||= Object.keys(t.labels).length === 0;
        g.policies.forEach(p => f.policies.add(p));
        federated.set(t.federatedFrom, f);
      }
    }
  }

  const name = dnsLabel('meshport', dest.service);
  const routingPolicies = [...new Set(dp.groups.flatMap(g => g.policies))].sort(
    compareStrings,
  );
  for (const policy of routingPolicies) {
    out.upsert(
      dp.client,
      {
        apiVersion: NETWORKING,
        kind: 'VirtualService',
        namespace: dest.namespace,
        name,
      },
      policy,
      () => virtualServiceSpec(host, dp, g => targets.get(g)!, subsets),
    );
  }

  // Where each subset of the local host sends traffic: a pinned cluster, or every cluster the
  // client's registry merges under the host.
  for (const g of dp.groups) {
    for (const t of [...(g.route ?? []), ...(g.mirror ? [g.mirror] : [])]) {
      const it = istioTarget(t, dest, topo);
      const subset = subsets.get(host)!.nameOf(it.labels);
      if (it.host !== host || !subset) continue;
      const clusters = t.cluster
        ? [t.cluster]
        : topo
            .servingClusters(dest.namespace, dest.service)
            .filter(
              c => topo.reach(dp.client, c) === 'shared-endpoint-discovery',
            );
      for (const c of clusters)
        servingSubsets.add(
          topo,
          dp.client,
          c,
          dest,
          subset,
          it.labels,
          g.policies,
        );
    }
  }

  const localSubsets = subsets.get(host)!.subsets();
  if (localSubsets.length > 0 || dp.outlierDetection) {
    for (const policy of dp.policies) {
      out.upsert(
        dp.client,
        {
          apiVersion: NETWORKING,
          kind: 'DestinationRule',
          namespace: dest.namespace,
          name,
        },
        policy,
        () => ({
          host,
          trafficPolicy: dp.outlierDetection
            ? { outlierDetection: outlierDetection(dp.outlierDetection) }
            : undefined,
          subsets: localSubsets.length > 0 ? localSubsets : undefined,
        }),
      );
    }
  }

  for (const [serving, f] of [...federated.entries()].sort(([a], [b]) =>
    compareStrings(a, b),
  )) {
    const names = subsets.get(
      federatedHost(dest.service, dest.namespace, serving),
    )!;
    const policies = [...f.policies].sort(compareStrings);
    addFederationClient(
      out,
      topo,
      policies,
      dp.client,
      serving,
      dest,
      names,
      f.plain,
      dp.outlierDetection,
    );
    for (const policy of policies)
      addFederationServing(out, topo, policy, serving, dest, names.subsets());
  }
}
