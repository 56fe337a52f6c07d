import { compareStrings, Diagnostic } from '../../diagnostics';
import { stableStringify } from '../../canonical';
import { Topology } from '../../fleet/topology';
import { dnsLabel, localHost } from '../../names';
import type { Destination } from '../../schema/common';
import { ResourceSet } from '../resources';
import { NETWORKING } from './apiVersions';

interface Needed {
  serving: string;
  dest: Destination;
  subsets: Map<string, Record<string, string>>;
  /** Which client asked for which subset name, to name both when two disagree. */
  askedBy: Map<string, string>;
  policies: Set<string>;
}

/**
 * The subsets a client routes to on another network, collected over every client and written
 * to the serving cluster once all clients are known.
 *
 * Why: a client sidecar sends a subset's traffic for a remote-network endpoint to that
 * network's east-west gateway with the SNI `outbound_.<port>_.<subset>_.<host>`
 * (`model.BuildDNSSrvSubsetKey`, istio/istio pilot/pkg/model/service.go). The gateway's
 * AUTO_PASSTHROUGH listener builds its SNI-DNAT clusters only from the DestinationRules in
 * its *own* cluster (`buildOutboundSniDnatClusters`, pilot/pkg/networking/core/cluster.go,
 * iterating `proxy.SidecarScope.DestinationRule`): without a DestinationRule there holding the
 * same subset name, the SNI has no filter chain and the connection is reset. Endpoints on
 * the client's own network are reached pod to pod and need nothing on the serving side.
 */
export class ServingSubsets {
  private readonly needed = new Map<string, Needed>();

  /** Records that `client` sends subset `name` of `dest` to endpoints in `serving`. */
  add(
    topo: Topology,
    client: string,
    serving: string,
    dest: Destination,
    name: string,
    labels: Record<string, string>,
    policies: string[],
  ) {
    if (serving === client || !crossesNetwork(topo, client, serving)) return;
    const key = `${serving}\u0000${dest.namespace}\u0000${dest.service}`;
    let n = this.needed.get(key);
    if (!n) {
      n = {
        serving,
        dest: { namespace: dest.namespace, service: dest.service },
        subsets: new Map(),
        askedBy: new Map(),
        policies: new Set(),
      };
      this.needed.set(key, n);
    }
    if (!n.subsets.has(name)) {
      n.subsets.set(name, labels);
      n.askedBy.set(name, client);
    }
    policies.forEach(p => n!.policies.add(p));
  }

  /**
   * Writes the subsets into the serving cluster's `meshport-<service>` DestinationRule, the one
   * its own clients use, so there is one DestinationRule per host and namespace. Call after
   * every client's objects exist: a rule the serving cluster writes as a client keeps its
   * traffic policy, and only gains subsets here.
   */
  render(out: ResourceSet): Diagnostic[] {
    const errors: Diagnostic[] = [];
    const ordered = [...this.needed.entries()].sort(([a], [b]) =>
      compareStrings(a, b),
    );
    for (const [, n] of ordered) {
      const host = localHost(n.dest.service, n.dest.namespace);
      const policies = [...n.policies].sort(compareStrings);
      let spec: Record<string, unknown> | undefined;
      for (const policy of policies) {
        spec = out.upsert(
          n.serving,
          {
            apiVersion: NETWORKING,
            kind: 'DestinationRule',
            namespace: n.dest.namespace,
            name: dnsLabel('meshport', n.dest.service),
          },
          policy,
          () => ({ host }),
        );
      }
      const existing = (spec!.subsets ?? []) as {
        name: string;
        labels: Record<string, string>;
      }[];
      const byName = new Map(existing.map(s => [s.name, s]));
      for (const [name, labels] of [...n.subsets.entries()].sort(([a], [b]) =>
        compareStrings(a, b),
      )) {
        const have = byName.get(name);
        if (have && stableStringify(have.labels) !== stableStringify(labels)) {
          errors.push({
            policy: policies[0],
            path: 'spec.route',
            message: `subset ${name} of ${host} selects ${stableStringify(
              labels,
            )} for clients in ${n.askedBy.get(name)} but ${stableStringify(
              have.labels,
            )} in ${n.serving}: the east-west gateway of ${
              n.serving
            } can hold one of them only; change the subset labels of one policy`,
          });
          continue;
        }
        byName.set(name, { name, labels });
      }
      spec!.subsets = [...byName.values()].sort((a, b) =>
        compareStrings(a.name, b.name),
      );
    }
    return errors;
  }
}

/**
 * Two clusters share a network when their `topology.istio.io/network` values are equal, an
 * unset one being the empty network (`Proxy.InNetwork`, pilot/pkg/model/context.go); only
 * endpoints on another network are sent through its gateway
 * (`EndpointsByNetworkFilter`, pilot/pkg/xds/endpoints/ep_filters.go).
 */
export function crossesNetwork(topo: Topology, a: string, b: string): boolean {
  return (topo.network(a) ?? '') !== (topo.network(b) ?? '');
}
