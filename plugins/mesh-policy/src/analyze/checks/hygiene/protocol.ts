import type { ServicePort } from '@meshport/backstage-plugin-mesh-common';
import { ISTIO_PROTOCOLS } from '../../../admission/rules';

/** Kubernetes' standard appProtocol names Istio maps (kube/conversion.go ConvertProtocol). */
const KUBERNETES_APP_PROTOCOLS = new Set([
  'kubernetes.io/h2c',
  'kubernetes.io/ws',
  'kubernetes.io/wss',
]);

/**
 * Ports Istio treats as TCP without a declared protocol, because sniffing would break the
 * server-first protocols usually on them: SMTP, DNS, MySQL, MongoDB (kube/conversion.go
 * wellKnownPorts).
 */
const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);

/**
 * Whether Istio can read the port's protocol, as `ConvertProtocol` (istio/istio
 * pkg/config/kube/conversion.go) does: UDP is UDP; otherwise `appProtocol` when set (and then
 * only it: a valid name does not save an unknown appProtocol), else the port name's prefix
 * before the first `-` (`grpc-web` as a whole); well-known ports count as TCP.
 */
export function declaredProtocol(port: ServicePort): string | undefined {
  if (String(port.protocol).toUpperCase() === 'UDP') return 'udp';
  const name =
    typeof port.appProtocol === 'string' && port.appProtocol !== ''
      ? port.appProtocol
      : port.name ?? '';
  const lower = name.toLowerCase();
  if (KUBERNETES_APP_PROTOCOLS.has(lower)) return lower;
  if (lower.startsWith('grpc-web')) return 'grpc-web';
  const prefix = lower.split('-')[0];
  if (ISTIO_PROTOCOLS.has(prefix)) return prefix;
  if (WELL_KNOWN_PORTS.has(port.port)) return 'tcp';
  return undefined;
}
