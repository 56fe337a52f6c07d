import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { demoFleet } from '../__fixtures__/fleet';
import { HttpMeshFleetClient } from './MeshFleetClient';

describe('HttpMeshFleetClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const discovery = {
    getBaseUrl: async (pluginId: string) => `http://backstage/api/${pluginId}`,
    getExternalBaseUrl: async (pluginId: string) =>
      `http://backstage/api/${pluginId}`,
  };
  const client = new HttpMeshFleetClient({
    discovery,
    auth: mockServices.auth({ pluginId: 'catalog' }),
  });

  it('fetches the fleet with a service token for the mesh plugin', async () => {
    let authorization: string | null = null;
    server.use(
      http.get('http://backstage/api/mesh/fleet', ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json(demoFleet());
      }),
    );
    await expect(client.getFleet()).resolves.toEqual(demoFleet());
    expect(authorization).toMatch(/^Bearer /);
    expect(authorization).toContain('"sub":"plugin:catalog"');
    expect(authorization).toContain('"target":"mesh"');
  });

  it('rejects an error response', async () => {
    server.use(
      http.get('http://backstage/api/mesh/fleet', () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'no' } },
          { status: 403 },
        ),
      ),
    );
    await expect(client.getFleet()).rejects.toThrow(/403/);
  });

  it('rejects a body that is not a fleet', async () => {
    server.use(
      http.get('http://backstage/api/mesh/fleet', () =>
        HttpResponse.json({ clusters: [] }),
      ),
    );
    await expect(client.getFleet()).rejects.toThrow(
      'The mesh backend returned a malformed fleet: "meshes" is not an array',
    );
  });
});
