import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { meshPlugin } from './plugin';

describe('mesh backend plugin', () => {
  it('answers health checks without credentials', async () => {
    const { server } = await startTestBackend({ features: [meshPlugin] });
    await request(server)
      .get('/api/mesh/health')
      .set('authorization', mockCredentials.none.header())
      .expect(200, { status: 'ok' });
  });

  it('serves the fleet to an authorised user', async () => {
    const { server } = await startTestBackend({ features: [meshPlugin] });
    const res = await request(server).get('/api/mesh/fleet');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ clusters: [], services: [], meshes: [] });
  });

  it('refuses the fleet without credentials', async () => {
    const { server } = await startTestBackend({ features: [meshPlugin] });
    await request(server)
      .get('/api/mesh/fleet')
      .set('authorization', mockCredentials.none.header())
      .expect(401);
  });

  it('refuses the fleet when the permission policy denies mesh.fleet.read', async () => {
    const { server } = await startTestBackend({
      features: [
        meshPlugin,
        mockServices.permissions.mock({
          authorize: async () => [{ result: AuthorizeResult.DENY }],
        }).factory,
      ],
    });
    const res = await request(server).get('/api/mesh/fleet');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('mesh.fleet.read');
  });
});
