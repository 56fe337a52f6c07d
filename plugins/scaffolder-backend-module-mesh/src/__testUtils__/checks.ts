import type { Checks } from '../service/requestAnalysis';

type Check = Checks[number];
type Ctx = Parameters<Check['run']>[0];
type Obj = ReturnType<Ctx['objects']>[number];

/**
 * Small checks standing in for the engine's, so the actions' tests say exactly which findings
 * a request brings without depending on how each real check words them.
 */

const hostsOf = (vs: Obj): string[] => {
  const hosts = vs.spec?.hosts;
  return Array.isArray(hosts)
    ? hosts.filter((h): h is string => typeof h === 'string')
    : [];
};

const serviceOf = (ctx: Ctx, host: string): string[] => {
  const s = ctx.serviceForHost(host);
  return s ? [`${s.namespace}/${s.name}`] : [];
};

/** Two VirtualServices of one cluster for the same host: Istio merges them unpredictably. */
export const severalVirtualServices: Check = {
  code: 'MESH981',
  severity: 'error',
  title: 'Several VirtualServices for one host',
  run: ctx =>
    ctx.clustersWithConfig().flatMap(cluster => {
      const byHost = new Map<string, Obj[]>();
      for (const vs of ctx.config(cluster).ofKind('VirtualService'))
        for (const host of hostsOf(vs))
          byHost.set(host, [...(byHost.get(host) ?? []), vs]);
      return [...byHost]
        .filter(([, list]) => list.length > 1)
        .map(([host, list]) => ({
          message: `${list
            .map(
              vs =>
                `VirtualService ${vs.metadata.namespace}/${vs.metadata.name}`,
            )
            .join(' and ')} in cluster ${cluster} both route ${host}.`,
          fix: `Merge them into one VirtualService for ${host}.`,
          objects: list.map(vs => ctx.ref(cluster, vs)),
          services: serviceOf(ctx, host),
          keyParts: [host],
        }));
    }),
};

/** A VirtualService route to a subset no DestinationRule of its cluster defines. */
export const missingSubset: Check = {
  code: 'MESH982',
  severity: 'error',
  title: 'VirtualService routes to a subset that does not exist',
  run: ctx =>
    ctx.clustersWithConfig().flatMap(cluster => {
      const config = ctx.config(cluster);
      const defined = new Set<string>();
      for (const dr of config.ofKind('DestinationRule')) {
        const subsets = dr.spec?.subsets;
        if (!Array.isArray(subsets)) continue;
        for (const s of subsets)
          defined.add(`${String(dr.spec?.host)}|${String(s?.name)}`);
      }
      return config.ofKind('VirtualService').flatMap(vs =>
        destinations(vs)
          .filter(d => d.subset && !defined.has(`${d.host}|${d.subset}`))
          .map(d => ({
            message: `VirtualService ${vs.metadata.namespace}/${vs.metadata.name} in cluster ${cluster} routes to subset ${d.subset} of ${d.host}, which no DestinationRule defines.`,
            fix: `Define subset ${d.subset} in the DestinationRule for ${d.host}.`,
            objects: [ctx.ref(cluster, vs)],
            services: serviceOf(ctx, d.host),
            keyParts: [d.subset ?? ''],
          })),
      );
    }),
};

function destinations(vs: Obj): { host: string; subset?: string }[] {
  const out: { host: string; subset?: string }[] = [];
  const http = vs.spec?.http;
  for (const route of Array.isArray(http) ? http : []) {
    for (const r of Array.isArray(route?.route) ? route.route : []) {
      const d = r?.destination;
      if (typeof d?.host === 'string')
        out.push({
          host: d.host,
          subset: typeof d.subset === 'string' ? d.subset : undefined,
        });
    }
  }
  return out;
}

/** A namespace-wide PERMISSIVE PeerAuthentication: stands for a finding no request touches. */
export const permissive: Check = {
  code: 'MESH983',
  severity: 'warning',
  title: 'PeerAuthentication accepts plaintext',
  run: ctx =>
    ctx.clustersWithConfig().flatMap(cluster =>
      ctx
        .config(cluster)
        .ofKind('PeerAuthentication')
        .filter(
          pa =>
            (pa.spec?.mtls as { mode?: string } | undefined)?.mode ===
            'PERMISSIVE',
        )
        .map(pa => ({
          message: `PeerAuthentication ${pa.metadata.namespace}/${pa.metadata.name} in cluster ${cluster} accepts plaintext.`,
          fix: 'Set mtls.mode to STRICT.',
          objects: [ctx.ref(cluster, pa)],
        })),
    ),
};

export const testChecks: Checks = [
  severalVirtualServices,
  missingSubset,
  permissive,
];
