import {
  Findings,
  isDns1123Label,
  isIpAddress,
  protocolIs,
  record,
  records,
  strings,
  validatePort,
  validateProtocol,
  validateWildcardDomain,
} from './rules';

/** `ValidateGateway` (pkg/config/validation/validation.go). */
export function validateGateway(
  name: string,
  spec: Record<string, unknown>,
): Findings {
  const f = new Findings();
  if (!isDns1123Label(name)) f.err(`invalid gateway name: "${name}"`);
  const servers = records(spec.servers);
  if (servers.length === 0) f.err('gateway must have at least one server');
  const portNames = new Set<string>();
  for (const s of servers) {
    validateServer(s, f);
    const port = record(s.port);
    if (port) {
      const n = String(port.name ?? '');
      if (portNames.has(n))
        f.err(`port names in servers must be unique: duplicate name ${n}`);
      portNames.add(n);
    }
  }
  return f;
}

/** `validateServer` with `validateServerPort`. */
function validateServer(s: Record<string, unknown>, f: Findings) {
  const hosts = strings(s.hosts);
  if (hosts.length === 0) f.err('server config must contain at least one host');
  for (const h of hosts) validateGatewayHost(h, f);
  const port = record(s.port);
  if (!port) {
    f.err('port is required');
    return;
  }
  const before = f.list.length;
  if (
    typeof port.protocol !== 'string' ||
    port.protocol === '' ||
    validateProtocol(port.protocol)
  )
    f.err(
      `invalid protocol "${String(
        port.protocol,
      )}", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`,
    );
  f.err(validatePort(port.number));
  if (port.targetPort !== undefined && Number(port.targetPort) > 0)
    f.err('targetPort has no impact on Gateways');
  if (!port.name) f.err(`port name must be set: ${JSON.stringify(port)}`);
  if (f.list.length > before) return;
  const tls = protocolIs(port.protocol, 'https', 'tls');
  if (tls && !s.tls)
    f.err('server must have TLS settings for HTTPS/TLS protocols');
  else if (!tls && s.tls) {
    if (!protocolIs(port.protocol, 'http', 'http2', 'grpc', 'grpc-web'))
      f.err('server cannot have TLS settings for non HTTPS/TLS ports');
  }
}

/** `agent.ValidateNamespaceSlashWildcardHostname(hostname, isGateway = true)`. */
function validateGatewayHost(hostname: string, f: Findings) {
  const slash = hostname.indexOf('/');
  let dnsName = hostname;
  if (slash >= 0) {
    const ns = hostname.slice(0, slash);
    dnsName = hostname.slice(slash + 1);
    if (ns === '' || dnsName === '')
      f.err('config namespace and dnsName in host entry cannot be empty');
    if (ns !== '*' && ns !== '.' && !isDns1123Label(ns))
      f.err(`invalid namespace value "${ns}" in gateway`);
  }
  // validateSidecarOrGatewayHostnamePart
  if (dnsName !== '*' && !dnsName.includes('.'))
    f.err('short names (non FQDN) are not allowed');
  const e = validateWildcardDomain(dnsName);
  if (e && !isIpAddress(dnsName)) f.err(e);
  // agent.ValidatePartialWildCard
  if (
    dnsName.includes('*') &&
    dnsName.length !== 1 &&
    !dnsName.startsWith('*.')
  )
    f.err(`partial wildcard "${dnsName}" not allowed`);
}
