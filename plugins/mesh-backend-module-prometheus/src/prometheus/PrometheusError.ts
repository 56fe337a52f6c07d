/** Why a Prometheus query failed, in terms an operator can act on. */
export type PrometheusErrorKind =
  | 'timeout'
  | 'unreachable'
  | 'unauthorized'
  | 'bad-query'
  | 'server-error'
  | 'malformed-response';

export class PrometheusError extends Error {
  readonly kind: PrometheusErrorKind;

  constructor(kind: PrometheusErrorKind, message: string) {
    super(message);
    this.name = 'PrometheusError';
    this.kind = kind;
  }
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: ErrorLike;
  errors?: ErrorLike[];
}

/**
 * The system error code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED…) behind fetch's generic
 * "fetch failed": on its cause, or on the first of an AggregateError's errors when several
 * addresses were tried. Duck-typed, since errors may come from another realm.
 */
function causeCode(
  error: ErrorLike | undefined,
  depth = 0,
): string | undefined {
  if (!error || depth > 4) return undefined;
  if (typeof error.code === 'string') return error.code;
  return (
    causeCode(error.cause, depth + 1) ??
    (Array.isArray(error.errors)
      ? causeCode(error.errors[0], depth + 1)
      : undefined)
  );
}

/** Turns what `fetch` threw into a PrometheusError; `target` names the Prometheus, never its URL (it may hold credentials). */
export function classifyFetchError(
  error: unknown,
  target: string,
  timeoutMs: number,
): PrometheusError {
  if (error instanceof PrometheusError) {
    return error;
  }
  const e = error as ErrorLike | undefined;
  const name = e?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PrometheusError(
      'timeout',
      `Prometheus ${target} did not answer within ${timeoutMs} ms (mesh.prometheus.timeout)`,
    );
  }
  const message = (x: ErrorLike | undefined) =>
    typeof x?.message === 'string' ? x.message : undefined;
  const detail =
    causeCode(e?.cause) ?? message(e?.cause) ?? message(e) ?? String(error);
  return new PrometheusError(
    'unreachable',
    `Prometheus ${target} is unreachable (${detail})`,
  );
}

/** Classifies a non-2xx answer; Prometheus puts its own explanation in the JSON `error` field. */
export function classifyHttpStatus(
  status: number,
  target: string,
  prometheusMessage: string | undefined,
): PrometheusError {
  const detail = prometheusMessage ? `: ${prometheusMessage}` : '';
  if (status === 401 || status === 403) {
    return new PrometheusError(
      'unauthorized',
      `Prometheus ${target} refused the query with HTTP ${status}${detail}`,
    );
  }
  if (status === 400 || status === 422) {
    return new PrometheusError(
      'bad-query',
      `Prometheus ${target} rejected the query with HTTP ${status}${detail}`,
    );
  }
  if (status === 503) {
    // Prometheus answers 503 when the query itself timed out or was aborted server-side.
    return new PrometheusError(
      'timeout',
      `Prometheus ${target} gave up on the query (HTTP 503)${detail}`,
    );
  }
  return new PrometheusError(
    'server-error',
    `Prometheus ${target} answered HTTP ${status}${detail}`,
  );
}
