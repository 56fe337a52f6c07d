import { asArray, fqdn, ROOT_NAMESPACE, Spec } from './clusterConfig';
import type { ClusterObject } from './types';
import type { PolicyVerification } from './verifyPolicies';

/**
 * What the verifier reads, so that a long-lived renderer can tell which verifications an edit
 * may change. Routing objects are read per host (VirtualService, DestinationRule,
 * ServiceEntry, the hosts an AUTO_PASSTHROUGH Gateway lists); authorization per namespace.
 */
export class Changes {
  readonly hosts = new Set<string>();
  readonly namespaces = new Set<string>();
  everything = false;

  /** Records that `before` became `after` (either may be absent: added, removed). */
  record(before?: ClusterObject, after?: ClusterObject) {
    const kind = (after ?? before)?.kind;
    if (kind === 'Gateway') {
      // Only a host entering or leaving the passthrough list changes an answer.
      const was = passthroughHosts(before);
      const is = passthroughHosts(after);
      for (const h of was) if (!is.has(h)) this.host(h);
      for (const h of is) if (!was.has(h)) this.host(h);
      return;
    }
    const hosts = [...routingHosts(before), ...routingHosts(after)];
    if (
      kind === 'VirtualService' ||
      kind === 'DestinationRule' ||
      kind === 'ServiceEntry'
    ) {
      hosts.forEach(h => this.host(h));
      return;
    }
    // Authorization, and anything else: the whole namespace; the root namespace is everyone's.
    for (const o of [before, after]) {
      const ns = o?.metadata.namespace ?? 'default';
      if (!o) continue;
      if (ns === ROOT_NAMESPACE) this.everything = true;
      this.namespaces.add(ns);
    }
  }

  private host(h: string) {
    if (h.includes('*')) this.everything = true;
    this.hosts.add(h);
  }

  /** Whether a verification that read `hosts` for a destination in `namespace` may differ now. */
  affects(namespace: string, hosts: ReadonlySet<string>): boolean {
    if (this.everything || this.namespaces.has(namespace)) return true;
    for (const h of hosts) if (this.hosts.has(h)) return true;
    return false;
  }

  clear() {
    this.hosts.clear();
    this.namespaces.clear();
    this.everything = false;
  }
}

function routingHosts(o?: ClusterObject): string[] {
  if (!o) return [];
  const spec = (o.spec ?? {}) as Spec;
  const ns = o.metadata.namespace ?? 'default';
  if (o.kind === 'DestinationRule') return [fqdn(String(spec.host ?? ''), ns)];
  if (o.kind === 'VirtualService')
    return asArray<string>(spec.hosts).map(h => fqdn(h, ns));
  return asArray<string>(spec.hosts);
}

function passthroughHosts(o?: ClusterObject): Set<string> {
  const out = new Set<string>();
  for (const s of asArray<Spec>((o?.spec as Spec | undefined)?.servers)) {
    if ((s.tls as Spec | undefined)?.mode !== 'AUTO_PASSTHROUGH') continue;
    for (const h of asArray<string>(s.hosts))
      out.add(h.includes('/') ? h.split('/')[1] : h);
  }
  return out;
}

/** The hosts a policy's verification read: each traced request's and each leg's. */
export function hostsRead(v?: PolicyVerification): Set<string> {
  const out = new Set<string>();
  for (const { trace } of v?.traces ?? []) {
    out.add(trace.request.host);
    for (const leg of trace.legs) out.add(leg.host);
  }
  return out;
}
