import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/** The request got no answer: the connection failed or dropped (the cause says how). */
export class TransportError extends Error {
  readonly name = 'TransportError';
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export interface TextResponse {
  status: number;
  text: string;
}

/** An answer whose body was read whole, inflated but not decoded. */
export interface BytesResponse {
  status: number;
  body: Buffer;
}

/**
 * One GET with Node's own HTTP client: the body's chunks are joined once, and left as bytes
 * for the caller to decode (or to hand to another thread whole: see `PageProjector`).
 * client-node's fetch library (node-fetch) pipes every body through a second stream and
 * copies it again, which at 12 MB of pods per cluster is a measurable share of discovery.
 * gzip and deflate answers are accepted and inflated, as node-fetch did.
 */
export function getBytes(
  url: string,
  options: {
    headers: Record<string, string>;
    agent?: http.Agent;
    signal: AbortSignal;
  },
): Promise<BytesResponse> {
  return new Promise((resolve, reject) => {
    get(
      url,
      {
        ...options,
        headers: { 'accept-encoding': 'gzip, deflate', ...options.headers },
      },
      reject,
      (response, failed) => {
        const encoding = response.headers['content-encoding'];
        let body: NodeJS.ReadableStream = response;
        if (encoding === 'gzip' || encoding === 'x-gzip')
          body = response.pipe(zlib.createGunzip());
        else if (encoding === 'deflate')
          body = response.pipe(zlib.createInflate());
        const chunks: Buffer[] = [];
        let ended = false;
        body.on('data', (chunk: Buffer) => chunks.push(chunk));
        body.on('end', () => {
          ended = true;
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks),
          });
        });
        // an inflate error (a corrupt gzip answer) is rejected as it is
        if (body !== response) body.on('error', reject);
        response.on('error', failed);
        // a connection dropped mid-answer must fail the read, never leave it waiting
        response.on('close', () => {
          if (response.complete || ended) return;
          failed(new Error('the connection closed before the answer ended'));
        });
      },
    );
  });
}

/**
 * A GET over Node's client for the URL's scheme, its answer handed to `onResponse` with
 * `failed`: what rejects a transport failure as a `TransportError`, and an abort (the
 * caller's timeout, whatever error it surfaced as) as an abort.
 */
function get(
  url: string,
  options: {
    headers: Record<string, string>;
    agent?: http.Agent;
    signal: AbortSignal;
  },
  reject: (error: Error) => void,
  onResponse: (
    response: http.IncomingMessage,
    failed: (error: Error) => void,
  ) => void,
): http.ClientRequest {
  const client = url.startsWith('https:') ? https : http;
  const failed = (error: Error) =>
    reject(options.signal.aborted ? abortError() : new TransportError(error));
  const request = client.get(
    url,
    { headers: options.headers, agent: options.agent, signal: options.signal },
    response => onResponse(response, failed),
  );
  request.on('error', failed);
  return request;
}

/** What of client-node's agent options `AgentSettings` carries: all it sets for TLS. */
const TLS_SETTINGS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
] as const;

/**
 * What a kept-alive agent for one cluster is made of: its scheme and the TLS settings
 * client-node gave the agent it configured (`KubeConfig.applySecurityAuthentication`: CA,
 * client certificate, verification, server name). Plain data, so that another thread can
 * build the same agent (see `PageProjector`).
 */
export interface AgentSettings {
  secure: boolean;
  tls: Pick<https.AgentOptions, (typeof TLS_SETTINGS)[number]>;
}

/** The settings of an agent client-node configured (see `AgentSettings`). */
export function agentSettings(configured: http.Agent): AgentSettings {
  // `options` holds what the agent was constructed with; it is public in Node, not in @types/node
  const options =
    (configured as http.Agent & { options?: https.AgentOptions }).options ?? {};
  const tls: Record<string, unknown> = {};
  for (const name of TLS_SETTINGS)
    if (options[name] !== undefined) tls[name] = options[name];
  return { secure: configured instanceof https.Agent, tls };
}

/** One kept-alive agent from its settings: a sync's requests share its connections. */
export function keepAliveAgent(settings: AgentSettings): http.Agent {
  return settings.secure
    ? new https.Agent({ ...settings.tls, keepAlive: true })
    : new http.Agent({ keepAlive: true });
}

/** A request's failure as plain data, to cross to another thread (see `reviveFailure`). */
export interface FailureDescription {
  name: string;
  message: string;
  code?: string;
}

/** What `getBytes` rejected with, as plain data: its kind, message and the cause's code. */
export function describeFailure(error: unknown): FailureDescription {
  if (!(error instanceof Error))
    return { name: 'Error', message: String(error) };
  const code = codeOf(error) ?? codeOf(error.cause);
  return {
    name: error.name,
    message: error.message,
    ...(code ? { code } : {}),
  };
}

/**
 * The error `describeFailure` described, rebuilt so that `classifyError` reads it as it reads
 * the original: an abort is an abort, a transport failure keeps its cause's code (a refused
 * connection, a certificate the CA does not sign).
 */
export function reviveFailure(failure: FailureDescription): Error {
  if (failure.name === 'AbortError') return abortError();
  const cause = Object.assign(new Error(failure.message), {
    ...(failure.code ? { code: failure.code } : {}),
  });
  if (failure.name === 'TransportError') return new TransportError(cause);
  return Object.assign(cause, { name: failure.name });
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function abortError(): Error {
  return Object.assign(new Error('the request was aborted'), {
    name: 'AbortError',
  });
}

/**
 * One streamed GET (a watch): `onLine` gets each newline-terminated line as it arrives. It
 * resolves with the status when the server ends the answer, and rejects with a
 * `TransportError` when the connection drops first. An answer that is not 2xx is read whole,
 * its body handed back as `text` for the caller's error message.
 */
export function streamLines(
  url: string,
  options: {
    headers: Record<string, string>;
    agent?: http.Agent;
    signal: AbortSignal;
    onLine: (line: string) => void;
  },
): Promise<TextResponse> {
  return new Promise((resolve, reject) => {
    const request = get(url, options, reject, (response, failed) => {
      const ok =
        (response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300;
      const chunks: Buffer[] = [];
      let pending = '';
      let ended = false;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (!ok) {
          chunks.push(Buffer.from(chunk));
          return;
        }
        pending += chunk;
        let newline = pending.indexOf('\n');
        try {
          while (newline >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            if (line.trim()) options.onLine(line);
            newline = pending.indexOf('\n');
          }
        } catch (error) {
          // the caller refused a line (a malformed or an ERROR event): the stream is over
          reject(error);
          request.destroy();
        }
      });
      response.on('end', () => {
        ended = true;
        if (ok && pending.trim()) options.onLine(pending);
        resolve({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      response.on('error', failed);
      response.on('close', () => {
        if (response.complete || ended) return;
        failed(new Error('the connection closed before the answer ended'));
      });
    });
  });
}
