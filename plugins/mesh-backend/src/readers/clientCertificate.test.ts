/**
 * An x509 client certificate (what a module's strategy may return) is presented in the TLS
 * handshake, which msw cannot see: a real HTTPS server on 127.0.0.1 that requires one
 * checks it. The certificates are test-only (__fixtures__/tls).
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import type {
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import { mockServices } from '@backstage/backend-test-utils';
import { clusterProjections } from '../discovery/projections';
import { ProjectionThreads } from '../discovery/projectionThreads/ProjectionThreads';
import { countThreadAnswers } from '../__testUtils__/threadAnswers';
import type { PageProjector } from './ClusterReader';
import { KubernetesApiReader } from './KubernetesApiReader';
import { RESOURCES } from './resources';

const tls = (file: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__/tls', file), 'utf8');

const peers: Array<string | string[] | undefined> = [];
let server: https.Server;
let url: string;

beforeAll(async () => {
  server = https.createServer(
    {
      key: tls('server.key'),
      cert: tls('server.crt'),
      ca: tls('ca.crt'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      peers.push(peer.subject?.CN);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'NamespaceList',
          metadata: {},
          items: [
            { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
          ],
        }),
      );
    },
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise(resolve => server.close(resolve)));

function reader(
  credential: () => Promise<KubernetesCredential>,
  projector?: PageProjector,
) {
  const cluster: ClusterDetails = {
    name: 'mtls',
    url,
    caData: Buffer.from(tls('ca.crt')).toString('base64'),
    authMetadata: { 'kubernetes.io/auth-provider': 'x509' },
  };
  return new KubernetesApiReader(
    { type: 'kubernetes', name: 'mtls', cluster },
    { pageSize: 10, maxItems: 10, credential, projector },
  );
}

const signal = new AbortController().signal;

describe('KubernetesApiReader with an x509 client certificate', () => {
  it('presents the certificate and key the strategy returned', async () => {
    const r = reader(async () => ({
      type: 'x509 client certificate',
      cert: tls('client.crt'),
      key: tls('client.key'),
    }));
    const items = await r.list(RESOURCES.namespaces, { signal });
    r.close();
    expect(items?.map(i => i.metadata?.name)).toEqual(['shop']);
    expect(peers).toEqual(['meshport-discovery']);
  });

  it('fails, and says so, when the server requires a certificate and gets none', async () => {
    const r = reader(async () => ({ type: 'anonymous' }));
    await expect(r.list(RESOURCES.namespaces, { signal })).rejects.toThrow(
      /GET \/api\/v1\/namespaces/,
    );
    r.close();
  });

  describe('read in a projection thread', () => {
    const logger = mockServices.logger.mock();
    const threads = new ProjectionThreads({ threads: 1, logger });
    afterAll(() => threads.close());
    const answered = countThreadAnswers(threads);
    const cert = {
      type: 'x509 client certificate' as const,
      cert: tls('client.crt'),
      key: tls('client.key'),
    };

    it('makes the same handshake: the cluster CA checks the server, the certificate is presented', async () => {
      peers.length = 0;
      const r = reader(async () => cert, threads);
      const namespaces = await r.list(
        RESOURCES.namespaces,
        { signal },
        clusterProjections([]).namespaces,
      );
      r.close();
      expect(namespaces).toEqual([
        { name: 'shop', labels: {}, annotations: {} },
      ]);
      expect(peers).toEqual(['meshport-discovery']);
      expect(answered).toEqual({ pages: 1, other: 0 });
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('fails as the event loop does when the server gets no certificate', async () => {
      const r = reader(async () => ({ type: 'anonymous' }), threads);
      await expect(
        r.list(
          RESOURCES.namespaces,
          { signal },
          clusterProjections([]).namespaces,
        ),
      ).rejects.toMatchObject({
        reason: 'unreachable',
        message: expect.stringMatching(/^GET \/api\/v1\/namespaces failed: /),
      });
      r.close();
    });

    it('refuses a server the cluster CA did not sign', async () => {
      const other = new ProjectionThreads({ threads: 1, logger });
      const cluster: ClusterDetails = {
        name: 'mtls',
        url,
        // the server's own certificate is no CA of it
        caData: Buffer.from(tls('client.crt')).toString('base64'),
        authMetadata: { 'kubernetes.io/auth-provider': 'x509' },
      };
      const r = new KubernetesApiReader(
        { type: 'kubernetes', name: 'mtls', cluster },
        {
          pageSize: 10,
          maxItems: 10,
          credential: async () => cert,
          projector: other,
        },
      );
      try {
        await expect(
          r.list(
            RESOURCES.namespaces,
            { signal },
            clusterProjections([]).namespaces,
          ),
        ).rejects.toMatchObject({ reason: 'tls' });
      } finally {
        r.close();
        await other.close();
      }
    });
  });
});
