import type { DestinationRuleView } from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import type { Check, FindingDraft } from '../../types';
import {
  appliesToSidecars,
  describeObject,
  hostsOf,
  isIstio,
  kubeHost,
  list,
  namespaceOf,
  ReferenceLookups,
  routeDestinations,
  specOf,
} from './lookups';

/**
 * A namespace no DestinationRule lives in: what a client there finds is the host's
 * namespace's rule, else the root namespace's (ClusterConfig.destinationRule).
 */
const ELSEWHERE = '';

/**
 * MESH102. A route to a subset names Envoy cluster `outbound|<port>|<subset>|<host>`, which
 * istiod builds only from the subsets of the one DestinationRule the client's proxy uses for
 * the host: its own namespace's, else the host's namespace's, else the root namespace's
 * (pilot/pkg/model/push_context.go, destination rule lookup). When that rule lacks the subset
 * the route points at nothing and Envoy answers 503 `NC` (Istio: pkg/config/analysis/
 * analyzers/virtualservice/destinationrules.go, ReferencedResourceNotFound "host+subset in
 * destinationrule"; Kiali: business/checkers/virtualservices/subset_presence_checker.go,
 * KIA1107). Across clusters: each cluster's istiod reads its own DestinationRules, so a subset
 * defined in another cluster does not count.
 */
export const routeSubsetNotFound: Check = {
  code: 'MESH102',
  severity: 'error',
  title:
    'VirtualService routes to a subset no DestinationRule of its cluster defines',
  istio: 'IST0101',
  kiali: 'KIA1107',
  run(ctx) {
    const look = new ReferenceLookups(ctx);
    const clusters = ctx.clustersWithConfig();
    const drafts: FindingDraft[] = [];
    for (const cluster of clusters) {
      const cfg = ctx.config(cluster);
      for (const vs of cfg.ofKind('VirtualService')) {
        if (!isIstio(vs)) continue;
        const seen = new Set<string>();
        for (const d of routeDestinations(vs)) {
          if (!d.subset || d.host.includes('*')) continue;
          const key = `${d.host}\u0000${d.subset}`;
          if (seen.has(key)) continue;
          seen.add(key);
          // An unknown host is MESH101's finding; its subsets do not matter yet.
          if (!look.hostKnown(cluster, d.host)) continue;

          const rules = look.destinationRulesFor(cluster, d.host);
          const byId = new Map(
            rules.map(o => [`${namespaceOf(o)}/${o.metadata.name}`, o]),
          );
          const ruleNamespaces = new Set(rules.map(namespaceOf));
          let clientNamespaces: string[];
          if (!appliesToSidecars(specOf(vs))) {
            // Bound to gateways only: gateway proxies apply it, and they find the host
            // namespace's rule, else the root namespace's, like any client without its own.
            clientNamespaces = [ELSEWHERE];
          } else if (
            ruleNamespaces.has(kubeHost(d.host)?.namespace ?? ELSEWHERE)
          ) {
            // Clients without a rule of their own find the host namespace's rule first, as
            // that namespace's clients do: one lookup answers for both.
            clientNamespaces = [...ruleNamespaces];
          } else {
            clientNamespaces = [...ruleNamespaces, ELSEWHERE];
          }
          const failing: { clients: string; rule?: DestinationRuleView }[] = [];
          for (const ns of clientNamespaces) {
            const rule = cfg.destinationRule(d.host, ns);
            if (rule?.subsets.some(s => s.name === d.subset)) continue;
            failing.push({
              clients:
                ns === ELSEWHERE
                  ? 'clients in namespaces without a DestinationRule of their own for the host'
                  : `clients in namespace ${ns}`,
              rule,
            });
          }
          if (failing.length === 0) continue;

          const definedElsewhere = clusters
            .filter(c => c !== cluster)
            .map(c => ({
              cluster: c,
              rule: ctx.config(c).destinationRule(d.host, namespaceOf(vs)),
            }))
            .filter(x => x.rule?.subsets.some(s => s.name === d.subset));
          const lacking = [
            ...new Set(
              failing
                .map(f => f.rule && byId.get(f.rule.id))
                .filter((o): o is ClusterObject => !!o),
            ),
          ];
          const what = failing
            .map(f =>
              f.rule
                ? `${f.clients} use DestinationRule ${
                    f.rule.id
                  }, which defines ${list(f.rule.subsets.map(s => s.name))}`
                : `${f.clients} find no DestinationRule for the host`,
            )
            .join('; ');
          const source = definedElsewhere[0];
          const objects = [
            ...lacking.map(o => ctx.ref(cluster, o)),
            ctx.ref(cluster, vs),
          ];
          if (source) {
            const [ns, name] = source.rule!.id.split('/');
            const o = look
              .destinationRulesFor(source.cluster, d.host)
              .find(r => namespaceOf(r) === ns && r.metadata.name === name);
            if (o) objects.push(ctx.ref(source.cluster, o));
          }
          drafts.push({
            message: `${describeObject(vs, cluster)} routes (${
              d.section
            } route ${d.route}) to subset ${d.subset} of ${
              d.host
            }, but in cluster ${cluster} ${what}${
              source
                ? ` (DestinationRule ${source.rule!.id} in cluster ${
                    source.cluster
                  } defines it, and each istiod reads only its own cluster's DestinationRules)`
                : ''
            }: Envoy has no cluster outbound|…|${d.subset}|${
              d.host
            } and answers 503 NC.`,
            fix:
              lacking.length > 0
                ? `Add subset ${d.subset} to ${lacking
                    .map(o => describeObject(o, cluster))
                    .join(' and ')}${
                    source
                      ? `, as DestinationRule ${source.rule!.id} in cluster ${
                          source.cluster
                        } defines it`
                      : ''
                  }.`
                : `Create a DestinationRule for ${d.host} defining subset ${
                    d.subset
                  } in cluster ${cluster} (in namespace ${
                    kubeHost(d.host)?.namespace ?? namespaceOf(vs)
                  })${
                    source
                      ? `, e.g. apply DestinationRule ${
                          source.rule!.id
                        } from cluster ${source.cluster}`
                      : ''
                  }.`,
            objects,
            services: look.servicesOfHosts([...hostsOf(vs), d.host]),
            clusters: definedElsewhere.map(x => x.cluster),
            keyParts: [d.host, d.subset],
          });
        }
      }
    }
    return drafts;
  },
};
