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

function abortError(): Error {
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
