import type { ClusterErrorReason } from '@meshport/backstage-plugin-mesh-common';
import { ClusterReadError } from './ClusterReadError';
import { TransportError } from './httpGet';

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

/** The reason for an HTTP status the API server answered with. */
export function reasonForStatus(status: number): ClusterErrorReason {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status >= 500 || status === 429) return 'server-error';
  return 'other';
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errno, cause } = error as {
    code?: unknown;
    errno?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string') return code;
  if (typeof errno === 'string') return errno;
  return cause ? codeOf(cause) : undefined;
}

/**
 * Turns whatever a request threw into a `ClusterReadError`: aborts are timeouts (discovery
 * aborts a cluster when its time is up), certificate failures are TLS, socket failures are
 * unreachable. The original message is kept; it names a host, never a credential.
 */
export function classifyError(error: unknown, what: string): ClusterReadError {
  if (error instanceof ClusterReadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'AbortError') {
    return new ClusterReadError('timeout', `${what} timed out`);
  }
  const code = codeOf(error);
  if (code && TLS_CODES.has(code)) {
    return new ClusterReadError(
      'tls',
      `${what} failed TLS verification (${code}); check caData/caFile or skipTLSVerify`,
    );
  }
  if (error instanceof TransportError || (code && NETWORK_CODES.has(code))) {
    return new ClusterReadError('unreachable', `${what} failed: ${message}`);
  }
  if (error instanceof SyntaxError) {
    return new ClusterReadError(
      'malformed-response',
      `${what} returned a body that is not valid JSON`,
    );
  }
  return new ClusterReadError('other', `${what} failed: ${message}`);
}
