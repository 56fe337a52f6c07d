/**
 * The primitive checks of Istio's admission webhook, ported from istio/istio
 * `pkg/config/validation/validation.go`, `pkg/config/validation/agent/validation.go`,
 * `pkg/config/labels/instance.go`, `pkg/config/protocol/instance.go` and
 * `pkg/config/security/security.go`. Each returns Istio's message, or undefined when valid.
 */

/** A finding of the webhook: an error rejects the object, a warning is printed by kubectl. */
export interface Finding {
  message: string;
  warning?: boolean;
}

export const error = (message: string): Finding => ({ message });
export const warning = (message: string): Finding => ({
  message,
  warning: true,
});

/** Collects findings; `undefined` messages (a check that passed) are dropped. */
export class Findings {
  readonly list: Finding[] = [];
  err(message: string | undefined) {
    if (message !== undefined) this.list.push(error(message));
  }
  warn(message: string | undefined) {
    if (message !== undefined) this.list.push(warning(message));
  }
}

// labels/instance.go: dns1123LabelFmt, wildcardPrefix, qualifiedNameFmt, dnsNamePrefixFmt.
const DNS1123_LABEL = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL}$`);
const WILDCARD_PREFIX_RE = new RegExp(`^(\\*|(\\*|\\*-)?${DNS1123_LABEL})$`);
const QUALIFIED_NAME = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const TAG_RE = new RegExp(
  `^(${DNS1123_LABEL}(?:\\.${DNS1123_LABEL})*/)?(${QUALIFIED_NAME})$`,
);
const LABEL_VALUE_RE = new RegExp(`^(${QUALIFIED_NAME})?$`);

/** `labels.IsDNS1123Label`. */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL_RE.test(value);
}

/** `agent.ValidatePort`. */
export function validatePort(port: unknown): string | undefined {
  if (
    typeof port === 'number' &&
    Number.isInteger(port) &&
    port >= 1 &&
    port <= 65535
  )
    return undefined;
  return `port number ${String(port)} must be in the range 1..65535`;
}

/** `agent.CheckDNS1123Preconditions`. */
function dns1123Preconditions(name: string): string | undefined {
  if (name.length > 255)
    return `domain name ${JSON.stringify(name)} too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

/** `agent.ValidateDNS1123Labels`. */
function validateDns1123Labels(domain: string): string | undefined {
  const parts = domain.split('.');
  const top = parts[parts.length - 1];
  if (/^[+-]?\d+$/.test(top))
    return `domain name ${JSON.stringify(
      domain,
    )} invalid (top level domain ${JSON.stringify(top)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isDns1123Label(parts[i]))
      return `domain name ${JSON.stringify(
        domain,
      )} invalid (label ${JSON.stringify(parts[i])} invalid)`;
  }
  return undefined;
}

/** `agent.ValidateFQDN`. */
export function validateFqdn(fqdn: string): string | undefined {
  return dns1123Preconditions(fqdn) ?? validateDns1123Labels(fqdn);
}

/** `agent.ValidateWildcardDomain`: a wildcard is allowed in the first label only. */
export function validateWildcardDomain(domain: string): string | undefined {
  const pre = dns1123Preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!(first.length <= 63 && WILDCARD_PREFIX_RE.test(first)))
    return `domain name ${JSON.stringify(
      domain,
    )} invalid (label ${JSON.stringify(first)} invalid)`;
  return dot < 0 ? undefined : validateDns1123Labels(domain.slice(dot + 1));
}

/** `netutil.IsValidIPAddress`, for the IPv4 and plain IPv6 forms rendered objects hold. */
export function isIpAddress(value: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4) return v4.slice(1).every(o => Number(o) <= 255 && !/^0\d/.test(o));
  return (
    /^[0-9a-fA-F:]+$/.test(value) &&
    value.includes(':') &&
    value.split('::').length <= 2
  );
}

/** `labels.Instance.Validate`: keys are Kubernetes label names, values label values. */
export function validateLabels(labels: unknown): string[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object') return ['labels must be a map'];
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    const m = TAG_RE.exec(k);
    if (!m || (m[1] && m[1].length - 1 > 253) || m[2].length > 63)
      out.push(`invalid tag key: ${JSON.stringify(k)}`);
    if (typeof v !== 'string' || !LABEL_VALUE_RE.test(v) || v.length > 63)
      out.push(`invalid tag value: ${JSON.stringify(v)}`);
  }
  return out;
}

/**
 * `agent.ValidateDuration`: at least 1ms, to millisecond precision. Rendered durations are
 * the protobuf JSON form or Go's (`250ms`, `5s`, `1.5s`, `1m`, `1h`).
 */
export function validateDuration(value: unknown): string | undefined {
  const m =
    typeof value === 'string'
      ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value)
      : null;
  if (!m) return `invalid duration ${JSON.stringify(value)}`;
  const scale: Record<string, number> = { ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };
  const nanos = Math.round(Number(m[1]) * scale[m[2]]);
  if (nanos < 1e6) return 'duration must be greater than 1ms';
  if (nanos % 1e6 !== 0) return 'only durations to ms precision are supported';
  return undefined;
}

/**
 * Protocols Istio reads from a Service port name or `protocol` field, lower case
 * (pkg/config/protocol/instance.go `Parse`); anything else parses as Unsupported.
 */
export const ISTIO_PROTOCOLS: ReadonlySet<string> = new Set([
  'tcp',
  'udp',
  'grpc',
  'grpc-web',
  'http',
  'http_proxy',
  'http2',
  'https',
  'tls',
  'mongo',
  'redis',
  'mysql',
]);

/** `protocol.Parse` does not return Unsupported (`ValidateProtocol`, validation.go). */
export function validateProtocol(protocol: unknown): string | undefined {
  if (protocol === undefined || protocol === '') return undefined;
  if (
    typeof protocol === 'string' &&
    ISTIO_PROTOCOLS.has(protocol.toLowerCase())
  )
    return undefined;
  return `unsupported protocol: ${String(protocol)}`;
}

export function protocolIs(protocol: unknown, ...kinds: string[]): boolean {
  return typeof protocol === 'string' && kinds.includes(protocol.toLowerCase());
}

// validation.go: tchars and validHeaderNameRegex (RFC 7230 token).
const HEADER_NAME_RE = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = [':method', ':scheme', ':authority', ':path', ':status'];

/** `ValidateHTTPHeaderNameOrJwtClaimRoute` (JWT claim routes are never rendered). */
export function validateMatchHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (PSEUDO_HEADERS.includes(name)) return undefined;
  if (!HEADER_NAME_RE.test(name))
    return `header name ${name} is not a valid header name`;
  return undefined;
}

/** `ValidateCORSHTTPHeaderName`. */
export function validateCorsHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name === '*') return undefined;
  if (!HEADER_NAME_RE.test(name))
    return `header name ${name} is not a valid header name`;
  return undefined;
}

const isInternalHeader = (name: string) =>
  name.startsWith(':') || name.toLowerCase() === 'host';
const isAuthorityHeader = (name: string) =>
  name.toLowerCase() === ':authority' || name.toLowerCase() === 'host';

/** `ValidateHTTPHeaderWithAuthorityOperationName`: request add/set. */
export function validateRequestSetHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isInternalHeader(name) && !isAuthorityHeader(name))
    return `invalid header ${JSON.stringify(
      name,
    )}: header cannot have ":" prefix`;
  return undefined;
}

/** `ValidateHTTPHeaderOperationName`: request remove, response add/set/remove. */
export function validateHeaderOperationName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() === 'host')
    return `invalid header ${JSON.stringify(name)}: cannot set Host header`;
  if (isInternalHeader(name))
    return `invalid header ${JSON.stringify(
      name,
    )}: header cannot have ":" prefix`;
  return undefined;
}

/**
 * `ValidateHTTPHeaderValue`: no control characters but tab, and every unescaped `%` opens an
 * Envoy `%VARIABLE%` that must be closed (`validateHeaderValue`,
 * pkg/config/validation/header_value_validator.go; the `%VAR(args)%` form is checked up to
 * its closing `)%` only).
 */
export function validateHeaderValue(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000A-\u001F\u007F]/.test(value))
    return `header value configuration ${value} is invalid`;
  let inVariable = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (!inVariable) {
      if (ch !== '%') continue;
      if (i + 1 >= value.length)
        return 'header value configuration: invalid header configuration. Un-escaped %';
      if (value[i + 1] === '%') i++;
      else inVariable = true;
    } else if (ch === '%') {
      inVariable = false;
    } else if (ch === '(') {
      const end = value.indexOf(')', i);
      if (end < 0) break;
      i = end;
    }
  }
  if (inVariable)
    return `header value configuration: invalid header configuration. Un-terminated variable expression '${value}'`;
  return undefined;
}

/** `validateStringMatch`: a prefix match must not be empty. */
export function validateStringMatch(
  sm: unknown,
  where: string,
): string | undefined {
  if (
    sm &&
    typeof sm === 'object' &&
    'prefix' in sm &&
    (sm as { prefix: unknown }).prefix === ''
  )
    return `${JSON.stringify(where)}: prefix string match should not be empty`;
  return undefined;
}

/** `validatePercentage`: 0, or 0.0001..100. */
export function validatePercentage(p: unknown): string | undefined {
  if (p === undefined) return undefined;
  const v = (p as { value?: unknown })?.value ?? 0;
  if (typeof v !== 'number' || v < 0 || v > 100 || (v > 0 && v < 0.0001))
    return `percentage ${String(
      v,
    )} is neither 0.0, nor in range [0.0001, 100.0]`;
  return undefined;
}

/** `ValidatePercent`: a whole percent. */
export function validatePercent(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || v < 0 || v > 100)
    return `percentage ${String(v)} is not in range 0..100`;
  return undefined;
}

/** The `list` items that are present, as records, for defensive walking of a spec. */
export function records(list: unknown): Record<string, unknown>[] {
  return Array.isArray(list)
    ? list.filter(
        (x): x is Record<string, unknown> => !!x && typeof x === 'object',
      )
    : [];
}

export function strings(list: unknown): string[] {
  return Array.isArray(list)
    ? list.map(x => (typeof x === 'string' ? x : String(x)))
    : [];
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
