import { compareStrings } from '../diagnostics';
import type { ClusterObject } from './types';

/** Istio's root namespace: config there applies to every namespace. */
export const ROOT_NAMESPACE = 'istio-system';

export type Spec = Record<string, unknown>;

export interface Subset {
  name: string;
  labels: Record<string, string>;
  trafficPolicy?: Spec;
}

export interface DestinationRuleView {
  id: string;
  host: string;
  namespace: string;
  subsets: Subset[];
  trafficPolicy?: Spec;
}

/**
 * Expands a host as written in a VirtualService or DestinationRule: a short name is taken in
 * the object's own namespace (Istio's `ResolveShortnameToFQDN`, pilot/pkg/model/config.go).
 */
export function fqdn(host: string, namespace: string): string {
  if (host.includes('*')) return host;
  if (!host.includes('.')) return `${host}.${namespace}.svc.cluster.local`;
  return host;
}

/** Istio host matching: exact, or a `*.suffix` wildcard (pkg/config/host/name.go). */
function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

function spec(o: ClusterObject): Spec {
  return o.spec && typeof o.spec === 'object' ? o.spec : {};
}

function ns(o: ClusterObject): string {
  return o.metadata.namespace ?? 'default';
}

/** A list field as written, without holes: `null` entries in hand-written YAML are skipped. */
function asArray<T>(v: unknown): T[] {
  return Array.isArray(v)
    ? (v.filter(x => x !== null && x !== undefined) as T[])
    : [];
}

function stringRecord(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    if (typeof x === 'string') out[k] = x;
  return out;
}

/**
 * The mesh objects of one cluster, indexed the way istiod looks them up. Malformed objects
 * are skipped one by one: one bad object never hides the others.
 */
export class ClusterConfig {
  readonly objects: ClusterObject[];
  private readonly byKind = new Map<string, ClusterObject[]>();
  private readonly byHost = new Map<string, Map<string, ClusterObject[]>>();

  constructor(objects: ClusterObject[]) {
    this.objects = [...objects]
      .filter(o => o && typeof o.kind === 'string' && o.metadata?.name)
      .sort((a, b) =>
        compareStrings(
          `${a.kind}/${ns(a)}/${a.metadata.name}`,
          `${b.kind}/${ns(b)}/${b.metadata.name}`,
        ),
      );
  }

  private ids?: Set<string>;
  /** Answers already given, by question: a cluster's config does not change under a verifier. */
  private readonly answers = new Map<string, unknown>();

  private cached<T>(key: string, compute: () => T): T {
    if (this.answers.has(key)) return this.answers.get(key) as T;
    const value = compute();
    this.answers.set(key, value);
    return value;
  }

  /** Whether the cluster holds this object. */
  has(kind: string, namespace: string, name: string): boolean {
    this.ids ??= new Set(
      this.objects.map(o => `${o.kind}\u0000${ns(o)}\u0000${o.metadata.name}`),
    );
    return this.ids.has(`${kind}\u0000${namespace}\u0000${name}`);
  }

  ofKind(kind: string): ClusterObject[] {
    let list = this.byKind.get(kind);
    if (!list) {
      list = this.objects.filter(o => o.kind === kind);
      this.byKind.set(kind, list);
    }
    return list;
  }

  /**
   * Objects of a kind whose host field could cover `host`: indexed by exact host, with
   * wildcards kept aside, so a fleet of thousands of objects is not scanned per lookup.
   */
  private candidates(
    kind: string,
    hostsOf: (o: ClusterObject) => string[],
    host: string,
  ): ClusterObject[] {
    let index = this.byHost.get(kind);
    if (!index) {
      index = new Map();
      for (const o of this.ofKind(kind)) {
        for (const h of new Set(hostsOf(o))) {
          const key = h.includes('*') ? '*' : h;
          index.set(key, [...(index.get(key) ?? []), o]);
        }
      }
      this.byHost.set(kind, index);
    }
    const exact = index.get(host) ?? [];
    const wild = index.get('*') ?? [];
    return wild.length === 0 ? exact : [...new Set([...exact, ...wild])];
  }

  /**
   * VirtualServices whose hosts cover `host`. Istio merges several VirtualServices for one host
   * on gateways only (docs: Traffic management best practices, "Split large virtual services
   * and destination rules"); for sidecars callers report more than one.
   */
  virtualServices(host: string): { id: string; spec: Spec }[] {
    return this.cached(`vs\u0000${host}`, () => this.findVirtualServices(host));
  }

  private findVirtualServices(host: string): { id: string; spec: Spec }[] {
    return this.candidates(
      'VirtualService',
      o => asArray<string>(spec(o).hosts).map(h => fqdn(h, ns(o))),
      host,
    )
      .filter(o => {
        const s = spec(o);
        // Objects bound to gateways only do not apply to sidecars (`gateways` without `mesh`).
        const gateways = asArray<string>(s.gateways);
        if (gateways.length > 0 && !gateways.includes('mesh')) return false;
        return asArray<string>(s.hosts).some(h =>
          hostMatches(fqdn(h, ns(o)), host),
        );
      })
      .map(o => ({ id: `${ns(o)}/${o.metadata.name}`, spec: spec(o) }));
  }

  /**
   * The DestinationRule a proxy in `clientNamespace` uses for `host`: its own namespace first,
   * then the host's namespace, then the root namespace (pilot/pkg/model/push_context.go,
   * destinationRule lookup order). Istio merges same-host rules only across exportTo scopes.
   */
  destinationRule(
    host: string,
    clientNamespace: string,
  ): DestinationRuleView | undefined {
    return this.cached(`dr\u0000${host}\u0000${clientNamespace}`, () =>
      this.findDestinationRule(host, clientNamespace),
    );
  }

  private findDestinationRule(
    host: string,
    clientNamespace: string,
  ): DestinationRuleView | undefined {
    const rules = this.candidates(
      'DestinationRule',
      o => [fqdn(String(spec(o).host ?? ''), ns(o))],
      host,
    )
      .map(o => {
        const s = spec(o);
        return {
          id: `${ns(o)}/${o.metadata.name}`,
          host: fqdn(String(s.host ?? ''), ns(o)),
          namespace: ns(o),
          subsets: asArray<Record<string, unknown>>(s.subsets)
            .filter(x => typeof x?.name === 'string')
            .map(x => ({
              name: x.name as string,
              labels: stringRecord(x.labels),
              trafficPolicy: x.trafficPolicy as Spec | undefined,
            })),
          trafficPolicy: s.trafficPolicy as Spec | undefined,
        };
      })
      .filter(r => hostMatches(r.host, host));
    const hostNamespace = host.split('.')[1];
    // A proxy in the root namespace (an east-west gateway) skips its own namespace.
    const order =
      clientNamespace === ROOT_NAMESPACE
        ? [hostNamespace, ROOT_NAMESPACE]
        : [clientNamespace, hostNamespace, ROOT_NAMESPACE];
    for (const want of order) {
      const found = rules.find(r => r.namespace === want);
      if (found) return found;
    }
    return rules[0];
  }

  serviceEntries(
    host: string,
  ): { id: string; namespace: string; spec: Spec }[] {
    return this.cached(`se\u0000${host}`, () => this.findServiceEntries(host));
  }

  private findServiceEntries(
    host: string,
  ): { id: string; namespace: string; spec: Spec }[] {
    return this.candidates(
      'ServiceEntry',
      o => asArray<string>(spec(o).hosts),
      host,
    )
      .filter(o =>
        asArray<string>(spec(o).hosts).some(h => hostMatches(h, host)),
      )
      .map(o => ({
        id: `${ns(o)}/${o.metadata.name}`,
        namespace: ns(o),
        spec: spec(o),
      }));
  }

  /** Gateways with a TLS `AUTO_PASSTHROUGH` server covering `host` (pilot/pkg/networking/core/gateway.go). */
  passthroughGateways(host: string): ClusterObject[] {
    return this.cached(`gw\u0000${host}`, () => this.findPassthrough(host));
  }

  private findPassthrough(host: string): ClusterObject[] {
    return this.ofKind('Gateway').filter(o =>
      asArray<Record<string, unknown>>(spec(o).servers).some(
        s =>
          (s.tls as Spec | undefined)?.mode === 'AUTO_PASSTHROUGH' &&
          asArray<string>(s.hosts).some(h => {
            const bare = h.includes('/') ? h.split('/')[1] : h;
            return hostMatches(bare, host);
          }),
      ),
    );
  }

  private policies?: { id: string; namespace: string; spec: Spec }[];

  /** Istio AuthorizationPolicies of the cluster (not Linkerd's of the same kind name). */
  authorizationPolicies(): { id: string; namespace: string; spec: Spec }[] {
    this.policies ??= this.ofKind('AuthorizationPolicy')
      .filter(o => (o.apiVersion ?? 'security.istio.io').includes('istio.io'))
      .map(o => ({
        id: `${ns(o)}/${o.metadata.name}`,
        namespace: ns(o),
        spec: spec(o),
      }));
    return this.policies;
  }

  private policyIndex?: {
    ids: Set<string>;
    byNamespace: Map<string, { id: string; namespace: string; spec: Spec }[]>;
  };

  /** The AuthorizationPolicies that can select workloads of `namespace`: its own and the root's. */
  authorizationPoliciesFor(
    namespace: string,
  ): { id: string; namespace: string; spec: Spec }[] {
    const index = this.authorizationIndex();
    return [
      ...(index.byNamespace.get(namespace) ?? []),
      ...(namespace === ROOT_NAMESPACE
        ? []
        : index.byNamespace.get(ROOT_NAMESPACE) ?? []),
    ];
  }

  hasAuthorizationPolicy(id: string): boolean {
    return this.authorizationIndex().ids.has(id);
  }

  private authorizationIndex() {
    if (!this.policyIndex) {
      const byNamespace = new Map<
        string,
        { id: string; namespace: string; spec: Spec }[]
      >();
      for (const p of this.authorizationPolicies())
        byNamespace.set(p.namespace, [
          ...(byNamespace.get(p.namespace) ?? []),
          p,
        ]);
      this.policyIndex = {
        ids: new Set(this.authorizationPolicies().map(p => p.id)),
        byNamespace,
      };
    }
    return this.policyIndex;
  }
}

export { asArray, stringRecord };
