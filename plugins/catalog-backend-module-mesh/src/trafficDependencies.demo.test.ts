/**
 * Relations from traffic, end to end on the demo: the real mesh backend discovers the demo
 * fleet, the real traffic-snapshot module serves the demo's traffic (a copy, so a test can
 * take calls away), this module reads `GET /api/mesh/dependencies` and the real catalog
 * stitches `dependsOn` / `dependencyOf` — what the Catalog Graph draws.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SchedulerService } from '@backstage/backend-plugin-api';
import type { TestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import trafficSnapshotModule from '@meshport/backstage-plugin-mesh-backend-module-traffic-snapshot';
import request from 'supertest';
import { eventually, startCatalogWithMesh } from './__testUtils__/testBackend';

jest.setTimeout(90_000);

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const PROVIDER_TASK = 'MeshEntityProvider:default:refresh';
const DISCOVERY_TASK = 'mesh-fleet-discovery';

interface SnapshotEdge {
  source: { service: string };
  destination: { service: string };
}

describe('dependsOn relations from the demo traffic', () => {
  let dir: string;
  let trafficFile: string;
  let backend: TestBackend;
  let catalogScheduler: SchedulerService;
  let meshScheduler: SchedulerService;
  const demoTraffic = JSON.parse(
    fs.readFileSync(path.join(EXAMPLES, 'demo-traffic/traffic.json'), 'utf8'),
  ) as { edges: SnapshotEdge[] };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-deps-'));
    trafficFile = path.join(dir, 'traffic.json');
    fs.writeFileSync(trafficFile, JSON.stringify(demoTraffic));
    ({ backend, catalogScheduler, meshScheduler } = await startCatalogWithMesh({
      features: [trafficSnapshotModule],
      config: {
        mesh: {
          snapshot: { directory: path.join(EXAMPLES, 'demo-fleet') },
          traffic: { snapshot: { file: trafficFile, reloadAfter: '0s' } },
        },
        catalog: {
          providers: {
            meshport: {
              defaultOwner: 'platform-team',
              dependencies: { window: '15m' },
            },
          },
        },
      },
    }));
    await meshScheduler.triggerTask(DISCOVERY_TASK);
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function component(name: string): Promise<Entity> {
    const res = await request(backend.server).get(
      `/api/catalog/entities/by-name/component/default/${name}`,
    );
    expect(res.status).toBe(200);
    return res.body;
  }
  const related = (entity: Entity, type: string) =>
    (entity.relations ?? [])
      .filter(r => r.type === type && r.targetRef.startsWith('component:'))
      .map(r => r.targetRef)
      .sort();

  it('draws productpage → reviews → ratings, with the reverse relations', async () => {
    await catalogScheduler.triggerTask(PROVIDER_TASK);
    await eventually(async () => {
      expect(
        related(await component('productpage.bookinfo'), 'dependsOn'),
      ).toEqual([
        'component:default/details.bookinfo',
        'component:default/reviews.bookinfo',
      ]);
      const reviews = await component('reviews.bookinfo');
      expect(related(reviews, 'dependsOn')).toEqual([
        'component:default/ratings.bookinfo',
      ]);
      expect(related(reviews, 'dependencyOf')).toEqual([
        'component:default/productpage.bookinfo',
      ]);
      // across meshes: orders (mesh1) calls users in mesh2 and Linkerd's cluster
      expect(related(await component('orders.orders'), 'dependsOn')).toEqual([
        'component:default/accounts.accounts',
        'component:default/history.orders',
        'component:default/users.accounts',
      ]);
    });
  });

  it('drops a relation once a whole window passes without its calls', async () => {
    fs.writeFileSync(
      trafficFile,
      JSON.stringify({
        ...demoTraffic,
        edges: demoTraffic.edges.filter(
          e =>
            !(
              e.source.service === 'reviews' &&
              e.destination.service === 'ratings'
            ),
        ),
      }),
    );
    await catalogScheduler.triggerTask(PROVIDER_TASK);
    await eventually(async () => {
      expect(related(await component('reviews.bookinfo'), 'dependsOn')).toEqual(
        [],
      );
      expect(
        related(await component('productpage.bookinfo'), 'dependsOn'),
      ).toContain('component:default/reviews.bookinfo');
    });
  });

  it('keeps every relation while the traffic source cannot be read', async () => {
    fs.writeFileSync(trafficFile, '{ not json');
    await catalogScheduler.triggerTask(PROVIDER_TASK);
    // the provider has run (the refresh is awaited); give the catalog a moment to process
    await new Promise(resolve => setTimeout(resolve, 1500));
    expect(
      related(await component('productpage.bookinfo'), 'dependsOn'),
    ).toEqual([
      'component:default/details.bookinfo',
      'component:default/reviews.bookinfo',
    ]);
    expect(stringifyEntityRef(await component('orders.orders'))).toBe(
      'component:default/orders.orders',
    );
  });
});
