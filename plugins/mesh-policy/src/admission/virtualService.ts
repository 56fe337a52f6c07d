import {
  Findings,
  isDns1123Label,
  isIpAddress,
  record,
  records,
  strings,
  validateCorsHeaderName,
  validateDuration,
  validateHeaderOperationName,
  validateHeaderValue,
  validateLabels,
  validateMatchHeaderName,
  validatePercentage,
  validatePort,
  validateRequestSetHeaderName,
  validateStringMatch,
  validateWildcardDomain,
} from './rules';

/** `supportedCORSMethods` (validation.go): Go's net/http methods and `*`. */
const CORS_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  '*',
];

/** `supportedRetryOnPolicies` (agent/validation.go), besides HTTP status codes. */
const RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
];

/** Go's `http.StatusText(i) != ""`: the registered status codes. */
const HTTP_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300,
  301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407,
  408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508,
  510, 511,
]);

/** `ValidateVirtualService` (pkg/config/validation/validation.go), for mesh-bound services. */
export function validateVirtualService(
  spec: Record<string, unknown>,
): Findings {
  const f = new Findings();
  const hosts = strings(spec.hosts);
  const gateways = strings(spec.gateways);
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  let allHostsValid = true;
  for (const h of hosts) {
    const e = validateWildcardDomain(h);
    if (e) {
      if (!isIpAddress(h)) {
        f.err(e);
        allHostsValid = false;
      }
    } else if (appliesToMesh && h === '*') {
      f.err(
        'wildcard host * is not allowed for virtual services bound to the mesh gateway',
      );
      allHostsValid = false;
    }
  }
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++)
      for (let j = i + 1; j < hosts.length; j++)
        if (hostMatches(hosts[i], hosts[j]))
          f.err(
            `duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`,
          );
  }
  const http = records(spec.http);
  if (
    http.length === 0 &&
    records(spec.tcp).length === 0 &&
    records(spec.tls).length === 0
  )
    f.err('http, tcp or tls must be provided in virtual service');
  for (const route of http) validateHttpRoute(route, f);
  return f;
}

/** `host.Name.Matches`, for the exact and `*.`-prefixed hosts a VirtualService can hold. */
function hostMatches(a: string, b: string): boolean {
  if (a === b) return true;
  const wild = (w: string, h: string) =>
    w.startsWith('*') && h.endsWith(w.slice(1));
  return wild(a, b) || wild(b, a);
}

/** `validateHTTPRoute` (pkg/config/validation/virtualservice.go). */
function validateHttpRoute(http: Record<string, unknown>, f: Findings) {
  // validateHTTPRouteConflict: a route needs a destination, a redirect or a direct response.
  const route = records(http.route);
  if (!http.redirect && !http.directResponse && route.length === 0)
    f.err('HTTP route, redirect or direct_response is required');
  if (http.mirror && records(http.mirrors).length > 0)
    f.err('HTTP route cannot contain both mirror and mirrors');

  // validateHTTPRouteMatchRequest
  for (const m of records(http.match)) {
    for (const [name, header] of Object.entries(record(m.headers) ?? {})) {
      if (header === null) f.err(`header match ${name} cannot be null`);
      f.err(validateMatchHeaderName(name));
      f.err(validateStringMatch(header, 'headers'));
    }
    f.err(validateStringMatch(m.method, 'method'));
    if (m.port !== undefined && m.port !== 0) f.err(validatePort(m.port));
    validateLabels(m.sourceLabels).forEach(e => f.err(e));
    if (
      typeof m.sourceNamespace === 'string' &&
      m.sourceNamespace !== '' &&
      !isDns1123Label(m.sourceNamespace)
    )
      f.err(`sourceNamespace match ${m.sourceNamespace} is invalid`);
  }

  validateHeaderOperations(record(http.headers), f);
  validateCors(record(http.corsPolicy), f);
  validateFault(record(http.fault), f);

  const mirrorPercentage = record(http.mirrorPercentage);
  if (mirrorPercentage) {
    const v = Number(mirrorPercentage.value ?? 0);
    if (v > 100)
      f.err(`mirror_percentage must have a max value of 100 (it has ${v})`);
    if (v < 0)
      f.err(`mirror_percentage must have a min value of 0 (it has ${v})`);
  }
  validateDestination(record(http.mirror), f);
  validateRetry(record(http.retries), f);

  // validateHTTPRouteDestinations
  let total = 0;
  for (const d of route) {
    if (!d.destination) f.err('destination is required');
    validateHeaderOperations(record(d.headers), f);
    validateDestination(record(d.destination), f);
    const weight = typeof d.weight === 'number' ? d.weight : 0;
    if (weight < 0) f.err(`weight ${weight} < 0`);
    total += weight;
  }
  if (route.length > 1 && total === 0) f.err('total destination weight = 0');
  if (http.timeout !== undefined) f.err(validateDuration(http.timeout));
}

function validateHeaderOperations(
  h: Record<string, unknown> | undefined,
  f: Findings,
) {
  if (!h) return;
  const request = record(h.request);
  const response = record(h.response);
  for (const op of ['add', 'set'] as const) {
    for (const [name, value] of Object.entries(record(request?.[op]) ?? {})) {
      f.err(validateRequestSetHeaderName(name));
      f.err(validateHeaderValue(String(value)));
    }
    for (const [name, value] of Object.entries(record(response?.[op]) ?? {})) {
      f.err(validateHeaderOperationName(name));
      f.err(validateHeaderValue(String(value)));
    }
  }
  for (const name of strings(request?.remove))
    f.err(validateHeaderOperationName(name));
  for (const name of strings(response?.remove))
    f.err(validateHeaderOperationName(name));
}

/** `validateCORSPolicy`. */
function validateCors(cors: Record<string, unknown> | undefined, f: Findings) {
  if (!cors) return;
  for (const origin of records(cors.allowOrigins)) {
    const match = origin.exact ?? origin.prefix ?? origin.regex;
    if (typeof match !== 'string' || match === '')
      f.err(
        `'${String(
          match ?? '',
        )}' is not a valid match type for CORS allow origins`,
      );
  }
  for (const m of strings(cors.allowMethods))
    if (!CORS_METHODS.includes(m))
      f.err(`"${m}" is not a supported HTTP method`);
  for (const h of [
    ...strings(cors.allowHeaders),
    ...strings(cors.exposeHeaders),
  ])
    f.err(validateCorsHeaderName(h));
  if (cors.maxAge !== undefined) {
    f.err(validateDuration(cors.maxAge));
    if (
      typeof cors.maxAge === 'string' &&
      /^\d+ms$/.test(cors.maxAge) &&
      Number(cors.maxAge.slice(0, -2)) % 1000 !== 0
    )
      f.err('max_age duration is accurate only to seconds precision');
  }
}

/** `validateHTTPFaultInjection` with its abort and delay checks. */
function validateFault(
  fault: Record<string, unknown> | undefined,
  f: Findings,
) {
  if (!fault) return;
  const abort = record(fault.abort);
  const delay = record(fault.delay);
  if (!abort && !delay)
    f.err('HTTP fault injection must have an abort and/or a delay');
  if (abort) {
    f.err(validatePercentage(abort.percentage));
    if (abort.httpStatus !== undefined) {
      const s = Number(abort.httpStatus);
      if (s < 200 || s > 600) f.err(`HTTP status ${s} is not in range 200-599`);
    } else if (
      abort.grpcStatus === undefined &&
      abort.http2Error === undefined
    ) {
      f.warn('abort configured, but error type not set');
    }
  }
  if (delay) {
    f.err(validatePercentage(delay.percentage));
    if (delay.fixedDelay !== undefined)
      f.err(validateDuration(delay.fixedDelay));
  }
}

/** `agent.ValidateHTTPRetry`. */
function validateRetry(
  retries: Record<string, unknown> | undefined,
  f: Findings,
) {
  if (!retries) return;
  const attempts = Number(retries.attempts ?? 0);
  if (attempts < 0) f.err('attempts cannot be negative');
  if (
    attempts === 0 &&
    (retries.perTryTimeout !== undefined ||
      (retries.retryOn ?? '') !== '' ||
      retries.retryRemoteLocalities !== undefined)
  )
    f.err('http retry policy configured when attempts are set to 0 (disabled)');
  if (retries.perTryTimeout !== undefined)
    f.err(validateDuration(retries.perTryTimeout));
  if (typeof retries.retryOn === 'string' && retries.retryOn !== '') {
    for (const p of retries.retryOn.split(',')) {
      const code = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!HTTP_STATUS_CODES.has(code) && !RETRY_ON.includes(p))
        f.err(`"${p}" is not a valid retryOn policy`);
    }
  }
}

/** `validateDestination`. */
export function validateDestination(
  d: Record<string, unknown> | undefined,
  f: Findings,
) {
  if (!d) return;
  const host = String(d.host ?? '');
  if (host === '*') f.err(`invalid destination host ${host}`);
  else f.err(validateWildcardDomain(host));
  if (d.subset !== undefined && d.subset !== '') {
    if (!isDns1123Label(String(d.subset)))
      f.err(`subset name is invalid: ${String(d.subset)}`);
  }
  const port = record(d.port);
  if (port) f.err(validatePort(port.number));
}
