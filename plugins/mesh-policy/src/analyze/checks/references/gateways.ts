import type { Check, FindingDraft } from '../../types';
import {
  describeObject,
  hostsOf,
  isIstio,
  namespaceOf,
  ReferenceLookups,
  specOf,
  strings,
} from './lookups';

/**
 * MESH103. A VirtualService's `gateways` entry is `<namespace>/<name>`, or a short name taken
 * in the VirtualService's namespace; `mesh` means the sidecars. istiod binds the routes to the
 * Gateways of its own cluster's config; an entry naming none binds them nowhere, so the
 * gateway never serves the host (Istio: pkg/config/analysis/analyzers/virtualservice/
 * gateways.go, ReferencedResourceNotFound "gateway"; Kiali: business/checkers/virtualservices/
 * no_gateway_checker.go, KIA1102). Across clusters: the Gateway may exist in another cluster
 * only, which this cluster's istiod never reads.
 */
export const gatewayNotFound: Check = {
  code: 'MESH103',
  severity: 'error',
  title: 'VirtualService names a Gateway its cluster does not have',
  istio: 'IST0101',
  kiali: 'KIA1102',
  run(ctx) {
    const look = new ReferenceLookups(ctx);
    const clusters = ctx.clustersWithConfig();
    const drafts: FindingDraft[] = [];
    for (const cluster of clusters) {
      for (const vs of ctx.config(cluster).ofKind('VirtualService')) {
        if (!isIstio(vs)) continue;
        const namespace = namespaceOf(vs);
        for (const entry of new Set(strings(specOf(vs).gateways))) {
          if (entry === 'mesh') continue;
          const id = entry.includes('/') ? entry : `${namespace}/${entry}`;
          if (look.istioGateways(cluster).has(id)) continue;
          const elsewhere = clusters.filter(
            c => c !== cluster && look.istioGateways(c).has(id),
          );
          drafts.push({
            message: `${describeObject(
              vs,
              cluster,
            )} is bound to Gateway ${id}, which cluster ${cluster} does not have${
              elsewhere.length > 0
                ? ` (it exists in ${elsewhere.join(
                    ', ',
                  )}; istiod reads only its own cluster's Gateways)`
                : ''
            }: no gateway serves its routes there.`,
            fix:
              elsewhere.length > 0
                ? `Apply Gateway ${id} in cluster ${cluster} too, or remove ${entry} from spec.gateways of the VirtualService there.`
                : `Correct spec.gateways entry ${entry} of ${describeObject(
                    vs,
                    cluster,
                  )} to an existing Gateway (<namespace>/<name>), or create Gateway ${id}.`,
            objects: [ctx.ref(cluster, vs)],
            services: look.servicesOfHosts(hostsOf(vs)),
            clusters: elsewhere,
            keyParts: [id],
          });
        }
      }
    }
    return drafts;
  },
};
