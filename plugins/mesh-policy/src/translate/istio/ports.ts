import type { ServicePort } from '@meshport/backstage-plugin-mesh-common';

/**
 * Istio's protocol for a Kubernetes service port, by its `appProtocol` or the `<protocol>-`
 * name prefix (Istio's own protocol selection rules); TCP when neither says.
 */
export function istioProtocol(port: ServicePort): string {
  const hint = (
    port.appProtocol ??
    port.name?.split('-')[0] ??
    ''
  ).toLowerCase();
  const known: Record<string, string> = {
    http: 'HTTP',
    http2: 'HTTP2',
    grpc: 'GRPC',
    'grpc-web': 'GRPC-Web',
    https: 'HTTPS',
    tls: 'TLS',
    tcp: 'TCP',
    mongo: 'Mongo',
    redis: 'Redis',
    mysql: 'MySQL',
  };
  return known[hint] ?? 'TCP';
}

export function portName(port: ServicePort): string {
  return port.name ?? `${istioProtocol(port).toLowerCase()}-${port.port}`;
}

/** ServiceEntry ports for the service ports in scope (one when the policy names a port). */
export function serviceEntryPorts(
  ports: ServicePort[],
  only?: number,
  withTargetPort = false,
) {
  return ports
    .filter(p => only === undefined || p.port === only)
    .sort((a, b) => a.port - b.port)
    .map(p => ({
      name: portName(p),
      number: p.port,
      protocol: istioProtocol(p),
      ...(withTargetPort && typeof p.targetPort === 'number'
        ? { targetPort: p.targetPort }
        : {}),
    }));
}
