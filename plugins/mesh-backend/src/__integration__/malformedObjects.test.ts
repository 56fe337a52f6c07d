/**
 * One malformed object breaks only itself: each of the objects issue 16 found freezing a
 * cluster, breaking every read of the fleet or leaking into it as nonsense (a service "/",
 * a port `null`, namespace "") is added to a healthy cluster's API server, and seen through
 * the REST API of a real backend. The cluster still syncs, every well-formed service is
 * exactly as before, and the object is counted in the cluster's status with its reason.
 */
import type {
  Fleet,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import { fakeApiServer } from '@meshport/fake-kubernetes';
import { demoObjects } from '../__testUtils__/demoFleet';
import {
  clusterUrl,
  DISCOVERY_TOKEN,
  useDiscoveryBackend,
} from '../__testUtils__/discoveryBackend';
import type { KubeObject } from '../readers/ClusterReader';

jest.setTimeout(60_000);

const CLUSTERS = ['cluster-1', 'cluster-2'];
const url = clusterUrl;
const TOKEN = DISCOVERY_TOKEN;

const demo = Object.fromEntries(CLUSTERS.map(c => [c, demoObjects(c)]));
// Mutable: the fake API servers read them on every request.
const objects: Record<string, KubeObject[]> = Object.fromEntries(
  CLUSTERS.map(c => [c, [...demo[c]]]),
);
/** cluster-1 serves its demo objects and these. */
function serveInCluster1(...extra: KubeObject[]) {
  objects['cluster-1'].splice(0, Infinity, ...demo['cluster-1'], ...extra);
}

const { get, runDiscovery, clusters, services } = useDiscoveryBackend({
  clusters: CLUSTERS,
  handlers: CLUSTERS.flatMap(c =>
    fakeApiServer(url(c), objects[c], { token: TOKEN }),
  ),
  discoveryTimeoutSeconds: 5,
});

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

function find(kind: string, name: string): KubeObject {
  const found = demo['cluster-1'].find(
    o =>
      o.kind === kind &&
      o.metadata?.namespace === 'bookinfo' &&
      o.metadata?.name === name,
  );
  if (!found) throw new Error(`no ${kind} bookinfo/${name} in cluster-1`);
  return clone(found);
}

/** A second reviews-v1 pod: had it been read, reviews would have one more pod. */
function reviewsPod(metadata: Record<string, unknown>): KubeObject {
  const pod = find('Pod', 'reviews-v1-fdgmrlsnjj-gbljh');
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      name: 'reviews-v1-fdgmrlsnjj-bad',
      ...metadata,
    },
  };
}

const cases: Array<{
  what: string;
  object: () => KubeObject;
  skipped: { kind: string; object: string; reason: string };
}> = [
  {
    what: 'a Pod whose ownerReferences is an object',
    object: () => reviewsPod({ ownerReferences: {} }),
    skipped: {
      kind: 'Pod',
      object: 'bookinfo/reviews-v1-fdgmrlsnjj-bad',
      reason: 'metadata.ownerReferences {} is not a list',
    },
  },
  {
    what: 'a Pod whose ownerReferences holds null',
    object: () => reviewsPod({ ownerReferences: [null] }),
    skipped: {
      kind: 'Pod',
      object: 'bookinfo/reviews-v1-fdgmrlsnjj-bad',
      reason:
        'metadata.ownerReferences[0] null is not an owner reference with a kind and a name',
    },
  },
  {
    what: 'a Deployment whose name is not a string',
    object: () => {
      const d = find('Deployment', 'reviews-v1');
      return { ...d, metadata: { ...d.metadata, name: 42 as never } };
    },
    skipped: {
      kind: 'Deployment',
      object: 'an object without a usable name',
      reason: 'metadata.name 42 is not a string',
    },
  },
  {
    what: 'a Service whose name is a number',
    object: () => {
      const s = find('Service', 'ratings');
      return { ...s, metadata: { ...s.metadata, name: 7 as never } };
    },
    skipped: {
      kind: 'Service',
      object: 'an object without a usable name',
      reason: 'metadata.name 7 is not a string',
    },
  },
  {
    what: 'a Service with a named port where a port number belongs',
    object: () => {
      const s = find('Service', 'ratings');
      return {
        ...s,
        metadata: { ...s.metadata, name: 'ratings-named' },
        spec: {
          ...(s.spec as object),
          ports: [{ name: 'http', port: 'http' }],
        },
      };
    },
    skipped: {
      kind: 'Service',
      object: 'bookinfo/ratings-named',
      reason:
        'spec.ports[0].port "http" is not a port number (an integer from 1 to 65535)',
    },
  },
  {
    what: 'a Service without metadata',
    object: () => {
      const { metadata: _metadata, ...s } = find('Service', 'ratings');
      return s;
    },
    skipped: {
      kind: 'Service',
      object: 'an object without a usable name',
      reason: 'it has no metadata',
    },
  },
  {
    what: 'a Service without a namespace',
    object: () => {
      const s = find('Service', 'ratings');
      const { namespace: _namespace, ...metadata } = s.metadata!;
      return { ...s, metadata: { ...metadata, name: 'ratings-nowhere' } };
    },
    skipped: {
      kind: 'Service',
      object: 'ratings-nowhere',
      reason: 'metadata.namespace is missing',
    },
  },
  {
    what: 'a Pod without a namespace',
    object: () => {
      const pod = reviewsPod({});
      const { namespace: _namespace, ...metadata } = pod.metadata!;
      return { ...pod, metadata };
    },
    skipped: {
      kind: 'Pod',
      object: 'reviews-v1-fdgmrlsnjj-bad',
      reason: 'metadata.namespace is missing',
    },
  },
];

describe('one malformed object breaks only itself', () => {
  let before: MeshService[];

  it('syncs both clusters while every object is well formed', async () => {
    await runDiscovery();
    expect((await clusters()).map(c => c.sync.state)).toEqual(['ok', 'ok']);
    before = await services();
    expect(before.length).toBeGreaterThan(0);
  });

  it.each(cases)('$what', async ({ object, skipped }) => {
    serveInCluster1(object());
    await runDiscovery();

    const all = await clusters();
    expect(all.map(c => [c.name, c.sync.state, c.sync.error])).toEqual([
      ['cluster-1', 'ok', undefined],
      ['cluster-2', 'ok', undefined],
    ]);
    expect(all[0].skippedObjects).toEqual({
      count: 1,
      byKind: { [skipped.kind]: 1 },
      examples: [skipped],
    });
    expect(all[1].skippedObjects).toBeUndefined();

    // every well-formed object is still there, exactly as before
    expect(await services()).toEqual(before);
    const fleet = await get<Fleet>('/fleet');
    expect(fleet.services).toEqual(before);
    const text = JSON.stringify(fleet);
    expect(text).not.toContain('"port":null');
    expect(fleet.services.map(s => s.id)).not.toContain('/');
    expect(fleet.services.some(s => !s.namespace || !s.name)).toBe(false);
  });

  it('forgets the skipped objects once the cluster serves none', async () => {
    serveInCluster1();
    await runDiscovery();
    expect((await clusters())[0].skippedObjects).toBeUndefined();
    expect(await services()).toEqual(before);
  });
});
