/**
 * The demo's policies in the catalog, end to end: the real mesh backend discovers the demo
 * fleet and syncs the demo's policy repository (the SCM snapshot in examples/demo-scm, read
 * through the same interface as GitHub), the real catalog ingests what this module publishes.
 * Each policy on the branch or in an open pull request is a mesh-policy Resource owned by the
 * requesting team, depending on its destination, its state in an annotation.
 */
import path from 'node:path';
import type { SchedulerService } from '@backstage/backend-plugin-api';
import type { TestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  MESH_POLICY_ENTITY_TYPE,
  MESH_POLICY_STATE_ANNOTATION,
} from '@meshport/backstage-plugin-mesh-common';
import request from 'supertest';
import { eventually, startCatalogWithMesh } from './__testUtils__/testBackend';

jest.setTimeout(90_000);

const EXAMPLES = path.resolve(__dirname, '../../../examples');

describe('the demo policies in the catalog', () => {
  let backend: TestBackend;
  let catalogScheduler: SchedulerService;
  let meshScheduler: SchedulerService;

  beforeAll(async () => {
    ({ backend, catalogScheduler, meshScheduler } = await startCatalogWithMesh({
      config: {
        app: { baseUrl: 'http://localhost:3000' },
        mesh: {
          snapshot: { directory: path.join(EXAMPLES, 'demo-fleet') },
          policyRepositories: [
            'github.com?owner=meshport-demo&repo=mesh-policies',
          ],
          policyLifecycle: {
            snapshot: {
              directory: path.join(EXAMPLES, 'demo-scm'),
              rootDirectory: EXAMPLES,
            },
          },
        },
        catalog: {
          providers: { meshport: { defaultOwner: 'platform-team' } },
        },
      },
    }));
  });

  afterAll(async () => {
    await backend?.stop();
  });

  async function policyEntities(): Promise<Entity[]> {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-query')
      .query({ filter: `kind=resource,spec.type=${MESH_POLICY_ENTITY_TYPE}` });
    expect(res.status).toBe(200);
    return res.body.items;
  }

  it('publishes the four demo policies with their states, owners and destinations', async () => {
    await meshScheduler.triggerTask('mesh-fleet-discovery');
    await meshScheduler.triggerTask('mesh-policy-lifecycle-sync');
    const summary = await eventually(async () => {
      await catalogScheduler.triggerTask('MeshEntityProvider:default:refresh');
      const items = await policyEntities();
      expect(items).toHaveLength(4);
      // relations are stitched after ingestion
      expect(items.every(e => (e.relations ?? []).length > 0)).toBe(true);
      return items
        .map(e => ({
          name: e.metadata.name,
          state: e.metadata.annotations?.[MESH_POLICY_STATE_ANNOTATION],
          owner: e.spec?.owner,
          dependsOn: (e.relations ?? [])
            .filter(r => r.type === 'dependsOn')
            .map(r => r.targetRef),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    });
    expect(summary).toEqual([
      {
        name: 'accesspolicy.bookinfo.productpage-reads-reviews',
        state: 'applied',
        owner: 'group:default/bookinfo-team',
        dependsOn: ['component:default/reviews.bookinfo'],
      },
      {
        name: 'trafficpolicy.bookinfo.details-timeout',
        state: 'requested',
        owner: 'group:default/bookinfo-team',
        dependsOn: ['component:default/details.bookinfo'],
      },
      {
        name: 'trafficpolicy.bookinfo.reviews-shift',
        state: 'drifted',
        owner: 'group:default/bookinfo-team',
        dependsOn: ['component:default/reviews.bookinfo'],
      },
      {
        name: 'virtualdestination.bookinfo.reviews-global',
        state: 'rejected',
        owner: 'group:default/bookinfo-team',
        dependsOn: ['component:default/reviews.bookinfo'],
      },
    ]);
  });
});
