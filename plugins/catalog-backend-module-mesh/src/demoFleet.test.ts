/**
 * The catalog module on the demo fleet, end to end: the real mesh backend discovers the
 * demo snapshot (examples/demo-fleet, copied so a cluster can be broken), the real catalog
 * ingests what this module publishes. Proves the "done when": every mesh service,
 * cluster and mesh is listed with its owner and relations, and a cluster that stops
 * answering removes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SchedulerService } from '@backstage/backend-plugin-api';
import type { TestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import request from 'supertest';
import { eventually, startCatalogWithMesh } from './__testUtils__/testBackend';

jest.setTimeout(90_000);

const DEMO_FLEET = path.resolve(__dirname, '../../../examples/demo-fleet');
const PROVIDER_TASK = 'MeshEntityProvider:default:refresh';
const DISCOVERY_TASK = 'mesh-fleet-discovery';
const PROVIDER_LOCATION = 'meshport-provider:default';

describe('the catalog module on the demo fleet', () => {
  let fleetDir: string;
  let backend: TestBackend;
  let catalogScheduler: SchedulerService;
  let meshScheduler: SchedulerService;

  beforeAll(async () => {
    fleetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-demo-'));
    fs.cpSync(DEMO_FLEET, fleetDir, { recursive: true });
    ({ backend, catalogScheduler, meshScheduler } = await startCatalogWithMesh({
      config: {
        app: { baseUrl: 'http://localhost:3000' },
        mesh: { snapshot: { directory: fleetDir } },
        catalog: {
          providers: { meshport: { defaultOwner: 'platform-team' } },
        },
      },
    }));
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(fleetDir, { recursive: true, force: true });
  });

  async function meshEntities(): Promise<Entity[]> {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-query')
      .query({
        filter: `metadata.annotations.backstage.io/managed-by-origin-location=${PROVIDER_LOCATION}`,
        limit: 200,
      });
    expect(res.status).toBe(200);
    return res.body.items;
  }
  const refs = (items: Entity[]) =>
    items.map(e => stringifyEntityRef(e)).sort();
  const byRef = (items: Entity[], ref: string) =>
    items.find(e => stringifyEntityRef(e) === ref);

  /** Discovery, then the provider's refresh, then the catalog's processing. */
  async function syncAndPublish() {
    await meshScheduler.triggerTask(DISCOVERY_TASK);
    await catalogScheduler.triggerTask(PROVIDER_TASK);
  }

  const clusters = [
    'resource:default/cluster-1',
    'resource:default/cluster-2',
    'resource:default/cluster-3',
    'resource:default/cluster-4',
  ];
  const meshes = [
    'resource:default/istio-mesh1',
    'resource:default/istio-mesh2',
    'resource:default/linkerd-cluster-4',
  ];
  const services = [
    'component:default/accounts.accounts',
    'component:default/batch-export.default',
    'component:default/details.bookinfo',
    'component:default/history.orders',
    'component:default/ledger.accounts',
    'component:default/legacy-probe.default',
    'component:default/orders.orders',
    'component:default/productpage.bookinfo',
    'component:default/ratings.bookinfo',
    'component:default/reviews.bookinfo',
    'component:default/users.accounts',
  ];
  const everyRef = [...services, ...clusters, ...meshes].sort();

  it('lists every mesh service, cluster and mesh with its owner and relations', async () => {
    await syncAndPublish();
    const items = await eventually(async () => {
      const all = await meshEntities();
      expect(refs(all)).toEqual(everyRef);
      // relations are stitched after ingestion
      expect(
        byRef(all, 'component:default/reviews.bookinfo')!.relations?.length,
      ).toBeGreaterThan(0);
      return all;
    });

    const reviews = byRef(items, 'component:default/reviews.bookinfo')!;
    expect(reviews.metadata.annotations).toMatchObject({
      'meshport.dev/service': 'bookinfo/reviews',
      'backstage.io/kubernetes-id': 'reviews',
      'backstage.io/kubernetes-namespace': 'bookinfo',
      // the demo's pods carry no kubernetes-id label: the Kubernetes plugin finds them by this
      'backstage.io/kubernetes-label-selector': 'app=reviews',
    });
    expect(reviews.spec?.owner).toBe('group:default/bookinfo-team');
    expect(
      reviews.relations!.map(r => `${r.type} ${r.targetRef}`).sort(),
    ).toEqual([
      'dependsOn resource:default/cluster-1',
      'dependsOn resource:default/cluster-2',
      'dependsOn resource:default/istio-mesh1',
      'ownedBy group:default/bookinfo-team',
    ]);
    // users runs in all three meshes
    expect(
      byRef(items, 'component:default/users.accounts')!
        .relations!.filter(r => r.type === 'dependsOn')
        .map(r => r.targetRef)
        .sort(),
    ).toEqual([
      'resource:default/cluster-1',
      'resource:default/cluster-3',
      'resource:default/cluster-4',
      'resource:default/istio-mesh1',
      'resource:default/istio-mesh2',
      'resource:default/linkerd-cluster-4',
    ]);
    // owners come from the Service's label, else its namespace's
    expect(
      Object.fromEntries(
        services.map(ref => [ref, byRef(items, ref)!.spec?.owner]),
      ),
    ).toEqual({
      'component:default/accounts.accounts': 'group:default/identity-team',
      'component:default/batch-export.default': 'group:default/orders-team',
      'component:default/details.bookinfo': 'group:default/bookinfo-team',
      'component:default/history.orders': 'group:default/orders-team',
      // the Service's own label wins over its namespace's (identity-team)
      'component:default/ledger.accounts': 'group:default/payments-team',
      'component:default/legacy-probe.default': 'group:default/platform-team',
      'component:default/orders.orders': 'group:default/orders-team',
      'component:default/productpage.bookinfo': 'group:default/bookinfo-team',
      'component:default/ratings.bookinfo': 'group:default/bookinfo-team',
      'component:default/reviews.bookinfo': 'group:default/bookinfo-team',
      'component:default/users.accounts': 'group:default/identity-team',
    });
  });

  it('keeps every entity when a cluster answers garbage, marking what is stale', async () => {
    // cluster-2 runs reviews v3, ratings, orders and history
    fs.writeFileSync(
      path.join(fleetDir, 'cluster-2', 'pods.json'),
      '{ not json',
    );
    await syncAndPublish();
    // the catalog reprocesses each entity on its own: wait for the cluster and its services
    const items = await eventually(async () => {
      const all = await meshEntities();
      expect(
        byRef(all, 'resource:default/cluster-2')!.metadata.annotations?.[
          'meshport.dev/sync-state'
        ],
      ).toBe('stale');
      expect(
        byRef(all, 'component:default/orders.orders')!.metadata.annotations?.[
          'meshport.dev/stale'
        ],
      ).toBe('true');
      return all;
    });
    expect(refs(items)).toEqual(everyRef);
    const orders = byRef(items, 'component:default/orders.orders')!;
    expect(orders.metadata.annotations?.['meshport.dev/stale']).toBe('true');
    // kept from the last-known entity while its only cluster is down
    expect(
      orders.metadata.annotations?.['backstage.io/kubernetes-label-selector'],
    ).toBe('app=orders');
    expect(
      byRef(items, 'component:default/productpage.bookinfo')!.metadata
        .annotations?.['meshport.dev/stale'],
    ).toBeUndefined();
  });
});
