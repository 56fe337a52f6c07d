import http from 'node:http';
import { getResponse } from 'msw';
import {
  fakeApiServer,
  FakeApiServerOptions,
  KubeObject,
} from '@meshport/fake-kubernetes';

export interface FakeApiServerOverHttp {
  url: string;
  /** Every request's path and query, as the fake API server records them. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * The fake API server the unit tests reach through msw, listening on loopback for a backend
 * in another process (the production bundle): each request is answered by the same msw
 * handlers, a watch's stream forwarded as it is written.
 */
export async function startFakeApiServerOverHttp(
  objects: KubeObject[],
  options: FakeApiServerOptions = {},
): Promise<FakeApiServerOverHttp> {
  const requests: string[] = [];
  // both known once the server listens, before its first request
  let url = '';
  let handlers: ReturnType<typeof fakeApiServer> = [];
  const server = http.createServer(async (req, res) => {
    try {
      const response = await getResponse(
        handlers,
        new Request(`${url}${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
        }),
      );
      if (!response) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) {
        res.end();
        return;
      }
      const reader = response.body.getReader();
      // a watch ends when its client goes: stop reading the stream then
      res.on('close', () => reader.cancel().catch(() => undefined));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
      res.end();
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  url = `http://127.0.0.1:${port}`;
  handlers = fakeApiServer(url, objects, { ...options, requests });
  return {
    url,
    requests,
    stop: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
