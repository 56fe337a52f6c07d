import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterListResponse,
  meshFleetReadPermission,
  MeshListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import type { FleetStore } from '../store/FleetStore';
import { queryServices } from './queryServices';
import type { ServiceAccess } from './ServiceEntityAccess';
import {
  parseOrThrow,
  serviceQuerySchema,
  servicePathSchema,
} from './validation';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  fleetStore: FleetStore;
  serviceAccess: ServiceAccess;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, fleetStore, serviceAccess } = options;
  const router = Router();
  router.use(express.json());

  async function authorize(req: express.Request) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: meshFleetReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to read the mesh fleet (permission ${meshFleetReadPermission.name})`,
      );
    }
    return credentials;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/fleet', async (req, res) => {
    await authorize(req);
    res.json(await fleetStore.getFleet());
  });

  router.get('/clusters', async (req, res) => {
    await authorize(req);
    const body: ClusterListResponse = {
      items: (await fleetStore.getFleet()).clusters,
    };
    res.json(body);
  });

  router.get('/meshes', async (req, res) => {
    await authorize(req);
    const fleet = await fleetStore.getFleet();
    const body: MeshListResponse = { items: fleet.meshes, links: fleet.links };
    res.json(body);
  });

  router.get('/services', async (req, res) => {
    await authorize(req);
    const query = parseOrThrow(serviceQuerySchema, req.query, 'service query');
    res.json(queryServices((await fleetStore.getFleet()).services, query));
  });

  router.get('/services/:namespace/:name', async (req, res) => {
    const credentials = await authorize(req);
    const { namespace, name } = parseOrThrow(
      servicePathSchema,
      req.params,
      'service path',
    );
    await serviceAccess.assertMayRead(credentials, namespace, name);
    const service = await fleetStore.getService(namespace, name);
    if (!service) {
      throw new NotFoundError(
        `No mesh service ${namespace}/${name} was discovered in any cluster; check the namespace and name, or GET /services?q=${name}`,
      );
    }
    res.json(service);
  });

  return router;
}
