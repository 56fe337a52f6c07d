import type {
  FindingObject,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import { trustedRoots } from '@meshport/backstage-plugin-mesh-common';
import { ISTIO_CLUSTER_LABEL } from '../../../constants';
import { compareStrings } from '../../../diagnostics';
import type { Topology } from '../../../fleet/topology';
import { fqdn, type Spec } from '../../../verify/clusterConfig';
import { acceptedTrustDomains } from '../../../verify/trust';
import type { AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import { asArray, listed, sortedUnique, specOf } from './lookups';

/** What keeps two clusters' workloads from completing mTLS with each other. */
interface PairTrouble {
  a: string;
  b: string;
  /** Their roots do not trust each other (mesh-common mutuallyTrusted). */
  roots: boolean;
  /** `[cluster, trust domain it must accept]` for every missing acceptance. */
  domains: [string, string][];
}

/** Why calls go between two clusters: a sentence, and the services it is about. */
interface Evidence {
  text: string;
  services: string[];
}

const pairKey = (x: string, y: string) =>
  x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`;

/**
 * The trust two clusters' workloads need for Istio mTLS between them, both ways (a call from
 * A to B needs all of it): each root in the other's trust bundle (the peer's certificate must
 * chain to a root it holds), B accepting A's trust domain (TrustDomainsForValidation,
 * pilot/pkg/networking/plugin/authn/util.go) and A accepting B's when it checks B's SAN
 * (pkg/spiffe ExpandWithTrustDomains). The verifier's handshake (verify/trust.ts) applies
 * the same rules to one call. Linkerd's identity is the trust anchor alone; Istio and Linkerd
 * workloads do not speak mTLS to each other at all, so such a pair is not judged here.
 */
function trouble(
  topo: Topology,
  a: string,
  b: string,
): PairTrouble | undefined {
  const kind = topo.meshKind(a);
  if (!kind || kind !== topo.meshKind(b)) return undefined;
  const roots = topo.mutuallyTrusted(a, b) === false;
  const domains: [string, string][] = [];
  if (kind === 'istio') {
    const [tdA, tdB] = [topo.trustDomain(a), topo.trustDomain(b)];
    if (!acceptedTrustDomains(topo, b).includes(tdA)) domains.push([b, tdA]);
    if (!acceptedTrustDomains(topo, a).includes(tdB)) domains.push([a, tdB]);
  }
  return roots || domains.length > 0 ? { a, b, roots, domains } : undefined;
}

/**
 * Every pair of clusters that cannot complete mTLS. Clusters are grouped by what trust
 * depends on (mesh kind, roots, trust domain, accepted domains) and one pair per pair of
 * groups is judged, so a fleet of hundreds of clusters sharing one root costs one test.
 */
function troubledPairs(topo: Topology): Map<string, PairTrouble> {
  const groups = new Map<string, string[]>();
  for (const c of topo.clusterNames()) {
    const plane = topo.controlPlane(c);
    if (!plane) continue;
    const signature = JSON.stringify([
      plane.kind,
      plane.rootCertFingerprint ?? '',
      [...trustedRoots(plane)].sort(compareStrings),
      topo.trustDomain(c),
      [...acceptedTrustDomains(topo, c)].sort(compareStrings),
    ]);
    groups.set(signature, [...(groups.get(signature) ?? []), c]);
  }
  const list = [...groups.values()];
  const pairs = new Map<string, PairTrouble>();
  list.forEach((g, i) => {
    list.slice(i).forEach((h, j) => {
      const same = j === 0;
      if (same && g.length < 2) return;
      if (!trouble(topo, g[0], same ? g[1] : h[0])) return;
      for (const a of g)
        for (const b of h) {
          if (a === b || (same && a > b)) continue;
          const t = trouble(topo, a < b ? a : b, a < b ? b : a);
          if (t) pairs.set(pairKey(a, b), t);
        }
    });
  });
  return pairs;
}

/** Collects evidence per troubled pair, ignoring every other pair. */
class EvidenceBook {
  private readonly book = new Map<string, Evidence[]>();
  /** Clusters in some troubled pair: only their config can say calls cross. */
  readonly clusters: Set<string>;

  constructor(private readonly pairs: Map<string, PairTrouble>) {
    this.clusters = new Set([...pairs.values()].flatMap(t => [t.a, t.b]));
  }

  wants(x: string, y: string): boolean {
    return x !== y && this.pairs.has(pairKey(x, y));
  }

  add(x: string, y: string, e: Evidence) {
    if (!this.wants(x, y)) return;
    const key = pairKey(x, y);
    this.book.set(key, [...(this.book.get(key) ?? []), e]);
  }

  of(key: string): Evidence[] {
    return this.book.get(key) ?? [];
  }
}

/** Cluster links: a remote secret, a gateway federation or a Linkerd Link means calls cross. */
function fromLinks(ctx: AnalysisContext, book: EvidenceBook) {
  const topo = ctx.topology;
  let running: Map<string, Set<string>> | undefined;
  const servicesOf = (cluster: string): Set<string> => {
    if (!running) {
      running = new Map();
      for (const s of ctx.fleet.services)
        for (const i of s.instances) {
          const set = running.get(i.cluster) ?? new Set<string>();
          set.add(s.id);
          running.set(i.cluster, set);
        }
    }
    return running.get(cluster) ?? new Set<string>();
  };
  for (const link of ctx.fleet.links) {
    if (!book.wants(link.from, link.to)) continue;
    const served = [...servicesOf(link.to)].sort(compareStrings);
    const local = servicesOf(link.from);
    const shared = served.filter(id => local.has(id));
    const services = shared.length > 0 ? shared : served;
    const how = {
      'shared-endpoint-discovery': `${link.from}'s control plane reads ${link.to}'s endpoints (remote secret), so its workloads call ${link.to}'s pods directly`,
      'gateway-federation': `${link.from} reaches ${link.to}'s services through ${link.to}'s east-west gateway`,
      'linkerd-multicluster': `${link.from} mirrors ${link.to}'s services through a Linkerd Link`,
    }[link.via];
    book.add(link.from, link.to, {
      text: `${how}${services.length > 0 ? ` (${listed(services, 3)})` : ''}`,
      services: services.slice(0, 20),
    });
  }
  // Remote secrets recorded on control planes only (older snapshots) mean the same.
  for (const c of topo.clusterNames())
    for (const remote of topo.controlPlane(c)?.readsEndpointsFrom ?? [])
      if (
        !ctx.fleet.links.some(l => l.from === c && l.to === remote) &&
        book.wants(c, remote)
      )
        book.add(c, remote, {
          text: `${c}'s control plane reads ${remote}'s endpoints (remote secret)`,
          services: [],
        });
}

/** ServiceEntries whose endpoints are another cluster's east-west gateway, and VirtualServices pinned to another cluster. */
function fromConfig(ctx: AnalysisContext, book: EvidenceBook) {
  const topo = ctx.topology;
  const gatewayOwner = new Map<string, string>();
  const byClusterId = new Map<string, string>();
  for (const c of topo.clusterNames()) {
    byClusterId.set(topo.clusterId(c), c);
    for (const g of topo.eastWestGateways(c))
      for (const address of g.addresses) gatewayOwner.set(address, c);
  }
  const domainClusters = new Map<string, string[]>();
  for (const c of topo.clusterNames()) {
    const td = topo.trustDomain(c);
    domainClusters.set(td, [...(domainClusters.get(td) ?? []), c]);
  }

  for (const x of ctx.clustersWithConfig()) {
    if (!book.clusters.has(x)) continue;
    const cfg = ctx.config(x);
    for (const se of cfg.ofKind('ServiceEntry')) {
      const spec = specOf(se.spec) ?? {};
      for (const e of asArray<Spec>(spec.endpoints)) {
        const y = gatewayOwner.get(String(e?.address ?? ''));
        if (!y || !book.wants(x, y)) continue;
        book.add(x, y, {
          text: `ServiceEntry ${se.metadata.namespace}/${
            se.metadata.name
          } in ${x} sends ${listed(
            asArray<string>(spec.hosts).map(String),
            2,
          )} to ${y}'s east-west gateway (${String(e.address)})`,
          services: [],
        });
        break;
      }
    }

    // Routes can pin another cluster only through a subset labelled with its CLUSTER_ID:
    // without such a subset in this cluster's rules, no VirtualService needs reading.
    const pins = cfg.ofKind('DestinationRule').some(dr =>
      asArray<Spec>(specOf(dr.spec)?.subsets).some(sub => {
        const y = byClusterId.get(
          String(specOf(sub?.labels)?.[ISTIO_CLUSTER_LABEL] ?? ''),
        );
        return y !== undefined && book.wants(x, y);
      }),
    );
    for (const vs of pins ? cfg.ofKind('VirtualService') : []) {
      const spec = specOf(vs.spec) ?? {};
      const ns = vs.metadata.namespace ?? 'default';
      const routes = [
        ...asArray<Spec>(spec.http),
        ...asArray<Spec>(spec.tcp),
        ...asArray<Spec>(spec.tls),
      ].flatMap(r => asArray<Spec>(r?.route));
      const pinned = new Set<string>();
      for (const r of routes) {
        const dest = specOf(r?.destination);
        if (typeof dest?.host !== 'string' || typeof dest.subset !== 'string')
          continue;
        const host = fqdn(dest.host, ns);
        const subset = cfg
          .destinationRule(host, ns)
          ?.subsets.find(s => s.name === dest.subset);
        const y = byClusterId.get(subset?.labels[ISTIO_CLUSTER_LABEL] ?? '');
        if (!y || !book.wants(x, y) || pinned.has(y)) continue;
        pinned.add(y);
        const svc = ctx.serviceForHost(host);
        book.add(x, y, {
          text: `VirtualService ${ns}/${vs.metadata.name} in ${x} routes to subset ${dest.subset} of ${host}, whose endpoints are in ${y}`,
          services: svc ? [svc.id] : [],
        });
      }
    }

    // An ALLOW rule naming a principal of another cluster's trust domain (or, within one
    // trust domain, an identity only another cluster runs) expects that cluster's callers.
    for (const ap of cfg.authorizationPolicies()) {
      const principals = asArray<Spec>(ap.spec.rules)
        .flatMap(r => asArray<Spec>(r?.from))
        .flatMap(f => asArray<unknown>(specOf(f?.source)?.principals))
        .filter((p): p is string => typeof p === 'string');
      const named = new Set<string>();
      for (const p of principals) {
        const td = p.split('/')[0];
        for (const other of domainClusters.get(td) ?? []) {
          if (!book.wants(other, x) || named.has(other)) continue;
          const own = topo.trustDomain(x) === td;
          if (
            own &&
            (!topo.hasIdentity(other, `spiffe://${p}`) ||
              topo.hasIdentity(x, `spiffe://${p}`))
          )
            continue;
          named.add(other);
          book.add(other, x, {
            text: `AuthorizationPolicy ${ap.id} in ${x} admits principal ${p} of ${other}`,
            services: [],
          });
        }
      }
    }
  }
}

/** Observed calls between the two clusters. */
function fromTraffic(ctx: AnalysisContext, book: EvidenceBook) {
  if (!ctx.hasTraffic()) return;
  const topo = ctx.topology;
  for (const s of ctx.fleet.services) {
    const t = ctx.traffic(s.id);
    if (!t) continue;
    const edges: [TrafficEdge, boolean][] = [
      ...(Array.isArray(t.inbound) ? t.inbound : []).map(
        e => [e, true] as [TrafficEdge, boolean],
      ),
      ...(Array.isArray(t.outbound) ? t.outbound : []).map(
        e => [e, false] as [TrafficEdge, boolean],
      ),
    ];
    for (const [e, inbound] of edges) {
      if (!e?.peerCluster?.known || !e.thisCluster?.name) continue;
      const here = e.thisCluster.name;
      const there = e.peerCluster.name;
      if (!book.wants(here, there)) continue;
      const peer = `${e.peer?.namespace}/${e.peer?.name}`;
      const known = topo.service(e.peer?.namespace, e.peer?.name);
      const [from, to] = inbound
        ? [`${peer} (${there})`, `${s.id} (${here})`]
        : [`${s.id} (${here})`, `${peer} (${there})`];
      book.add(here, there, {
        text: `traffic observed from ${from} to ${to}`,
        services: [s.id, ...(known ? [known.id] : [])],
      });
    }
  }
}

/** How a finding names the trust settings of a cluster's control plane. */
function trustObjects(
  topo: Topology,
  t: PairTrouble,
): { objects: FindingObject[]; problems: string[]; fixes: string[] } {
  const objects: FindingObject[] = [];
  const problems: string[] = [];
  const fixes: string[] = [];
  const plane = (c: string) => topo.controlPlane(c)!;
  if (t.roots) {
    const linkerd = topo.meshKind(t.a) === 'linkerd';
    for (const [x, y] of [
      [t.a, t.b],
      [t.b, t.a],
    ]) {
      const root = topo.rootFingerprint(x);
      const bundle = trustedRoots(plane(y));
      if (root && !bundle.includes(root))
        problems.push(
          `${x}'s root ${root} is not in ${y}'s trust bundle (${bundle.join(
            ', ',
          )})`,
        );
    }
    for (const c of [t.a, t.b])
      objects.push({
        cluster: c,
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: plane(c).namespace,
        name: linkerd ? 'linkerd-identity-trust-roots' : 'istio-ca-root-cert',
      });
    fixes.push(
      linkerd
        ? `Issue both clusters' identity issuers from one trust anchor (linkerd install/upgrade --identity-trust-anchors-file), or list both anchors in the linkerd-identity-trust-roots bundle of ${t.a} and ${t.b} while you move`
        : `Give ${t.a} and ${
            t.b
          } one root of trust: plug in intermediate CAs signed by a shared root (the cacerts Secret in ${
            plane(t.a).namespace
          } of each cluster, then restart istiod and the workloads), or, while migrating, put both roots in each cluster's trust bundle (root-cert.pem of cacerts, or meshConfig.caCertificates)`,
    );
  }
  for (const [c, td] of t.domains) {
    const p = plane(c);
    problems.push(
      `${c} accepts peers from trust domain ${listed(
        acceptedTrustDomains(topo, c),
        3,
      )} only, and ${c === t.a ? t.b : t.a}'s workloads present ${td}`,
    );
    objects.push({
      cluster: c,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: p.namespace,
      name: p.revision === 'default' ? 'istio' : `istio-${p.revision}`,
    });
    fixes.push(`add ${td} to meshConfig.trustDomainAliases on ${c}`);
  }
  return { objects, problems, fixes };
}

/**
 * MESH304. Two clusters whose workloads cannot complete mTLS (roots or trust domains, see
 * `trouble`) while the fleet's links, the clusters' config or observed traffic say calls go
 * between them: every such call fails the handshake (Istio docs, "Plug in CA Certificates"
 * and the multicluster install's shared-root prerequisite; trust domain aliases: "Trust
 * domain migration").
 */
function untrustedPeers(ctx: AnalysisContext): FindingDraft[] {
  const topo = ctx.topology;
  const pairs = troubledPairs(topo);
  if (pairs.size === 0) return [];
  const book = new EvidenceBook(pairs);
  fromLinks(ctx, book);
  fromConfig(ctx, book);
  fromTraffic(ctx, book);

  const drafts: FindingDraft[] = [];
  for (const [key, t] of [...pairs].sort(([x], [y]) => compareStrings(x, y))) {
    const evidence = book.of(key);
    if (evidence.length === 0) continue;
    const { objects, problems, fixes } = trustObjects(topo, t);
    const texts = sortedUnique(evidence.map(e => e.text));
    const fix = fixes.join('; and ');
    drafts.push({
      message: `Clusters ${t.a} and ${
        t.b
      } cannot complete mTLS with each other: ${problems.join(
        '; ',
      )}. Yet calls go between them: ${listed(
        texts,
        4,
      )}. Each of those calls fails the TLS handshake (connection reset, 503 UF).`,
      fix: `${fix.charAt(0).toUpperCase()}${fix.slice(1)}.`,
      objects,
      services: sortedUnique(evidence.flatMap(e => e.services)).slice(0, 20),
      clusters: [t.a, t.b],
    });
  }
  return drafts;
}

export const untrustedClusterPair: Check = {
  code: 'MESH304',
  severity: 'error',
  title:
    "Clusters that call each other do not trust each other's roots or trust domains",
  run: untrustedPeers,
};
