import type { ServiceInstance } from '@meshport/backstage-plugin-mesh-common';
import { MESHPORT_POLICY_LABEL } from '@meshport/backstage-plugin-mesh-common';
import { ISTIO_CLUSTER_LABEL } from '../../constants';
import { compareStrings } from '../../diagnostics';
import { asArray, fqdn, Spec } from '../../verify/clusterConfig';
import { kubeHost } from '../../verify/endpoints';
import type { ClusterObject } from '../../verify/types';
import type { AnalysisContext } from '../context';
import type { Check, FindingDraft } from '../types';
import {
  asksForFailover,
  localityScopes,
  LocalityScope,
  record,
} from './resilience/localityLb';

const spec = (o: ClusterObject): Spec => record(o.spec) ?? {};
const ns = (o: ClusterObject) => o.metadata.namespace ?? 'default';
const drName = (cluster: string, o: ClusterObject) =>
  `DestinationRule ${ns(o)}/${o.metadata.name} in cluster ${cluster}`;

/** Every DestinationRule of every analysed cluster with its locality settings. */
function destinationRules(ctx: AnalysisContext) {
  return ctx.clustersWithConfig().flatMap(cluster =>
    ctx
      .config(cluster)
      .ofKind('DestinationRule')
      .map(dr => ({
        cluster,
        dr,
        host: fqdn(String(spec(dr).host ?? ''), ns(dr)),
        scopes: localityScopes(spec(dr)),
      }))
      .filter(x => x.scopes.length > 0),
  );
}

/**
 * MESH501. Istio fails over by locality only when the cluster has outlier detection: Envoy
 * moves to a lower priority only once endpoints are ejected (pilot/pkg/networking/core/
 * loadbalancer/loadbalancer.go ApplyToCluster: `enableFailover := ... c.OutlierDetection !=
 * nil`; istio.io "Locality failover" task: outlier detection "is required in order for
 * failover to function properly"). Without it every locality gets the same priority: requests
 * spread over all localities and keep going to failed ones. Istio's validation warns the same
 * (pkg/config/validation/agent ValidateLocalityLbSetting, "outlier detection policy must be
 * provided for failover"), which `istioctl analyze` reports as IST0133.
 */
const failoverWithoutOutlierDetection: Check = {
  code: 'MESH501',
  severity: 'warning',
  title: 'Locality failover without outlier detection',
  istio: 'IST0133',
  run(ctx) {
    const rules = destinationRules(ctx);
    // Another cluster's rule for the same host that does set outlier detection: the fix to copy.
    const withOutlier = new Map<string, string>();
    for (const r of rules)
      if (r.scopes.some(s => asksForFailover(s) && s.hasOutlierDetection))
        withOutlier.set(r.host, drName(r.cluster, r.dr));
    return rules.flatMap(({ cluster, dr, host, scopes }): FindingDraft[] => {
      const missing = scopes.filter(
        s => asksForFailover(s) && !s.hasOutlierDetection,
      );
      if (missing.length === 0) return [];
      const service = ctx.serviceForHost(host);
      const elsewhere = withOutlier.get(host);
      const where = missing.map(s => s.where).join(', ');
      const managedBy = dr.metadata.labels?.[MESHPORT_POLICY_LABEL];
      return [
        {
          message: `${drName(
            cluster,
            dr,
          )} asks for locality failover for ${host} (${where}) but sets no outlierDetection there: Envoy only fails over once endpoints are ejected, so proxies in ${cluster} spread requests over every locality and keep sending them to failing endpoints`,
          fix: managedBy
            ? `Render ${managedBy} again: Meshport writes outlierDetection from its spec.outlierDetection, so ${drName(
                cluster,
                dr,
              )} lost it by a hand edit`
            : `Add trafficPolicy.outlierDetection (e.g. consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s) to ${drName(
                cluster,
                dr,
              )}${elsewhere ? `, as ${elsewhere} does` : ''}`,
          objects: [ctx.ref(cluster, dr)],
          services: service ? [service.id] : [],
        },
      ];
    });
  },
};

/**
 * MESH502. Istio's validation rejects a localityLbSetting with both: "can not simultaneously
 * specify 'distribute' and 'failover'" (pkg/config/validation/agent ValidateLocalityLbSetting;
 * IST0106 in `istioctl analyze`). An object that got in anyway (created before the webhook,
 * or with it bypassed) is applied with `distribute` only: `failover` is silently ignored
 * (loadbalancer.go ApplyLocalityLoadBalancer).
 */
const distributeWithFailover: Check = {
  code: 'MESH502',
  severity: 'error',
  title: 'Locality load balancing sets both distribute and failover',
  istio: 'IST0106',
  run(ctx) {
    return destinationRules(ctx).flatMap(({ cluster, dr, host, scopes }) => {
      const both = scopes.filter(s => s.distribute && s.failover.length > 0);
      if (both.length === 0) return [];
      const service = ctx.serviceForHost(host);
      return [
        {
          message: `${drName(
            cluster,
            dr,
          )} sets both distribute and failover in localityLbSetting (${both
            .map(s => s.where)
            .join(
              ', ',
            )}): Istio's validation rejects this, and where the object exists anyway istiod applies distribute only, so the failover regions are ignored`,
          fix: `In ${drName(
            cluster,
            dr,
          )}, keep either distribute (fixed weights per locality) or failover (ordered regions, with outlierDetection), not both`,
          objects: [ctx.ref(cluster, dr)],
          services: service ? [service.id] : [],
        },
      ];
    });
  },
};

/** `region` of `region/zone/subzone` localities, else the cluster's node regions. */
function regionsOf(ctx: AnalysisContext, i: ServiceInstance): string[] {
  const fromPods = i.localities.map(l => l.split('/')[0]).filter(Boolean);
  if (fromPods.length > 0) return [...new Set(fromPods)];
  return ctx.topology.cluster(i.cluster)?.regions ?? [];
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort(compareStrings);

/** A hand-written DestinationRule's `failover: [{from, to}]` whose `to` region has nothing ready. */
function deadFailoverRegions(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const { cluster, dr, host, scopes } of destinationRules(ctx)) {
    const service = ctx.serviceForHost(host);
    if (!service) continue;
    // A DestinationRule only configures the proxies of its own cluster: they see the
    // service's endpoints in their cluster and in the clusters whose endpoints istiod reads.
    const visible = service.instances.filter(i =>
      ctx.topology.reach(cluster, i.cluster),
    );
    const clientRegions = new Set(ctx.topology.cluster(cluster)?.regions ?? []);
    const failovers = new Map<string, { from: string; scope: LocalityScope }>();
    // A rule from a region no proxy of this cluster is in never applies.
    for (const s of scopes.filter(asksForFailover))
      for (const f of s.failover)
        if (clientRegions.size === 0 || clientRegions.has(f.from))
          if (!failovers.has(f.to))
            failovers.set(f.to, { from: f.from, scope: s });
    for (const [to, { from, scope }] of failovers) {
      const there = visible.filter(i => regionsOf(ctx, i).includes(to));
      if (there.some(i => i.endpoints.ready > 0)) continue;
      const unreachable = service.instances.filter(
        i =>
          !ctx.topology.reach(cluster, i.cluster) &&
          regionsOf(ctx, i).includes(to),
      );
      let why = `${service.id} runs in no cluster of that region that ${cluster} reaches`;
      if (there.length > 0)
        why = `its instances there (${sorted(there.map(i => i.cluster)).join(
          ', ',
        )}) have no ready endpoints`;
      else if (unreachable.length > 0)
        why = `it runs there only in ${sorted(
          unreachable.map(i => i.cluster),
        ).join(', ')}, whose endpoints istiod in ${cluster} does not read`;
      out.push({
        message: `${drName(cluster, dr)} (${
          scope.where
        }) fails ${host} over from ${from} to ${to}, but ${why}: when ${from} fails, requests from ${cluster} have nowhere healthy to go in ${to}`,
        fix:
          there.length > 0
            ? `Scale up ${service.id} in ${sorted(
                there.map(i => i.cluster),
              ).join(
                ', ',
              )}, or fail over to a region with ready endpoints in ${drName(
                cluster,
                dr,
              )}`
            : `Run ${
                service.id
              } in region ${to} in a cluster ${cluster} reads endpoints from, or change the failover target of ${drName(
                cluster,
                dr,
              )} to a region where it runs`,
        objects: [ctx.ref(cluster, dr)],
        services: [service.id],
        clusters: sorted([...there, ...unreachable].map(i => i.cluster)),
        keyParts: [scope.where, `to=${to}`],
      });
    }
  }
  return out;
}

/**
 * What Meshport renders for a VirtualDestination: in each client cluster a ServiceEntry (and
 * DestinationRule) labelled with the policy, listing the local Service by its DNS name and
 * each remote backing cluster's east-west gateway, every endpoint labelled with its
 * cluster's `topology.istio.io/cluster` (translate/istio/virtualDestination.ts).
 */
function virtualDestinationTargets(ctx: AnalysisContext): FindingDraft[] {
  const byClusterId = new Map<string, string>();
  for (const c of ctx.topology.clusterNames())
    byClusterId.set(ctx.topology.clusterId(c), c);
  const rendered = ctx.clustersWithConfig().flatMap(cluster =>
    ctx
      .config(cluster)
      .ofKind('ServiceEntry')
      // The label is `<kind>.<namespace>.<name>`, the kind lower-cased (policyRef).
      .filter(se =>
        se.metadata.labels?.[MESHPORT_POLICY_LABEL]?.toLowerCase().startsWith(
          'virtualdestination.',
        ),
      )
      .map(se => ({ cluster, se })),
  );
  // A client cluster that backs nothing holds gateway addresses only: the service's name is
  // read from the local endpoint another (backing) cluster's copy of the same policy holds.
  const serviceOf = new Map<string, string>();
  for (const { se } of rendered)
    for (const e of asArray<Spec>(spec(se).endpoints)) {
      const local = kubeHost(String(e.address ?? ''));
      if (local && local.namespace === ns(se))
        serviceOf.set(
          se.metadata.labels![MESHPORT_POLICY_LABEL],
          `${local.namespace}/${local.name}`,
        );
    }
  const out: FindingDraft[] = [];
  for (const { cluster, se } of rendered) {
    const policy = se.metadata.labels![MESHPORT_POLICY_LABEL];
    const id = serviceOf.get(policy);
    if (!id) continue;
    const [namespace, name] = id.split('/');
    const targets = sorted(
      asArray<Spec>(spec(se).endpoints)
        .map(e => String(record(e.labels)?.[ISTIO_CLUSTER_LABEL] ?? ''))
        .map(cid => byClusterId.get(cid) ?? cid)
        .filter(c => c !== '' && c !== cluster),
    );
    const hosts = asArray<string>(spec(se).hosts).join(', ');
    const seName = `ServiceEntry ${ns(se)}/${
      se.metadata.name
    } in cluster ${cluster}`;
    for (const target of targets) {
      const instance = ctx.topology.instance(namespace, name, target);
      if (instance && instance.endpoints.ready > 0) continue;
      out.push({
        message: `${seName}, rendered from ${policy}, fails ${hosts} over from ${cluster} to ${target}, but ${
          instance
            ? `${id} has no ready endpoints in ${target} (0 of ${instance.endpoints.total})`
            : `${id} does not run in ${target}`
        }: requests failing over there find no server behind ${target}'s east-west gateway and fail`,
        fix: instance
          ? `Scale up ${id} in ${target}, or remove ${target} from spec.clusters of ${policy}`
          : `Deploy ${id} in ${target}, or remove ${target} from spec.clusters of ${policy} and re-render`,
        objects: [ctx.ref(cluster, se), ctx.serviceRef(target, id)],
        services: [id],
      });
    }
  }
  return out;
}

/** MESH503. Failover to a place where the service has nothing ready is no failover. */
const failoverTargetNotReady: Check = {
  code: 'MESH503',
  severity: 'error',
  title: 'Failover target has no ready endpoints',
  run(ctx) {
    return [...deadFailoverRegions(ctx), ...virtualDestinationTargets(ctx)];
  },
};

/** MESH5xx — resilience: locality failover and outlier detection, failover targets without endpoints. */
export const resilienceChecks: Check[] = [
  failoverWithoutOutlierDetection,
  distributeWithFailover,
  failoverTargetNotReady,
];
