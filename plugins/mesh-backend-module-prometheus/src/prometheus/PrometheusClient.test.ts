import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { PrometheusClient } from './PrometheusClient';
import { PrometheusError } from './PrometheusError';

/** A fake Prometheus on loopback, answering with whatever the test sets. */
let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', c => {
      body += c;
    });
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise(r => server.close(r));
});

const client = (baseUrl = base, timeoutMs = 2000) =>
  new PrometheusClient({ name: 'cluster-1', baseUrl, timeoutMs });

async function failure(promise: Promise<unknown>): Promise<PrometheusError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PrometheusError);
    return error as PrometheusError;
  }
  throw new Error('expected a failure');
}

describe('PrometheusClient', () => {
  it('POSTs the query under the base path and parses special values', async () => {
    let seen: { url?: string; body?: URLSearchParams; auth?: string } = {};
    handler = (req, body, res) => {
      seen = {
        url: req.url,
        body: new URLSearchParams(body),
        auth: req.headers.authorization,
      };
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [
              { metric: { a: '1' }, value: [1700000000, '0.5'] },
              { metric: { a: '2' }, value: [1700000000, 'NaN'] },
              { metric: { a: '3' }, value: [1700000000, '+Inf'] },
            ],
          },
        }),
      );
    };
    const withPrefix = `http://u%40x:p%3Aw@127.0.0.1:${
      new URL(base).port
    }/thanos`;
    const samples = await client(withPrefix).instant('up', 1700000000);
    expect(seen.url).toBe('/thanos/api/v1/query');
    expect(seen.body?.get('query')).toBe('up');
    expect(seen.body?.get('time')).toBe('1700000000');
    expect(seen.body?.get('timeout')).toBe('2000ms');
    expect(seen.auth).toBe(
      `Basic ${Buffer.from('u@x:p:w').toString('base64')}`,
    );
    expect(samples.map(s => s.value)).toEqual([0.5, NaN, Infinity]);
  });

  it('reads range matrices', async () => {
    handler = (_req, _body, res) =>
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: {},
                values: [
                  [10, '1'],
                  [25, '2'],
                ],
              },
            ],
          },
        }),
      );
    expect(await client().range('up', 10, 25, 15)).toEqual([
      {
        labels: {},
        points: [
          [10, 1],
          [25, 2],
        ],
      },
    ]);
  });

  it('classifies a rejected query with the reason Prometheus gave', async () => {
    handler = (_req, _body, res) => {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'bad_data',
          error: 'parse error at char 3',
        }),
      );
    };
    const e = await failure(client().instant('up{', 1));
    expect(e.kind).toBe('bad-query');
    expect(e.message).toBe(
      'Prometheus cluster-1 rejected the query with HTTP 400: parse error at char 3',
    );
  });

  it('classifies a refused login and a server error', async () => {
    handler = (_req, _body, res) => {
      res.statusCode = 401;
      res.end('no');
    };
    expect((await failure(client().instant('up', 1))).kind).toBe(
      'unauthorized',
    );
    handler = (_req, _body, res) => {
      res.statusCode = 502;
      res.end('<html>bad gateway</html>');
    };
    expect((await failure(client().instant('up', 1))).message).toBe(
      'Prometheus cluster-1 answered HTTP 502',
    );
  });

  it('classifies an answer that is not the Prometheus API', async () => {
    handler = (_req, _body, res) => res.end('<html>login</html>');
    const e = await failure(client().instant('up', 1));
    expect(e.kind).toBe('malformed-response');
    expect(e.message).toContain('the body is not JSON');
  });

  it('gives up after the timeout', async () => {
    handler = () => {
      // never answers
    };
    const started = Date.now();
    const e = await failure(client(base, 200).instant('up', 1));
    expect(e.kind).toBe('timeout');
    expect(e.message).toBe(
      'Prometheus cluster-1 did not answer within 200 ms (mesh.prometheus.timeout)',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
