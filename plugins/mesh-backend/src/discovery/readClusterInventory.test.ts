import path from 'node:path';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { mockServices } from '@backstage/backend-test-utils';
import { fakeApiServer } from '@meshport/fake-kubernetes';
import { buildFleet } from '../aggregation/buildFleet';
import type { ClusterInput, ClusterInventory } from '../aggregation/inventory';
import type {
  ClusterReader,
  KubeObject,
  ResourceType,
} from '../readers/ClusterReader';
import { KubernetesApiReader } from '../readers/KubernetesApiReader';
import { MESH_CONFIG_RESOURCES, RESOURCES } from '../readers/resources';
import { SnapshotReader } from '../readers/SnapshotReader';
import {
  AGGREGATION,
  DEMO_CLUSTERS,
  DEMO_FLEET_DIR,
  demoObjects,
} from '../__testUtils__/demoFleet';
import { projectInventory } from './projectInventory';
import { readClusterInventory } from './readClusterInventory';
import { ProjectionThreads } from './projectionThreads/ProjectionThreads';
import { kubernetesSource } from '../__testUtils__/kubernetesSource';
import { startFakeApiServerOverHttp } from '../__testUtils__/fakeApiServerOverHttp';
import { countThreadAnswers } from '../__testUtils__/threadAnswers';

const anonymous = async () => ({ type: 'anonymous' as const });

/**
 * The path before each page was projected as it arrived (readClusterInventory as of
 * bd89ccf): every raw list is held until all are complete, then `projectInventory` runs
 * over them. The reference the streaming path must match byte for byte.
 */
async function readThenProject(
  reader: ClusterReader,
  options: { signal: AbortSignal; excludeNamespaces: string[] },
): Promise<ClusterInventory> {
  const { signal } = options;
  const list = async (
    resource: ResourceType,
    extra: { labelSelector?: string; namespace?: string } = {},
  ): Promise<KubeObject[]> =>
    (await reader.list(resource, { signal, ...extra })) ?? [];
  const [
    namespaces,
    nodes,
    services,
    endpointSlices,
    pods,
    deployments,
    statefulSets,
    ...meshConfigLists
  ] = await Promise.all([
    list(RESOURCES.namespaces),
    list(RESOURCES.nodes),
    list(RESOURCES.services),
    list(RESOURCES.endpointSlices),
    list(RESOURCES.pods),
    list(RESOURCES.deployments),
    list(RESOURCES.statefulSets),
    ...MESH_CONFIG_RESOURCES.map(r => list(r)),
  ]);
  const istio = new Set<string>();
  const linkerd = new Set<string>();
  for (const d of deployments) {
    const namespace = d.metadata?.namespace;
    if (!namespace) continue;
    if (d.metadata?.name?.startsWith('istiod')) istio.add(namespace);
    if (
      d.metadata?.labels?.['linkerd.io/control-plane-component'] ===
      'destination'
    )
      linkerd.add(namespace);
  }
  for (const ns of namespaces) {
    const name = ns.metadata?.name;
    if (
      name &&
      ns.metadata?.annotations?.['topology.istio.io/controlPlaneClusters']
    )
      istio.add(name);
  }
  const inEach = async (
    resource: ResourceType,
    names: string[],
    labelSelector?: string,
  ) =>
    (
      await Promise.all(
        names.map(namespace => list(resource, { namespace, labelSelector })),
      )
    ).flat();
  const [configMaps, remoteSecrets] = await Promise.all([
    inEach(RESOURCES.configMaps, [...new Set([...istio, ...linkerd])].sort()),
    inEach(RESOURCES.secrets, [...istio].sort(), 'istio/multiCluster=true'),
  ]);
  return projectInventory(
    {
      namespaces,
      nodes,
      services,
      endpointSlices,
      pods,
      deployments,
      statefulSets,
      configMaps,
      remoteSecrets,
      meshConfig: meshConfigLists.flat(),
    },
    options.excludeNamespaces,
  );
}

const AT = '2026-01-01T00:00:00.000Z';
const options = {
  signal: new AbortController().signal,
  excludeNamespaces: AGGREGATION.excludeNamespaces,
};

/** Every demo cluster read both ways; inventories and the fleet built from them, as JSON. */
async function bothWays(reader: (cluster: string) => ClusterReader) {
  const inventories = async (
    read: typeof readClusterInventory,
  ): Promise<ClusterInput[]> =>
    Promise.all(
      DEMO_CLUSTERS.map(async name => ({
        name,
        source: 'kubernetes' as const,
        sync: { state: 'ok' as const, lastSuccessAt: AT, lastAttemptAt: AT },
        inventory: await read(reader(name), options),
      })),
    );
  const [streamed, reference] = [
    await inventories(readClusterInventory),
    await inventories(readThenProject),
  ];
  const fleet = (clusters: ClusterInput[]) =>
    JSON.stringify(buildFleet(clusters, AGGREGATION, new Date(AT)));
  return {
    streamed: streamed.map(c => JSON.stringify(c.inventory)),
    reference: reference.map(c => JSON.stringify(c.inventory)),
    streamedFleet: fleet(streamed),
    referenceFleet: fleet(reference),
    inventories: streamed.map(c => c.inventory!),
  };
}

describe('readClusterInventory, projecting each page as it arrives', () => {
  it('gives byte-identical inventories and fleet to reading everything first, from the demo snapshots', async () => {
    const result = await bothWays(
      name =>
        new SnapshotReader({
          type: 'snapshot',
          name,
          directory: path.join(DEMO_FLEET_DIR, name),
        }),
    );
    result.streamed.forEach((inventory, i) =>
      expect(inventory).toBe(result.reference[i]),
    );
    expect(result.streamedFleet).toBe(result.referenceFleet);

    // the demo fleet has what the per-kind mappers treat specially: ztunnels (cluster-2)
    // only in an excluded namespace, a Linkerd control plane (cluster-4), remote secrets
    const [, cluster2, , cluster4] = result.inventories;
    expect(cluster2.ztunnelPresent).toBe(true);
    expect(cluster2.pods.some(p => p.labels.app === 'ztunnel')).toBe(false);
    expect(cluster4.configMaps.map(c => c.namespace)).toContain('linkerd');
    expect(result.inventories[0].remoteSecrets).not.toEqual([]);
  });

  describe('against fake API servers', () => {
    const server = setupServer();
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    afterAll(() => server.close());

    /**
     * A reader per demo cluster, each behind a fake API server at `host` holding the demo
     * objects, in pages of 3 so that every list of any size spans several.
     */
    const pagedReaders = (host: string) => {
      const url = (name: string) => `https://${name}.${host}:6443`;
      for (const name of DEMO_CLUSTERS)
        server.use(
          ...fakeApiServer(url(name), demoObjects(name), {
            listSecretsOnlyIn: ['istio-system'],
          }),
        );
      return (name: string) =>
        new KubernetesApiReader(kubernetesSource(name, url(name)), {
          pageSize: 3,
          maxItems: 10_000,
          credential: anonymous,
        });
    };

    it('gives byte-identical inventories and fleet to reading everything first, across pages', async () => {
      const result = await bothWays(pagedReaders('k8s.example.com'));
      result.streamed.forEach((inventory, i) =>
        expect(inventory).toBe(result.reference[i]),
      );
      expect(result.streamedFleet).toBe(result.referenceFleet);
    });

    it('gives the same inventories when a projection thread reads, parses and maps the pages', async () => {
      // one pod the projection refuses, so a skipped record crosses too
      const refused = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: 'bookinfo', name: 'Not A Name' },
      };
      const logger = mockServices.logger.mock();
      const threads = new ProjectionThreads({ threads: 1, logger });
      const answered = countThreadAnswers(threads);
      // the thread reads with its own HTTP client, which msw does not see: the same fake API
      // servers, on loopback, which msw lets this thread's requests through to
      server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
      const servers = await Promise.all(
        DEMO_CLUSTERS.map(name =>
          startFakeApiServerOverHttp([...demoObjects(name), refused], {
            listSecretsOnlyIn: ['istio-system'],
          }),
        ),
      );
      try {
        const result = await bothWays(
          name =>
            new KubernetesApiReader(
              kubernetesSource(name, servers[DEMO_CLUSTERS.indexOf(name)].url),
              {
                pageSize: 3,
                maxItems: 10_000,
                credential: anonymous,
                projector: threads,
              },
            ),
        );
        result.streamed.forEach((inventory, i) =>
          expect(inventory).toBe(result.reference[i]),
        );
        expect(result.streamedFleet).toBe(result.referenceFleet);
        expect(result.inventories[0].skipped?.examples).toContainEqual(
          expect.objectContaining({ object: 'bookinfo/Not A Name' }),
        );
        // the thread did the work: none fell back to the event loop
        expect(logger.warn).not.toHaveBeenCalled();
        // and every page, of several per list, was asked for there
        const pages = servers[0].requests.filter(r => r.includes('continue='));
        expect(pages.length).toBeGreaterThan(10);
        expect(answered.pages).toBeGreaterThan(pages.length);
      } finally {
        await threads.close();
        await Promise.all(servers.map(s => s.stop()));
      }
    });

    const url = (name: string) => `https://${name}.k8s.example.com:6443`;
    const read = (name: string) =>
      readClusterInventory(
        new KubernetesApiReader(kubernetesSource(name, url(name)), {
          pageSize: 50,
          maxItems: 10_000,
          credential: anonymous,
        }),
        options,
      );
    const fleetOf = async (name: string) =>
      buildFleet(
        [
          {
            name,
            source: 'kubernetes',
            sync: { state: 'ok', lastSuccessAt: AT },
            inventory: await read(name),
          },
        ],
        AGGREGATION,
        new Date(AT),
      );

    it("lists the Gateway API's HTTPRoutes and Gateways: routes attached to a Service, ambient waypoints", async () => {
      const objects = demoObjects('cluster-1').map(o =>
        o.kind === 'Service' &&
        o.metadata?.namespace === 'bookinfo' &&
        o.metadata.name === 'reviews'
          ? {
              ...o,
              metadata: {
                ...o.metadata,
                labels: {
                  ...o.metadata.labels,
                  'istio.io/use-waypoint': 'waypoint',
                },
              },
            }
          : o,
      );
      objects.push(
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { namespace: 'bookinfo', name: 'reviews-split' },
          spec: {
            parentRefs: [
              { group: '', kind: 'Service', name: 'reviews', port: 9080 },
            ],
            rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }],
          },
        },
        // a consumer route: in the caller's namespace, naming the Service's
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { namespace: 'default', name: 'reviews-for-default' },
          spec: {
            parentRefs: [
              {
                group: '',
                kind: 'Service',
                name: 'reviews',
                namespace: 'bookinfo',
              },
            ],
          },
        },
        // in another namespace without naming bookinfo: another namespace's reviews
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { namespace: 'default', name: 'other-reviews' },
          spec: {
            parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
          },
        },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { namespace: 'bookinfo', name: 'waypoint' },
          spec: {
            gatewayClassName: 'istio-waypoint',
            listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
          },
        },
      );
      server.use(
        ...fakeApiServer(url('gw'), objects, {
          listSecretsOnlyIn: ['istio-system'],
        }),
      );
      const fleet = await fleetOf('gw');
      const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!
        .instances[0];
      expect(reviews.config.filter(c => c.kind === 'HTTPRoute')).toEqual([
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          namespace: 'bookinfo',
          name: 'reviews-split',
        },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          namespace: 'default',
          name: 'reviews-for-default',
        },
      ]);
      expect(reviews.waypoint).toEqual({
        namespace: 'bookinfo',
        name: 'waypoint',
      });
    });

    it('reads a cluster without the Gateway API CRDs as having no such objects', async () => {
      const requests: string[] = [];
      server.use(
        ...fakeApiServer(url('plain'), demoObjects('cluster-1'), {
          listSecretsOnlyIn: ['istio-system'],
          requests,
        }),
      );
      const fleet = await fleetOf('plain');
      expect(requests).toContain('/apis/gateway.networking.k8s.io');
      expect(requests.some(r => r.includes('/httproutes'))).toBe(false);
      expect(fleet.services.length).toBeGreaterThan(0);
    });

    it('reports remote clusters unknown, with a warning, when listing remote secrets is refused', async () => {
      // istiod outside the namespace the deploy manifests' Role grants: every list answers 403
      server.use(
        ...fakeApiServer(url('no-secrets'), demoObjects('cluster-1'), {
          listSecretsOnlyIn: [],
        }),
      );
      const inventory = await read('no-secrets');
      expect(inventory.remoteSecretsForbidden).toEqual(['istio-system']);
      expect(inventory.remoteSecrets).toEqual([]);
      const fleet = await fleetOf('no-secrets');
      const [cluster] = fleet.clusters;
      expect(cluster.controlPlanes[0]).toMatchObject({
        kind: 'istio',
        namespace: 'istio-system',
        remoteClustersUnknown: true,
        readsEndpointsFrom: [],
      });
      expect(cluster.warnings).toEqual([
        expect.stringMatching(
          /^remote clusters unknown: listing the remote secrets in namespace istio-system was refused \(HTTP 403\)/,
        ),
      ]);
    });
  });
});
