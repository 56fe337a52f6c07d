import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { meshFleetReadPermission } from '@meshport/backstage-plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { FleetStore } from '../fleet/FleetStore';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  fleetStore: FleetStore;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, fleetStore } = options;
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
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/fleet', async (req, res) => {
    await authorize(req);
    res.json(await fleetStore.getFleet());
  });

  return router;
}
