/**
 * How each data plane's receiving side reports the transport of what it accepted, turned into
 * mutual TLS, plaintext or "could not classify". One rule per reporter, each citing what the
 * proxy actually emits, so a figure can only be as reassuring as the report behind it.
 */
import type { MtlsTally } from '@meshport/backstage-plugin-mesh-common';

export type Transport = 'mutual' | 'plaintext' | 'unclassified';

/**
 * Istio's `connection_security_policy`, read only from a receiving reporter:
 *
 * - Envoy (sidecar `reporter="destination"`, and a waypoint's `reporter="waypoint"`) reports
 *   `mutual_tls` or `none`; a source report says `unknown`, as the caller cannot see how the
 *   callee accepted the connection (Istio standard metrics, label "Connection Security Policy").
 * - ztunnel never reports `none`: its `SecurityPolicy` is `unknown` or `mutual_tls`
 *   (istio/ztunnel `src/proxy/metrics.rs`), and it reports plaintext that arrived at an
 *   ambient pod from its inbound passthrough listener with `reporter="destination"` and
 *   `unknown` (`src/proxy/inbound_passthrough.rs`). A destination-reported `unknown` is
 *   therefore plaintext: Envoy destinations never emit it.
 *
 * Anything else (a missing label, a value no proxy emits) is left unclassified.
 */
export function classifyIstioPolicy(policy: string | undefined): Transport {
  if (policy === 'mutual_tls') return 'mutual';
  if (policy === 'none' || policy === 'unknown') return 'plaintext';
  return 'unclassified';
}

/** Reporters that accepted the connection, whose `connection_security_policy` means something. */
export const ISTIO_RECEIVING_REPORTERS = ['destination', 'waypoint'];

/**
 * Linkerd's inbound `tls` label (linkerd2-proxy `linkerd/app/core/src/transport/labels.rs`,
 * `TlsAccept`): `true` with the caller's `client_id` when the proxy terminated mutual TLS;
 * `disabled` when the proxy runs without identity, and `no_identity` (with a `no_tls_reason`)
 * when the caller sent no TLS — both plaintext; `opaque` for TLS the proxy passed through
 * without terminating it, and `true` with an empty `client_id` (TLS without a client
 * certificate), neither of which proves a mesh identity. Linkerd never emits `false`.
 */
export function classifyLinkerdTls(
  tls: string | undefined,
  clientId: string | undefined,
): Transport {
  if (tls === 'true') return clientId ? 'mutual' : 'unclassified';
  if (tls === 'disabled' || tls === 'no_identity') return 'plaintext';
  return 'unclassified';
}

/**
 * Linkerd's policy controller authorizes kubelet probes through a default authorization named
 * `probe` (linkerd2 `policy-controller/k8s/index`: `AuthorizationRef::Default("probe")`,
 * unauthenticated, from the probe networks), which the proxy reports as `authz_name`. Such
 * plaintext is by design and must not raise a warning.
 */
export function isLinkerdProbe(labels: Record<string, string>): boolean {
  return labels.authz_kind === 'default' && labels.authz_name === 'probe';
}

export function emptyTally(): MtlsTally {
  return {
    mutualPerSecond: 0,
    plaintextPerSecond: 0,
    unclassifiedPerSecond: 0,
  };
}

export function addToTally(
  tally: MtlsTally,
  transport: Transport,
  perSecond: number,
): void {
  if (transport === 'mutual') tally.mutualPerSecond += perSecond;
  else if (transport === 'plaintext') tally.plaintextPerSecond += perSecond;
  else tally.unclassifiedPerSecond += perSecond;
}

export function addTallies(a: MtlsTally, b: MtlsTally): MtlsTally {
  return {
    mutualPerSecond: a.mutualPerSecond + b.mutualPerSecond,
    plaintextPerSecond: a.plaintextPerSecond + b.plaintextPerSecond,
    unclassifiedPerSecond: a.unclassifiedPerSecond + b.unclassifiedPerSecond,
  };
}

/** Rounds away float noise (6 decimals) so JSON answers stay readable and stable. */
export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function roundTally(t: MtlsTally): MtlsTally {
  return {
    mutualPerSecond: round(t.mutualPerSecond),
    plaintextPerSecond: round(t.plaintextPerSecond),
    unclassifiedPerSecond: round(t.unclassifiedPerSecond),
  };
}

/** Mutual over mutual plus plaintext; null when nothing was classified. */
export function shareOf(t: MtlsTally | undefined): number | null {
  if (!t) return null;
  const classified = t.mutualPerSecond + t.plaintextPerSecond;
  return classified > 0 ? round(t.mutualPerSecond / classified) : null;
}

/** The lowest share of the bases that classified anything: plaintext on one is never hidden by the other. */
export function lowestShare(
  tallies: Array<MtlsTally | undefined>,
): number | null {
  const shares = tallies.map(shareOf).filter((s): s is number => s !== null);
  return shares.length > 0 ? Math.min(...shares) : null;
}
