import type { ControlPlane } from '@meshport/backstage-plugin-mesh-common';
import { Topology } from '../fleet/topology';
import type { MeshSettings } from './types';

/**
 * The trust domains a cluster's proxies accept a peer from: its own, `trustDomainAliases` and
 * `caCertificates[].trustDomains` (pilot/pkg/networking/plugin/authn/util.go
 * TrustDomainsForValidation, unless PILOT_SKIP_VALIDATE_TRUST_DOMAIN is set). A control plane
 * record may carry `trustDomainAliases` when discovery read the mesh config.
 */
export function acceptedTrustDomains(
  topo: Topology,
  cluster: string,
  settings?: MeshSettings,
): string[] {
  const plane = topo.controlPlane(cluster) as
    | (ControlPlane & { trustDomainAliases?: unknown })
    | undefined;
  const recorded = Array.isArray(plane?.trustDomainAliases)
    ? plane!.trustDomainAliases.filter(
        (x): x is string => typeof x === 'string',
      )
    : [];
  return [
    ...new Set([
      topo.trustDomain(cluster),
      ...recorded,
      ...(settings?.trustDomainAliases ?? []),
      ...(settings?.caCertificateTrustDomains ?? []),
    ]),
  ];
}

export interface HandshakeResult {
  ok: boolean;
  reason?: string;
  note?: string;
}

/**
 * Whether an Istio mTLS handshake between a client workload in `client` and a server workload
 * in `server` completes:
 * - each side's certificate must chain to a root the other trusts (the `istio-ca-root-cert`
 *   bundle; mesh-common `mutuallyTrusted`);
 * - the server checks the client's SPIFFE trust domain against its accepted list (see
 *   acceptedTrustDomains);
 * - for a Kubernetes service the client checks the server's SAN against the service's
 *   service accounts, which istiod writes in its own trust domain and expands with the
 *   aliases (pkg/spiffe/spiffe.go ExpandWithTrustDomains; cluster_tls.go). ServiceEntry hosts
 *   without `subjectAltNames` are not SAN-checked.
 */
export function handshake(
  topo: Topology,
  settings: Record<string, MeshSettings> | undefined,
  client: string,
  server: string,
  checkServerSan: boolean,
): HandshakeResult {
  const roots = topo.mutuallyTrusted(client, server);
  if (roots === false) {
    return {
      ok: false,
      reason: `${client} and ${server} do not trust each other's root certificate: TLS handshake fails (add each root to the other's istio-ca-root-cert bundle)`,
    };
  }
  const clientTd = topo.trustDomain(client);
  const serverTd = topo.trustDomain(server);
  const serverAccepts = acceptedTrustDomains(topo, server, settings?.[server]);
  if (!serverAccepts.includes(clientTd)) {
    return {
      ok: false,
      reason: `${server} accepts peers from trust domain ${serverAccepts.join(
        ', ',
      )} only, the caller presents ${clientTd}: the handshake is rejected; add ${clientTd} to meshConfig.trustDomainAliases (or caCertificates[].trustDomains) on ${server}`,
    };
  }
  if (checkServerSan) {
    const clientAccepts = acceptedTrustDomains(
      topo,
      client,
      settings?.[client],
    );
    if (!clientAccepts.includes(serverTd)) {
      return {
        ok: false,
        reason: `the caller in ${client} expects the server's certificate in trust domain ${clientAccepts.join(
          ', ',
        )}, ${server} presents ${serverTd}: the SAN check fails; add ${serverTd} to meshConfig.trustDomainAliases on ${client}`,
      };
    }
  }
  return roots === undefined
    ? {
        ok: true,
        note: `root certificate of ${client} or ${server} unknown: handshake assumed to verify`,
      }
    : { ok: true };
}
