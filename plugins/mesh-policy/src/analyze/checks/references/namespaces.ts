import type { ClusterObject } from '../../../verify/types';
import type { AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import {
  describeObject,
  isIstio,
  kubeHost,
  namespaceOf,
  ReferenceLookups,
  specOf,
  strings,
} from './lookups';
import { sourceValues } from './principals';

/** Istio's namespace match in authorization: `*`, `prefix*`, `*suffix` or exact (pkg/config/analysis/analyzers/authz/authorizationpolicies.go namespaceMatch). */
function namespaceMatches(pattern: string, namespace: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return namespace.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return namespace.startsWith(pattern.slice(0, -1));
  return pattern === namespace;
}

/** Whether any cluster has a ServiceEntry with this host (asked only once a host looks missing). */
function serviceEntryAnywhere(ctx: AnalysisContext, host: string): boolean {
  return ctx
    .clustersWithConfig()
    .some(c => ctx.config(c).serviceEntries(host).length > 0);
}

/**
 * MESH107. A namespace or service named in config that no cluster of the fleet has: an
 * AuthorizationPolicy `source.namespaces` entry (its rule matches no caller; Istio: pkg/config/
 * analysis/analyzers/authz/authorizationpolicies.go, ReferencedResourceNotFound "namespace";
 * Kiali: business/checkers/authorization/from_namespace_checker.go, KIA0101), or the host of a
 * VirtualService or DestinationRule (`<svc>.<ns>.svc.cluster.local`, or short in the object's
 * namespace) whose namespace or service exists in no cluster, so the object applies to
 * nothing. Route destinations are MESH101's: they break requests, not just apply to nothing.
 */
export const namespaceOrServiceNotFound: Check = {
  code: 'MESH107',
  severity: 'warning',
  title: 'Config names a namespace or service no cluster has',
  istio: 'IST0101',
  kiali: 'KIA0101',
  run(ctx) {
    const look = new ReferenceLookups(ctx);
    const topo = ctx.topology;
    const patterns = new Map<string, boolean>();
    const patternMatches = (p: string) => {
      let found = patterns.get(p);
      if (found === undefined) {
        found = p.includes('*')
          ? look.allNamespaces().some(n => namespaceMatches(p, n))
          : look.namespaceExists(p);
        patterns.set(p, found);
      }
      return found;
    };
    const drafts: FindingDraft[] = [];
    for (const cluster of ctx.clustersWithConfig()) {
      const cfg = ctx.config(cluster);
      for (const ap of cfg.ofKind('AuthorizationPolicy')) {
        if (!isIstio(ap)) continue;
        for (const ns of sourceValues(ap, 'namespaces')) {
          if (patternMatches(ns)) continue;
          drafts.push({
            message: `${describeObject(
              ap,
              cluster,
            )} names source namespace ${ns}, but no cluster of the fleet has ${
              ns.includes('*') ? 'a namespace matching it' : 'that namespace'
            }: the rule matches no caller.`,
            fix: `Correct the entry ${ns} in spec.rules[].from[].source.namespaces of ${describeObject(
              ap,
              cluster,
            )} to the namespace the callers run in, or remove it.`,
            objects: [ctx.ref(cluster, ap)],
            services: look.servicesOfPolicy(ap, cluster),
            keyParts: [`namespace:${ns}`],
          });
        }
      }
      for (const kind of ['VirtualService', 'DestinationRule']) {
        for (const o of cfg.ofKind(kind)) {
          if (!isIstio(o)) continue;
          const spec = specOf(o);
          const written =
            kind === 'DestinationRule'
              ? strings([spec.host])
              : strings(spec.hosts);
          for (const w of new Set(written.map(h => h.trim().toLowerCase()))) {
            const d = hostProblem(ctx, look, topo, o, w);
            if (!d) continue;
            drafts.push({
              message: `${describeObject(o, cluster)} is for host ${w}, but ${
                d.why
              }: the object applies to nothing.`,
              fix: `Correct the host of ${describeObject(
                o,
                cluster,
              )} to an existing service (<name>.<namespace>.svc.cluster.local), or remove the object if the service is gone.`,
              objects: [ctx.ref(cluster, o)],
              keyParts: [`host:${w}`],
            });
          }
        }
      }
    }
    return drafts;
  },
};

function hostProblem(
  ctx: AnalysisContext,
  look: ReferenceLookups,
  topo: AnalysisContext['topology'],
  o: ClusterObject,
  written: string,
): { why: string } | undefined {
  if (written.includes('*')) return undefined;
  // A name with a dot is taken as written (ResolveShortnameToFQDN, pilot/pkg/model/config.go);
  // only Kubernetes service names are judged here.
  const host = written.includes('.')
    ? written
    : `${written}.${namespaceOf(o)}.svc.cluster.local`;
  const kube = kubeHost(host);
  if (!kube) return undefined;
  if (topo.service(kube.namespace, kube.name)) return undefined;
  if (serviceEntryAnywhere(ctx, host)) return undefined;
  if (!look.namespaceExists(kube.namespace))
    return { why: `no cluster of the fleet has namespace ${kube.namespace}` };
  return {
    why: `no cluster of the fleet runs service ${kube.name} in namespace ${kube.namespace}`,
  };
}
