import { legFails } from './legFailure';
import type { Leg, Trace } from './types';

function percent(n: number): string {
  const rounded = Math.round(n * 100) / 100;
  return `${rounded} %`;
}

/** What answers a leg: the endpoints' common `version`, else the subset name, else every endpoint. */
function target(leg: Leg): string {
  const versions = [...new Set(leg.endpointLabels.map(l => l.version))];
  let what = leg.subset ?? 'all';
  if (versions.length === 1 && versions[0]) what = versions[0];
  return `${what}@${leg.cluster ?? '?'}`;
}

function how(leg: Leg): string {
  if (leg.travel === 'east-west-gateway' && leg.gateway)
    return `east-west gw ${leg.gateway.address}, SNI ${leg.gateway.sni}`;
  return leg.travel ?? 'unrouted';
}

/** One leg in a line's worth: `75 % v3@cluster-2 (east-west gw …, SNI …)`. */
export function describeLeg(leg: Leg): string {
  return `${percent(leg.share)} ${target(leg)} (${how(leg)})`;
}

/** The chain, one leg per line, as `meshport-policy trace` prints it. */
export function formatTrace(trace: Trace): string[] {
  const r = trace.request;
  const lines = [
    `${r.from.cluster}/${r.from.namespace}/${r.from.serviceAccount ?? '-'} → ${
      r.host
    }:${r.port} ${r.method ?? 'GET'} ${r.path ?? '/'}`,
  ];
  if (trace.route?.virtualService)
    lines.push(
      `route: VirtualService ${trace.route.virtualService}, http[${
        trace.route.index ?? '-'
      }]${trace.route.route ? ` "${trace.route.route}"` : ''}${
        trace.route.timeout ? `, timeout ${trace.route.timeout}` : ''
      }`,
    );
  else if (!trace.failure)
    lines.push('route: no VirtualService, the default route');
  if (trace.failure) lines.push(`FAIL ${trace.failure}`);
  for (const leg of trace.legs) {
    const parts = [describeLeg(leg), `${leg.readyEndpoints} ready`];
    if (leg.subset) parts.push(`subset ${leg.subset}`);
    if (leg.tls)
      parts.push(`tls ${leg.tls.mode}${leg.tls.mtls ? ' (mTLS)' : ''}`);
    if (leg.authz) parts.push(`${leg.authz.enforcer}: ${leg.authz.decision}`);
    if (leg.failure) parts.push(leg.failure);
    lines.push(`${leg.failure ? 'FAIL' : 'ok  '} ${parts.join(' · ')}`);
  }
  for (const n of trace.notes) lines.push(`note: ${n}`);
  return lines;
}

/**
 * The verified split per source cluster, for a pull request body, e.g.
 * `cluster-1: 75 % v3@cluster-2 (east-west gw …, SNI …) · 15 % v1@cluster-1 (local) · …`.
 * A leg says FAILS exactly when it refuses the policy (`legFails`), so the body never shows a
 * failing leg in a policy that was accepted.
 */
export function formatVerifiedSplit(
  traces: { cluster: string; trace: Trace }[],
): string[] {
  return traces.map(({ cluster, trace }) => {
    if (trace.failure) return `${cluster}: fails: ${trace.failure}`;
    const legs = [...trace.legs].sort(
      (a, b) => b.share - a.share || a.destination - b.destination,
    );
    return `${cluster}: ${legs
      .map(l => `${describeLeg(l)}${legFails(l) ? ' FAILS' : ''}`)
      .join(' · ')}`;
  });
}

/**
 * For a pull request body: per verified TrafficPolicy or VirtualDestination, the split each
 * source cluster gets, e.g. `trafficpolicy.bookinfo.reviews-shift — cluster-1: 75 % v3@…`.
 */
export function summarizeVerification(
  verification: {
    policy: string;
    status: string;
    traces: { cluster: string; trace: Trace }[];
  }[],
): string[] {
  return verification.flatMap(v =>
    formatVerifiedSplit(v.traces).map(
      line =>
        `${v.policy}${
          v.status === 'verified' ? '' : ` (${v.status})`
        } — ${line}`,
    ),
  );
}
