import { compareStrings } from '../../../diagnostics';
import type { ClusterObject } from '../../../verify/types';
import type { Check, FindingDraft } from '../../types';
import {
  describeObject,
  hostsOf,
  isIstio,
  kubeHost,
  list,
  ReferenceLookups,
  routeDestinations,
} from './lookups';

/**
 * MESH101. A proxy builds an Envoy cluster for each host of its own registry: the Kubernetes
 * services of its cluster and of the clusters its istiod reads (remote secrets), and the
 * ServiceEntries of its own cluster's config. A route to any other host has no cluster and
 * Envoy answers 503 `NC` (Istio's analyzer: pkg/config/analysis/analyzers/virtualservice/
 * destinationhosts.go, ReferencedResourceNotFound "host"; Kiali: business/checkers/
 * virtualservices/no_host_checker.go). Across clusters: the service may run elsewhere in the
 * fleet, or a ServiceEntry may define it in another cluster, which this cluster's istiod
 * never reads.
 */
export const destinationHostNotFound: Check = {
  code: 'MESH101',
  severity: 'error',
  title: 'VirtualService routes to a host its cluster does not know',
  istio: 'IST0101',
  kiali: 'KIA1101',
  run(ctx) {
    const look = new ReferenceLookups(ctx);
    const topo = ctx.topology;
    const drafts: FindingDraft[] = [];
    for (const cluster of ctx.clustersWithConfig()) {
      const cfg = ctx.config(cluster);
      const reach = look.reachableFrom(cluster);
      for (const vs of cfg.ofKind('VirtualService')) {
        if (!isIstio(vs)) continue;
        const seen = new Set<string>();
        for (const d of routeDestinations(vs)) {
          if (seen.has(d.host) || d.host.includes('*')) continue;
          seen.add(d.host);
          if (look.hostKnown(cluster, d.host)) continue;
          const kube = kubeHost(d.host);
          const serving = kube
            ? topo.servingClusters(kube.namespace, kube.name)
            : [];

          const where = `${describeObject(vs, cluster)} routes (${
            d.section
          } route ${d.route}) to ${d.written}`;
          const objects = [ctx.ref(cluster, vs)];
          const services = look.servicesOfHosts([...hostsOf(vs), d.host]);
          let message: string;
          let fix: string;
          if (kube && serving.length > 0) {
            message = `${where}, which runs only in ${list(
              serving,
            )}; cluster ${cluster} reaches ${list(
              reach,
            )} and none of them runs it, so its proxies have no Envoy cluster for the host (503 NC).`;
            fix = `Connect cluster ${cluster} to ${serving[0]} (a remote secret so its istiod reads that cluster's endpoints, or gateway federation), or point the route at a service cluster ${cluster} reaches.`;
          } else if (kube) {
            const nsMissing = !look.namespaceExists(kube.namespace);
            message = `${where}, but no cluster runs service ${
              kube.name
            } in namespace ${kube.namespace}${
              nsMissing ? ` (no cluster has namespace ${kube.namespace})` : ''
            }: its proxies have no Envoy cluster for the host (503 NC).`;
            fix = `Correct the destination host in ${describeObject(
              vs,
              cluster,
            )} to an existing service, or deploy ${kube.name} in namespace ${
              kube.namespace
            } to a cluster that ${cluster} reaches (${list(reach)}).`;
          } else {
            const elsewhere = serviceEntriesElsewhere(ctx, cluster, d.host);
            objects.push(...elsewhere.map(e => ctx.ref(e.cluster, e.object)));
            const parts = d.written.split('.');
            const dotted =
              parts.length === 2 && topo.service(parts[1], parts[0])
                ? `${parts[0]}.${parts[1]}.svc.cluster.local`
                : undefined;
            message = `${where}, but cluster ${cluster} has no Kubernetes service and no ServiceEntry with that host${
              elsewhere.length > 0
                ? ` (${elsewhere
                    .map(e => describeObject(e.object, e.cluster))
                    .join(
                      ', ',
                    )} defines it, and istiod reads only its own cluster's ServiceEntries)`
                : ''
            }: its proxies have no Envoy cluster for it (503 NC).`;
            if (dotted)
              fix = `Write the host as ${dotted} (or ${parts[0]} from namespace ${parts[1]}): Istio takes a name containing a dot as fully qualified and does not expand ${d.written}.`;
            else if (elsewhere.length > 0)
              fix = `Apply ${elsewhere[0].object.kind} ${elsewhere[0].object.metadata.namespace}/${elsewhere[0].object.metadata.name} in cluster ${cluster} too.`;
            else
              fix = `Add a ServiceEntry for ${
                d.written
              } in cluster ${cluster}, or correct the destination host in ${describeObject(
                vs,
                cluster,
              )}.`;
          }
          drafts.push({
            message,
            fix,
            objects,
            services,
            clusters: serving,
            keyParts: [d.host],
          });
        }
      }
    }
    return drafts;
  },
};

/** ServiceEntries for `host` in clusters other than `cluster` (only asked once a host is missing). */
function serviceEntriesElsewhere(
  ctx: Parameters<Check['run']>[0],
  cluster: string,
  host: string,
): { cluster: string; object: ClusterObject }[] {
  const out: { cluster: string; object: ClusterObject }[] = [];
  for (const other of ctx.clustersWithConfig()) {
    if (other === cluster) continue;
    const cfg = ctx.config(other);
    for (const se of cfg.serviceEntries(host)) {
      const [ns, name] = se.id.split('/');
      const object = cfg
        .ofKind('ServiceEntry')
        .find(
          o =>
            o.metadata.name === name &&
            (o.metadata.namespace ?? 'default') === ns,
        );
      if (object) out.push({ cluster: other, object });
    }
  }
  return out.sort((a, b) => compareStrings(a.cluster, b.cluster));
}
