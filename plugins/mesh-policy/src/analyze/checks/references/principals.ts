import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';
import { asArray, Spec } from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import type { AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import {
  describeObject,
  isIstio,
  list,
  ReferenceLookups,
  specOf,
  strings,
} from './lookups';

/** `source.principals` of every rule of an AuthorizationPolicy, each once. */
export function sourceValues(o: ClusterObject, field: string): string[] {
  const values = new Set<string>();
  for (const rule of asArray<Spec>(specOf(o).rules)) {
    if (typeof rule !== 'object') continue;
    for (const from of asArray<Spec>(rule.from)) {
      const source = from && typeof from === 'object' ? from.source : undefined;
      if (!source || typeof source !== 'object') continue;
      for (const v of strings((source as Spec)[field])) values.add(v);
    }
  }
  return [...values];
}

const IDENTITY = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

interface Problem {
  why: string;
  fix: string;
  /** The `ns/<ns>/sa/<sa>` the principal names, when it names one. */
  identity?: string;
}

/**
 * Why a policy principal can match no peer of the fleet, if it cannot. A principal is
 * `<trust-domain>/ns/<namespace>/sa/<service-account>`, without `spiffe://`; `*`, `prefix*`
 * and `*suffix` are wildcards (pilot/pkg/security/authz/matcher/string.go). A principal in
 * `cluster.local` stands for the local trust domain and its aliases; one in any other trust
 * domain is kept as written (pilot/pkg/security/trustdomain/bundle.go
 * ReplaceTrustDomainAliases), so it matches only peers whose certificates carry that trust
 * domain — which only a cluster accepting it lets through the handshake.
 */
function problemOf(
  look: ReferenceLookups,
  cluster: string,
  p: string,
): Problem | undefined {
  const topo = look.ctx.topology;
  const accepted = () =>
    `cluster ${cluster} accepts ${list(topo.acceptedTrustDomains(cluster))}`;
  const tdProblem = (td: string, rest: string): Problem | undefined =>
    td === 'cluster.local' || td.includes('*') || look.trustDomainAccepted(td)
      ? undefined
      : {
          why: `no cluster of the fleet accepts trust domain ${td} (${accepted()})`,
          fix: `Write it in a trust domain the fleet uses, e.g. cluster.local${rest} (cluster.local stands for each cluster's own trust domain and aliases), or add ${td} to meshConfig.trustDomainAliases where its workloads run.`,
        };
  const accountProblem = (ns: string, sa: string): Problem | undefined => {
    if (look.identityExists(`ns/${ns}/sa/${sa}`)) return undefined;
    // Gateways and control planes run in namespaces whose workloads the fleet does not list
    // (istio-system, linkerd…): a principal there names what the fleet cannot see.
    if (unlistedNamespace(look, ns)) return undefined;
    const all = look.serviceAccountsIn(ns);
    // A namespace may hold hundreds: name a few, enough to spot a typo.
    const there =
      all.length > 5 ? [...all.slice(0, 5), `… (${all.length} in all)`] : all;
    return {
      why: `no workload in any cluster runs as service account ${sa} in namespace ${ns}${
        there.length > 0 ? ` (workloads there run as ${list(there)})` : ''
      }`,
      fix: `Name the service account the calling workload runs as${
        there.length > 0 ? ` (one of ${list(there)})` : ''
      }, or remove the principal.`,
      identity: `ns/${ns}/sa/${sa}`,
    };
  };

  if (p === '*') return undefined;
  if (p.startsWith('spiffe://'))
    return {
      why: 'it starts with spiffe://, which Istio principals omit, so no peer ever matches it',
      fix: `Write it as ${p.slice('spiffe://'.length)}.`,
    };
  if (p.startsWith('*')) {
    const suffix = p.slice(1);
    const full = suffix.match(/^\/?ns\/([^/*]+)\/sa\/([^/*]+)$/);
    if (full) return accountProblem(full[1], full[2]);
    const sa = suffix.match(/^\/sa\/([^/*]+)$/);
    if (sa && !look.serviceAccountExists(sa[1]))
      return {
        why: `no workload in any cluster runs as a service account named ${sa[1]}`,
        fix: 'Name the service account the calling workload runs as, or remove the principal.',
      };
    return undefined;
  }
  if (p.endsWith('*')) {
    const prefix = p.slice(0, -1);
    const slash = prefix.indexOf('/');
    if (slash < 0) return undefined;
    const td = tdProblem(prefix.slice(0, slash), `${prefix.slice(slash)}*`);
    if (td) return td;
    const ns = prefix.match(/^[^/]+\/ns\/([^/*]+)\//);
    if (
      ns &&
      !unlistedNamespace(look, ns[1]) &&
      look.serviceAccountsIn(ns[1]).length === 0
    )
      return {
        why: `no workload in any cluster runs in namespace ${ns[1]}`,
        fix: 'Name the namespace of the calling workloads, or remove the principal.',
      };
    return undefined;
  }
  const m = p.match(IDENTITY);
  if (!m)
    return {
      why: 'it is not of the form <trust-domain>/ns/<namespace>/sa/<service-account>, so no peer identity matches it',
      fix: 'Write it as <trust-domain>/ns/<namespace>/sa/<service-account>, e.g. cluster.local/ns/bookinfo/sa/productpage.',
    };
  const [, td, ns, sa] = m;
  const tdIssue = tdProblem(td, `/ns/${ns}/sa/${sa}`);
  if (tdIssue) return { ...tdIssue, identity: `ns/${ns}/sa/${sa}` };
  return accountProblem(ns, sa);
}

/**
 * A namespace whose workloads discovery does not list: the default excluded namespaces and
 * every control plane's own. Nothing can be said about identities there.
 */
function unlistedNamespace(look: ReferenceLookups, namespace: string): boolean {
  return (
    DEFAULT_EXCLUDED_NAMESPACES.includes(namespace) ||
    look.ctx.fleet.clusters.some(c =>
      c.controlPlanes.some(cp => cp.namespace === namespace),
    )
  );
}

/**
 * MESH106. A `source.principals` entry no peer of the fleet can present: its trust domain is
 * accepted by no cluster, or no workload runs as its service account in any cluster. Kiali
 * checks the service account in the policy's own mesh (business/checkers/
 * authorization/principals_checker.go, KIA0106); here every cluster's workloads count, so a
 * principal for a caller in another cluster is not flagged.
 */
export const principalMatchesNothing: Check = {
  code: 'MESH106',
  severity: 'warning',
  title: 'AuthorizationPolicy principal matches no workload of the fleet',
  kiali: 'KIA0106',
  run(ctx: AnalysisContext) {
    const look = new ReferenceLookups(ctx);
    const drafts: FindingDraft[] = [];
    for (const cluster of ctx.clustersWithConfig()) {
      for (const ap of ctx.config(cluster).ofKind('AuthorizationPolicy')) {
        if (!isIstio(ap)) continue;
        for (const p of sourceValues(ap, 'principals')) {
          const problem = problemOf(look, cluster, p);
          if (!problem) continue;
          drafts.push({
            message: `${describeObject(
              ap,
              cluster,
            )} names principal ${p}, but ${
              problem.why
            }: the rule matches no caller.`,
            fix: `In spec.rules[].from[].source.principals of ${describeObject(
              ap,
              cluster,
            )}: ${problem.fix}`,
            objects: [ctx.ref(cluster, ap)],
            services: [
              ...look.servicesOfPolicy(ap, cluster),
              ...(problem.identity
                ? look.servicesWithIdentity(problem.identity)
                : []),
            ],
            keyParts: [p],
          });
        }
      }
    }
    return drafts;
  },
};
