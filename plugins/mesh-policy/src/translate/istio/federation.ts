import { EAST_WEST_PORT } from '../../constants';
import { compareStrings } from '../../diagnostics';
import { gatewaySelector, Topology } from '../../fleet/topology';
import { dnsLabel, federatedHost } from '../../names';
import type { Destination } from '../../schema/common';
import { ResourceSet } from '../resources';
import { NETWORKING } from './apiVersions';
import { outlierDetection } from './outlier';
import { serviceEntryPorts } from './ports';
import type { SubsetNames } from './subsets';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function federationName(dest: Destination, serving: string): string {
  return dnsLabel('meshport', dest.service, serving);
}

/**
 * Client side of gateway federation: a ServiceEntry for the serving cluster's federated host
 * whose endpoints are that cluster's east-west gateway (one per subset, carrying the subset's
 * labels so the DestinationRule's subsets select them), and a DestinationRule with the subsets
 * and ISTIO_MUTUAL, whose SNI names the subset for the remote AUTO_PASSTHROUGH gateway.
 */
export function addFederationClient(
  out: ResourceSet,
  topo: Topology,
  policies: string[],
  client: string,
  serving: string,
  dest: Destination,
  subsets: SubsetNames,
  plainUsed: boolean,
  outlier?: Parameters<typeof outlierDetection>[0],
) {
  const host = federatedHost(dest.service, dest.namespace, serving);
  const instance = topo.instance(dest.namespace, dest.service, serving)!;
  const ports = serviceEntryPorts(instance.ports, dest.port);
  const labelSets = [
    ...(plainUsed ? [{}] : []),
    ...subsets.subsets().map(s => s.labels),
  ];
  const endpoints: Record<string, unknown>[] = [];
  for (const gw of topo.eastWestGateways(serving)) {
    for (const address of [...gw.addresses].sort(compareStrings)) {
      for (const labels of labelSets) {
        endpoints.push({
          address,
          network: gw.network ?? topo.network(serving),
          labels: Object.keys(labels).length > 0 ? labels : undefined,
          ports: Object.fromEntries(
            ports.map(p => [p.name, gw.port || EAST_WEST_PORT]),
          ),
        });
      }
    }
  }
  const name = federationName(dest, serving);
  const id = { namespace: dest.namespace, name };
  for (const policy of policies) {
    out.upsert(
      client,
      { apiVersion: NETWORKING, kind: 'ServiceEntry', ...id },
      policy,
      () => ({
        hosts: [host],
        location: 'MESH_INTERNAL',
        resolution: endpoints.every(e => IPV4.test(String(e.address)))
          ? 'STATIC'
          : 'DNS',
        ports,
        endpoints,
      }),
    );
    out.upsert(
      client,
      { apiVersion: NETWORKING, kind: 'DestinationRule', ...id },
      policy,
      () => ({
        host,
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL' },
          outlierDetection: outlierDetection(outlier),
        },
        subsets: nonEmpty(subsets.subsets()),
      }),
    );
  }
}

/**
 * Serving side: the federated host mapped onto the local pods (a ServiceEntry selecting the
 * service's workloads), a DestinationRule with the same subset names so the gateway can build
 * a cluster for every SNI a client sends, and the AUTO_PASSTHROUGH Gateway listing the host.
 */
export function addFederationServing(
  out: ResourceSet,
  topo: Topology,
  policy: string,
  serving: string,
  dest: Destination,
  subsets: { name: string; labels: Record<string, string> }[],
) {
  const host = federatedHost(dest.service, dest.namespace, serving);
  const instance = topo.instance(dest.namespace, dest.service, serving)!;
  const id = { namespace: dest.namespace, name: federationName(dest, serving) };
  out.upsert(
    serving,
    { apiVersion: NETWORKING, kind: 'ServiceEntry', ...id },
    policy,
    () => ({
      hosts: [host],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: serviceEntryPorts(instance.ports, dest.port, true),
      workloadSelector: { labels: { ...instance.selector } },
    }),
  );
  const dr = out.upsert(
    serving,
    { apiVersion: NETWORKING, kind: 'DestinationRule', ...id },
    policy,
    () => ({
      host,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    }),
  );
  dr.subsets = mergeSubsets(dr.subsets as typeof subsets | undefined, subsets);
  addPassthroughHost(out, topo, policy, serving, host);
}

export function addPassthroughHost(
  out: ResourceSet,
  topo: Topology,
  policy: string,
  serving: string,
  host: string,
) {
  for (const gw of topo.eastWestGateways(serving)) {
    const spec = out.upsert(
      serving,
      {
        apiVersion: NETWORKING,
        kind: 'Gateway',
        namespace: gw.namespace,
        name: dnsLabel('meshport', gw.name),
      },
      policy,
      () => ({
        selector: gatewaySelector(gw),
        servers: [
          {
            port: {
              number: gw.port || EAST_WEST_PORT,
              name: 'tls-meshport',
              protocol: 'TLS',
            },
            tls: { mode: 'AUTO_PASSTHROUGH' },
            hosts: [] as string[],
          },
        ],
      }),
    );
    const hosts = (spec.servers as { hosts: string[] }[])[0].hosts;
    if (!hosts.includes(host)) {
      hosts.push(host);
      hosts.sort(compareStrings);
    }
  }
}

function mergeSubsets<T extends { name: string }>(
  existing: T[] | undefined,
  added: T[],
): T[] | undefined {
  const byName = new Map((existing ?? []).map(s => [s.name, s]));
  for (const s of added) byName.set(s.name, s);
  return nonEmpty(
    [...byName.values()].sort((a, b) => compareStrings(a.name, b.name)),
  );
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
