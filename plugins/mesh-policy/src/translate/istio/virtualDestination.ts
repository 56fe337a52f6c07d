import { ISTIO_CLUSTER_LABEL, RESOLUTION_ANNOTATION } from '../../constants';
import { Diagnostic, compareStrings } from '../../diagnostics';
import { Topology } from '../../fleet/topology';
import { dnsLabel, localHost } from '../../names';
import { policyRef } from '../../schema/policy';
import type { VirtualDestination } from '../../schema/virtualDestination';
import * as checks from '../../validate/fleetChecks';
import { ResourceSet } from '../resources';
import { NETWORKING } from './apiVersions';
import { addPassthroughHost } from './federation';
import { outlierDetection } from './outlier';
import { portName, serviceEntryPorts } from './ports';

/**
 * A VirtualDestination is one global host in every Istio cluster that can reach a backing
 * cluster. Each such cluster gets a ServiceEntry listing the local Service (by its DNS name)
 * and every remote backing cluster's east-west gateway, each endpoint with its locality and
 * cluster label, and a DestinationRule whose outlier detection ejects failing endpoints so
 * that locality or priority failover moves traffic on.
 */
export function compileVirtualDestination(
  vd: VirtualDestination,
  topo: Topology,
  out: ResourceSet,
) {
  const ref = policyRef(vd);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const { destination: dest, hostname } = vd.spec;
  const err = (path: string, message: string) =>
    errors.push({ policy: ref, path, message });

  const missing = checks.unknownService(topo, dest.namespace, dest.service);
  if (missing) {
    err('spec.destination.service', missing);
    return { errors, warnings };
  }
  const portMsg = checks.checkPort(
    topo,
    dest.namespace,
    dest.service,
    dest.port,
  );
  if (portMsg) err('spec.destination.port', portMsg);
  const backing = vd.spec.clusters
    ? [...new Set(vd.spec.clusters)].sort(compareStrings)
    : topo.servingClusters(dest.namespace, dest.service);
  // Without spec.clusters the backing clusters come from the fleet, where one may still be
  // unknown to the topology (a cluster left out for its name): point at the destination then.
  const pathOf = (c: string) =>
    vd.spec.clusters
      ? `spec.clusters.${vd.spec.clusters.indexOf(c)}`
      : 'spec.destination.service';
  backing.forEach(c => {
    const msg =
      checks.unknownCluster(topo, c) ??
      checks.notServedIn(topo, dest.namespace, dest.service, c);
    if (msg) return err(pathOf(c), msg);
    if (topo.meshKind(c) !== 'istio')
      err(
        pathOf(c),
        `${c} does not run Istio: a VirtualDestination is backed by Istio clusters only`,
      );
    return undefined;
  });
  if (errors.length > 0) return { errors, warnings };

  const reaching = topo
    .clusterNames()
    .filter(
      c => topo.meshKind(c) === 'istio' && backing.some(b => topo.reach(c, b)),
    );
  // The host's objects live in the destination's namespace, which a cluster without it
  // cannot take (applying them would fail); namespace sameness says clients there would
  // live in that namespace anyway.
  const clients = reaching.filter(c => topo.hasNamespace(c, dest.namespace));
  const skipped = reaching.filter(c => !clients.includes(c));
  if (skipped.length > 0) {
    warnings.push({
      policy: ref,
      path: 'spec.destination.namespace',
      message: `${hostname} is not published in ${skipped.join(', ')}: no ${
        dest.namespace
      } namespace runs there; create it and re-render to reach ${hostname} from there`,
    });
  }
  for (const client of clients) {
    const endpoints: Record<string, unknown>[] = [];
    for (const b of backing) {
      const instance = topo.instance(dest.namespace, dest.service, b)!;
      const port = instance.ports.find(p => p.port === dest.port)!;
      const labels = { [ISTIO_CLUSTER_LABEL]: topo.clusterId(b) };
      const locality = localityOf(topo, b, instance.localities);
      if (b === client) {
        endpoints.push({
          address: localHost(dest.service, dest.namespace),
          labels,
          locality,
          network: topo.network(b),
          ports: { [portName(port)]: port.port },
        });
        continue;
      }
      if (!topo.reach(client, b)) continue;
      const mtls =
        checks.rootMismatch(topo, client, b) ??
        checks.trustDomainRejected(topo, client, b);
      if (mtls) {
        // Clients are implied, not named, so one that cannot comply is left out, not refused.
        warnings.push({
          policy: ref,
          path: 'spec.clusters',
          message: `${client} does not fail over to ${b}: ${mtls}`,
        });
        continue;
      }
      const gateways = topo.eastWestGateways(b);
      if (gateways.length === 0) {
        warnings.push({
          policy: ref,
          path: 'spec.clusters',
          message: `${b} has no east-west gateway with an address, so ${client} cannot fail over to it; its endpoints stay reachable under ${localHost(
            dest.service,
            dest.namespace,
          )} only`,
        });
        continue;
      }
      for (const gw of gateways) {
        for (const address of [...gw.addresses].sort(compareStrings)) {
          endpoints.push({
            address,
            labels,
            locality,
            network: gw.network ?? topo.network(b),
            ports: { [portName(port)]: gw.port },
          });
        }
      }
      addPassthroughHost(out, topo, ref, b, hostname);
    }
    if (endpoints.length === 0) continue;
    const id = {
      namespace: dest.namespace,
      name: dnsLabel('meshport', vd.metadata.namespace, vd.metadata.name),
    };
    const instance = topo.instance(
      dest.namespace,
      dest.service,
      backing.find(b => topo.reach(client, b))!,
    )!;
    out.upsert(
      client,
      { apiVersion: NETWORKING, kind: 'ServiceEntry', ...id },
      ref,
      () => ({
        hosts: [hostname],
        location: 'MESH_INTERNAL',
        resolution: 'DNS',
        ports: serviceEntryPorts(instance.ports, dest.port),
        endpoints,
      }),
    );
    out.note(
      client,
      { kind: 'ServiceEntry', ...id },
      RESOLUTION_ANNOTATION,
      dnsProxyNote(hostname),
    );
    const failover = vd.spec.failover;
    out.upsert(
      client,
      { apiVersion: NETWORKING, kind: 'DestinationRule', ...id },
      ref,
      () => ({
        host: hostname,
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL' },
          outlierDetection: outlierDetection(vd.spec.outlierDetection),
          loadBalancer: {
            localityLbSetting: {
              enabled: true,
              failover:
                failover.mode === 'locality' ? failover.regions : undefined,
              failoverPriority:
                failover.mode === 'priority' ? failover.labels : undefined,
            },
          },
        },
      }),
    );
  }
  if (clients.length > 0)
    warnings.push({
      policy: ref,
      path: 'spec.hostname',
      message: `${dnsProxyNote(hostname)} (${clients.join(', ')})`,
    });
  if (clients.length === 0)
    err(
      'spec.clusters',
      `no Istio cluster reaches the backing clusters ${checks.list(backing)}`,
    );
  return { errors, warnings };
}

/**
 * The global host is a ServiceEntry without `addresses`, a name no cluster DNS server knows:
 * only Istio's DNS proxy answers for ServiceEntry hosts ("DNS Proxying",
 * istio.io/latest/docs/ops/configuration/traffic-management/dns-proxy/; off by default for
 * sidecars, `ISTIO_META_DNS_CAPTURE`). Istio's address auto-allocation does not change that:
 * the allocated address is served by the same DNS proxy.
 */
function dnsProxyNote(hostname: string): string {
  return `${hostname} resolves only through Istio's DNS proxy: enable it for the clients (proxyMetadata ISTIO_META_DNS_CAPTURE: "true" in the mesh config's defaultConfig or the pods' proxy.istio.io/config annotation; ztunnel's DNS proxy in ambient mode), otherwise calls to ${hostname} fail to resolve`;
}

/** Istio's `region/zone` locality of an instance, for endpoints Istio cannot see itself. */
function localityOf(
  topo: Topology,
  cluster: string,
  localities: string[],
): string | undefined {
  const known = [...localities].sort(compareStrings)[0];
  if (known) return known;
  const c = topo.cluster(cluster);
  const region = c && [...c.regions].sort(compareStrings)[0];
  const zone = c && [...c.zones].sort(compareStrings)[0];
  if (!region) return undefined;
  return zone ? `${region}/${zone}` : region;
}
