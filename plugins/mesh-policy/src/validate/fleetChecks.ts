import { Topology } from '../fleet/topology';
import { compareStrings } from '../diagnostics';

/**
 * Checks shared by the policy kinds. Each returns a message saying what is wrong and how to
 * fix it, or undefined when all is well.
 */

export function unknownCluster(
  topo: Topology,
  cluster: string,
): string | undefined {
  if (topo.cluster(cluster)) return undefined;
  return `unknown cluster "${cluster}": the fleet has ${list(
    topo.clusterNames(),
  )}; use one of those names`;
}

export function unknownService(
  topo: Topology,
  namespace: string,
  service: string,
): string | undefined {
  if (topo.service(namespace, service)) return undefined;
  const known = topo.fleet.services
    .filter(s => s.namespace === namespace)
    .map(s => s.name);
  return `unknown service ${service}.${namespace}: no cluster runs it; ${
    known.length > 0
      ? `services in ${namespace} are ${list(known)}`
      : `no service runs in namespace ${namespace}`
  }`;
}

export function notServedIn(
  topo: Topology,
  namespace: string,
  service: string,
  cluster: string,
): string | undefined {
  if (topo.instance(namespace, service, cluster)) return undefined;
  return `${service}.${namespace} does not run in ${cluster}: it runs in ${list(
    topo.servingClusters(namespace, service),
  )}`;
}

/** The service ports that matter: the one named, else all; an error when the port does not exist. */
export function checkPort(
  topo: Topology,
  namespace: string,
  service: string,
  port: number | undefined,
): string | undefined {
  const ports = servicePorts(topo, namespace, service);
  if (port !== undefined && !ports.includes(port)) {
    return `${service}.${namespace} has no port ${port}: it exposes ${list(
      ports.map(String),
    )}`;
  }
  if (port === undefined && ports.length > 1) {
    return `${service}.${namespace} exposes ports ${list(
      ports.map(String),
    )}: set destination.port to the one this policy is for`;
  }
  return undefined;
}

export function servicePorts(
  topo: Topology,
  namespace: string,
  service: string,
): number[] {
  const ports = new Set<number>();
  for (const i of topo.service(namespace, service)?.instances ?? [])
    for (const p of i.ports) ports.add(p.port);
  return [...ports].sort((a, b) => a - b);
}

export function unreachable(
  topo: Topology,
  from: string,
  to: string,
): string | undefined {
  if (topo.reach(from, to)) return undefined;
  return `${from} cannot reach ${to}: the fleet has no link from ${from} to ${to} (shared endpoint discovery, gateway federation or Linkerd multicluster); route within clusters ${from} reaches, or link the clusters first`;
}

/** Cross-cluster mTLS only works when each end's root is in the other end's trust bundle. */
export function rootMismatch(
  topo: Topology,
  a: string,
  b: string,
): string | undefined {
  if (a === b || topo.mutuallyTrusted(a, b) !== false) return undefined;
  const fa = topo.rootFingerprint(a)!;
  const fb = topo.rootFingerprint(b)!;
  return `${a} and ${b} do not share a root of trust (root certificate fingerprints ${fa.slice(
    0,
    12,
  )}… and ${fb.slice(
    0,
    12,
  )}… differ and neither bundle holds the other's root): cross-cluster mTLS between them would fail; issue both clusters' CAs from one root, or add each root to the other cluster's istio-ca-root-cert`;
}

/**
 * Whether `server`'s Istio workloads accept a peer certificate of `client`'s trust domain.
 * A shared root is not enough: Istio's inbound mTLS validation accepts the mesh's own trust
 * domain and its aliases only (`TrustDomainsForValidation`,
 * pilot/pkg/networking/plugin/authn/util.go), so a `cluster.local` caller into a mesh whose
 * trust domain is `mesh2.meshport.dev` fails the handshake unless that mesh lists it.
 */
export function trustDomainRejected(
  topo: Topology,
  client: string,
  server: string,
): string | undefined {
  if (client === server || topo.meshKind(server) !== 'istio') return undefined;
  const td = topo.trustDomain(client);
  if (topo.acceptedTrustDomains(server).includes(td)) return undefined;
  const cp = topo.controlPlane(server);
  const configMap =
    cp?.revision && cp.revision !== 'default'
      ? `istio-${cp.revision}`
      : 'istio';
  return `${server} (trust domain ${topo.trustDomain(
    server,
  )}) does not accept peers of trust domain ${td}, which ${client}'s workloads present: Istio accepts its own trust domain and its trustDomainAliases only; add ${td} to trustDomainAliases (or to caCertificates[].trustDomains) in the mesh config of ${server} (ConfigMap ${
    cp?.namespace ?? 'istio-system'
  }/${configMap}, key mesh) and rediscover, or give both clusters one trust domain`;
}

/**
 * Both ends of a cross-cluster mTLS connection: the server validates the client's trust
 * domain, and a client reading the server's endpoints expects the server's service accounts
 * in its own trust domain or aliases (`PushContext.addServiceAccounts`,
 * pilot/pkg/model/push_context.go), so the client must accept the server's trust domain too.
 */
export function trustDomainsMismatch(
  topo: Topology,
  client: string,
  server: string,
): string | undefined {
  return (
    trustDomainRejected(topo, client, server) ??
    (topo.reach(client, server) === 'shared-endpoint-discovery'
      ? trustDomainRejected(topo, server, client)
      : undefined)
  );
}

export function unknownRoot(
  topo: Topology,
  a: string,
  b: string,
): string | undefined {
  if (a === b || (topo.rootFingerprint(a) && topo.rootFingerprint(b)))
    return undefined;
  return `the root of trust of ${
    topo.rootFingerprint(a) ? b : a
  } is unknown: cannot confirm that mTLS between ${a} and ${b} will work`;
}

/** Every user label must be a subset value the fleet has seen on the service's pods. */
export function unknownSubset(
  topo: Topology,
  namespace: string,
  service: string,
  clusters: string[],
  subset: Record<string, string>,
): string | undefined {
  const instances = clusters
    .map(c => topo.instance(namespace, service, c))
    .filter(i => i !== undefined);
  for (const [key, value] of Object.entries(subset).sort(([a], [b]) =>
    compareStrings(a, b),
  )) {
    if (instances.some(i => i.subsets[key]?.includes(value))) continue;
    const known = new Set<string>();
    for (const i of instances)
      for (const v of i.subsets[key] ?? []) known.add(`${key}=${v}`);
    const where =
      clusters.length === 1 ? `in ${clusters[0]}` : `in ${list(clusters)}`;
    return `unknown subset ${key}=${value} of ${service}.${namespace} ${where}: ${
      known.size > 0
        ? `known values are ${list([...known])}`
        : `its pods carry no "${key}" label`
    }`;
  }
  return undefined;
}

export function list(items: string[]): string {
  const sorted = [...new Set(items)].sort(compareStrings);
  return sorted.length === 0 ? '(none)' : sorted.join(', ');
}
