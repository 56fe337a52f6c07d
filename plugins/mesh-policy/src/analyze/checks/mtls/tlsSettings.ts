import type {
  DestinationRuleView,
  Spec,
  Subset,
} from '../../../verify/clusterConfig';
import { asArray, specOf } from './lookups';

/** The client TLS settings a sidecar applies to one upstream cluster, and where they were written. */
export interface EffectiveTls {
  /** `DISABLE`, `SIMPLE`, `MUTUAL`, `ISTIO_MUTUAL`; undefined: none set, Istio's auto mTLS decides. */
  mode?: string;
  /** The field that set it, as a user finds it in the YAML, e.g. `trafficPolicy.portLevelSettings[port 9080].tls`. */
  field?: string;
  tls?: Spec;
}

/**
 * A traffic policy's settings for one port: a `portLevelSettings` entry for the port replaces
 * the policy's own settings wholesale — a port entry without `tls` means no TLS settings, not
 * the policy's (pilot/pkg/networking/util `GetPortLevelTrafficPolicy` / `MergeSubsetTrafficPolicy`:
 * "Traffic settings specified at the destination-level will not be inherited when overridden
 * by port-level settings"). Ports are selected by number.
 */
function forPort(
  policy: Spec | undefined,
  port: number,
  prefix: string,
): { tls?: Spec; field: string; portLevel: boolean } {
  const entry = asArray<Spec>(policy?.portLevelSettings).find(
    p => specOf(p.port)?.number === port,
  );
  if (entry)
    return {
      tls: specOf(entry.tls),
      field: `${prefix}.portLevelSettings[port ${port}].tls`,
      portLevel: true,
    };
  return { tls: specOf(policy?.tls), field: `${prefix}.tls`, portLevel: false };
}

function effective(found: { tls?: Spec; field: string }): EffectiveTls {
  const mode = found.tls?.mode;
  return typeof mode === 'string'
    ? { mode, field: found.field, tls: found.tls }
    : {};
}

/**
 * The TLS settings of the upstream cluster a sidecar builds for `port` of the DestinationRule's
 * host, or for one of its subsets: the rule's (port-level first), overridden by the subset's
 * own when the subset sets `tls` or has an entry for the port (MergeSubsetTrafficPolicy).
 */
export function effectiveTls(
  rule: DestinationRuleView,
  port: number,
  subset?: Subset,
): EffectiveTls {
  const base = forPort(specOf(rule.trafficPolicy), port, 'trafficPolicy');
  if (!subset) return effective(base);
  const own = forPort(
    specOf(subset.trafficPolicy),
    port,
    `subsets[${subset.name}].trafficPolicy`,
  );
  return effective(own.portLevel || own.tls ? own : base);
}

/**
 * Whether a DestinationRule spec writes, anywhere (rule, port or subset level), a TLS mode
 * `wanted` accepts: a cheap test before any lookup, allocating nothing.
 */
export function writesMode(
  spec: Spec,
  wanted: (mode: string) => boolean,
): boolean {
  const inPolicy = (policy: Spec | undefined): boolean => {
    if (!policy) return false;
    const mode = specOf(policy.tls)?.mode;
    if (typeof mode === 'string' && wanted(mode)) return true;
    const ports = policy.portLevelSettings;
    if (!Array.isArray(ports)) return false;
    for (const p of ports) {
      const m = specOf(specOf(p)?.tls)?.mode;
      if (typeof m === 'string' && wanted(m)) return true;
    }
    return false;
  };
  if (inPolicy(specOf(spec.trafficPolicy))) return true;
  const subsets = spec.subsets;
  if (!Array.isArray(subsets)) return false;
  for (const s of subsets)
    if (inPolicy(specOf(specOf(s)?.trafficPolicy))) return true;
  return false;
}

/**
 * Where Istio mounts a workload's own certificate for a DestinationRule that names it by
 * file: the legacy `/etc/certs/` secret mount and the file-mounted workload certificates
 * (`/var/run/secrets/workload-spiffe-credentials/`, `/etc/istio-output-certs/`). A MUTUAL
 * setting that presents one of them presents the workload's Istio identity, as ISTIO_MUTUAL
 * would.
 */
const ISTIO_CERT_PATHS = [
  '/etc/certs/',
  '/var/run/secrets/workload-spiffe-credentials/',
  '/etc/istio-output-certs/',
];

/**
 * Whether the settings make the sidecar send something a STRICT Istio sidecar refuses:
 * plaintext (DISABLE), TLS without a client certificate (SIMPLE), or a client certificate
 * that is not the workload's Istio one (MUTUAL with other files or a credentialName) — the
 * server validates the peer against the mesh's root (istio-ca-root-cert).
 */
export function refusedByStrict(tls: EffectiveTls): boolean {
  if (tls.mode === 'DISABLE' || tls.mode === 'SIMPLE') return true;
  if (tls.mode !== 'MUTUAL') return false;
  const cert = tls.tls?.clientCertificate;
  return !(
    typeof cert === 'string' && ISTIO_CERT_PATHS.some(p => cert.startsWith(p))
  );
}

/** How a message says what the settings send. */
export function describeTls(tls: EffectiveTls): string {
  if (tls.mode === 'DISABLE') return 'plaintext (tls.mode DISABLE)';
  if (tls.mode === 'SIMPLE')
    return 'TLS without a client certificate (tls.mode SIMPLE)';
  if (tls.mode === 'MUTUAL') {
    const cert = tls.tls?.clientCertificate ?? tls.tls?.credentialName;
    return `TLS with a certificate that is not the workload's Istio one (tls.mode MUTUAL${
      typeof cert === 'string' ? `, ${cert}` : ''
    })`;
  }
  return `tls.mode ${tls.mode}`;
}
