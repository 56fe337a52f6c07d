import path from 'node:path';
import {
  fakeApiServer,
  FakeApiServerOptions,
  FakeCluster,
  snapshotObjects,
} from '@meshport/fake-kubernetes';
import { setupServer } from 'msw/node';

/** The committed demo fleet (examples/demo-fleet), one directory per cluster. */
export const DEMO_FLEET_DIR = path.resolve(
  __dirname,
  '../../../../examples/demo-fleet',
);

const TOKEN = 'meshport-discovery-token';
const clusterUrl = (cluster: string) =>
  `https://${cluster}.k8s.example.com:6443`;

/**
 * Demo clusters served by fake API servers that list and stream watches (msw, so the mesh
 * backend's real Kubernetes client talks to them over its usual HTTP path). `clusters` change
 * objects while watches are open; `faults` are read on every request, so a test can make a
 * cluster fail and recover. `locator` is the `kubernetes.clusterLocatorMethods` entry that
 * points the mesh backend at them.
 */
export function fakeDemoClusters(names: string[]) {
  const clusters: Record<string, FakeCluster> = Object.fromEntries(
    names.map(n => [
      n,
      new FakeCluster(snapshotObjects(path.join(DEMO_FLEET_DIR, n))),
    ]),
  );
  const faults: Record<string, FakeApiServerOptions> = Object.fromEntries(
    names.map(n => [n, { token: TOKEN, bookmarkEveryMs: 200 }]),
  );
  const server = setupServer(
    ...names.flatMap(n => fakeApiServer(clusterUrl(n), clusters[n], faults[n])),
  );
  return {
    clusters,
    faults,
    /** Starts answering; requests to the test backend itself (loopback) pass through. */
    listen: () =>
      server.listen({
        onUnhandledRequest: (req, print) => {
          if (!['127.0.0.1', 'localhost'].includes(new URL(req.url).hostname))
            print.error();
        },
      }),
    close: () => server.close(),
    locator: {
      type: 'config',
      clusters: names.map(name => ({
        name,
        url: clusterUrl(name),
        authProvider: 'serviceAccount',
        serviceAccountToken: TOKEN,
      })),
    },
  };
}
