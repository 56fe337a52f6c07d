import { asArray, fqdn, ROOT_NAMESPACE, Spec } from './clusterConfig';
import type { ClusterObject } from './types';
import type { PolicyVerification } from './verifyPolicies';

/**
 * What the verifier reads of one object, so that a compile memo can tell whether a kept
 * verification still holds: routing objects are read per host (VirtualService,
 * DestinationRule, ServiceEntry; of an AUTO_PASSTHROUGH Gateway only whether it lists a host),
 * authorization and anything else per namespace, and the root namespace by everyone.
 */
export interface ObjectReads {
  /** Hosts whose routing the object's content decides. */
  hosts: string[];
  /** Hosts an AUTO_PASSTHROUGH Gateway lists: only their presence changes an answer. */
  passthrough: string[];
  /** The namespace whose authorization the object is part of. */
  namespace?: string;
  /** Read by every verification: a wildcard host, or an object in the root namespace. */
  everyone: boolean;
}

export function objectReads(o: ClusterObject): ObjectReads {
  const reads: ObjectReads = { hosts: [], passthrough: [], everyone: false };
  if (o.kind === 'Gateway') {
    reads.passthrough = passthroughHosts(o);
  } else if (
    o.kind === 'VirtualService' ||
    o.kind === 'DestinationRule' ||
    o.kind === 'ServiceEntry'
  ) {
    reads.hosts = routingHosts(o);
  } else {
    reads.namespace = o.metadata.namespace ?? 'default';
    reads.everyone = reads.namespace === ROOT_NAMESPACE;
  }
  if ([...reads.hosts, ...reads.passthrough].some(h => h.includes('*')))
    reads.everyone = true;
  return reads;
}

function routingHosts(o: ClusterObject): string[] {
  const spec = (o.spec ?? {}) as Spec;
  const ns = o.metadata.namespace ?? 'default';
  if (o.kind === 'DestinationRule') return [fqdn(String(spec.host ?? ''), ns)];
  if (o.kind === 'VirtualService')
    return asArray<string>(spec.hosts).map(h => fqdn(h, ns));
  return asArray<string>(spec.hosts);
}

function passthroughHosts(o: ClusterObject): string[] {
  const out = new Set<string>();
  for (const s of asArray<Spec>((o.spec as Spec | undefined)?.servers)) {
    if ((s.tls as Spec | undefined)?.mode !== 'AUTO_PASSTHROUGH') continue;
    for (const h of asArray<string>(s.hosts))
      out.add(h.includes('/') ? h.split('/')[1] : h);
  }
  return [...out];
}

/** The hosts a policy's verification read: each traced request's and each leg's. */
export function hostsRead(v?: PolicyVerification): string[] {
  const out = new Set<string>();
  for (const { trace } of v?.traces ?? []) {
    out.add(trace.request.host);
    for (const leg of trace.legs) out.add(leg.host);
  }
  return [...out];
}
