import {
  Findings,
  isDns1123Label,
  isIpAddress,
  protocolIs,
  record,
  records,
  strings,
  validateFqdn,
  validateLabels,
  validatePort,
  validateProtocol,
  validateWildcardDomain,
} from './rules';

/** `ValidatePortName`. */
const portName = (name: string) =>
  isDns1123Label(name) ? undefined : `invalid port name: ${name}`;

/**
 * `ValidateServiceEntry` (pkg/config/validation/validation.go). `autoAllocated` says whether
 * istiod allocates addresses for it (`serviceentry.ShouldV2AutoAllocateIPFromConfig`); the
 * compiler never relies on it, so TCP ports without addresses keep Istio's warning.
 */
export function validateServiceEntry(spec: Record<string, unknown>): Findings {
  const f = new Findings();
  const hosts = strings(spec.hosts);
  const addresses = strings(spec.addresses);
  const endpoints = records(spec.endpoints);
  const selector = record(spec.workloadSelector);
  const resolution = String(spec.resolution ?? 'NONE');
  // ValidateAlphaWorkloadSelector
  for (const [k, v] of Object.entries(record(selector?.labels) ?? {})) {
    if (k === '')
      f.err(`empty key is not supported in selector: "${k}=${String(v)}"`);
    if (k.includes('*') || String(v).includes('*'))
      f.err(`wildcard is not supported in selector: "${k}=${String(v)}"`);
  }
  if (selector && Object.keys(record(selector.labels) ?? {}).length === 0)
    f.warn(
      'service entry: workload selector specified without labels, will be applied to all services in namespace',
    );
  if (selector && spec.endpoints !== undefined)
    f.err(
      'only one of WorkloadSelector or Endpoints is allowed in Service Entry',
    );
  if (hosts.length === 0) f.err('service entry must have at least one host');
  for (const h of hosts) {
    if (h === '*') f.err(`invalid host ${h}`);
    else f.err(validateWildcardDomain(h));
  }
  const cidr = addresses.some(a => a.includes('/'));
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC')
    f.err('CIDR addresses are allowed only for NONE/STATIC resolution types');

  const ports = records(spec.ports);
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const p of ports) {
    const name = String(p.name ?? '');
    if (names.has(name))
      f.err(`service entry port name "${name}" already defined`);
    names.add(name);
    if (numbers.has(Number(p.number)))
      f.err(`service entry port ${String(p.number)} already defined`);
    numbers.add(Number(p.number));
    if (p.targetPort !== undefined && p.targetPort !== 0)
      f.err(validatePort(p.targetPort));
    if (
      addresses.length === 0 &&
      (p.protocol === undefined || p.protocol === '' || p.protocol === 'TCP')
    )
      f.warn(
        'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled',
      );
    f.err(portName(name));
    f.err(validateProtocol(p.protocol));
    f.err(validatePort(p.number));
  }

  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0)
        f.err('no endpoints should be provided for resolution type none');
      if (selector)
        f.warn(
          'workloadSelector should not be set when resolution mode is NONE',
        );
      break;
    case 'STATIC':
      // validateWorkloadEntry(endpoint, servicePorts, allowFQDNAddresses = false)
      for (const e of endpoints) {
        const address = String(e.address ?? '');
        if (address === '' && !e.network) f.err('address is required');
        else if (
          address !== '' &&
          !address.startsWith('unix://') &&
          !isIpAddress(address)
        )
          f.err(`endpoint address "${address}" is not a valid IP address`);
        endpointPorts(e, names, f);
        validateLabels(e.labels).forEach(x => f.err(x));
      }
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        const bad = hosts.map(validateFqdn).find(x => x);
        if (bad)
          f.err(
            `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${bad}`,
          );
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1)
        f.err(
          `there must only be 0 or 1 endpoint for resolution mode ${resolution}`,
        );
      for (const e of endpoints) {
        const address = String(e.address ?? '');
        if (!isIpAddress(address) && validateFqdn(address))
          f.err(
            `endpoint address "${address}" is not a valid FQDN or an IP address`,
          );
        validateLabels(e.labels).forEach(x => f.err(x));
        endpointPorts(e, names, f);
      }
      break;
    case 'DYNAMIC_DNS':
      break;
    default:
      f.err(`unsupported resolution type ${resolution}`);
  }

  // Several hosts on a plain TCP port cannot be told apart (no Host header, no SNI).
  if (
    resolution !== 'NONE' &&
    hosts.length > 1 &&
    ports.some(
      p =>
        !protocolIs(
          p.protocol,
          'http',
          'http2',
          'grpc',
          'grpc-web',
          'https',
          'tls',
        ),
    )
  )
    f.err('multiple hosts provided with non-HTTP, non-TLS ports');
  return f;
}

function endpointPorts(
  e: Record<string, unknown>,
  names: Set<string>,
  f: Findings,
) {
  for (const [name, port] of Object.entries(record(e.ports) ?? {})) {
    if (!names.has(name))
      f.err(
        `endpoint port ${String(port)} is not defined by the service entry`,
      );
    f.err(portName(name));
    f.err(validatePort(port));
  }
}
