import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ClusterListResponse,
  meshFleetReadPermission,
  MeshListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import type { FleetStore } from '../store/FleetStore';
import { FleetEtag } from './FleetEtag';
import { queryServices } from './queryServices';
import type { ServiceAccess } from './ServiceEntityAccess';
import { createAuthorize } from './http/authorize';
import { ServiceJson } from './http/ServiceJson';
import { parseOrThrow, servicePathSchema } from './http/parse';
import { serviceQuerySchema } from './validation';
import { visibleClusters } from './visibleConfig';

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

  const check = createAuthorize({ httpAuth, permissions });
  const authorize = (req: express.Request) =>
    check(req, meshFleetReadPermission, 'read the mesh fleet');

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const fleetEtag = new FleetEtag();
  const serviceJson = new ServiceJson();

  // Every answer holding services holds only those the caller may read (ServiceAccess).
  // The fleet is megabytes and its readers poll it: one whose copy is current (If-None-Match
  // with the tag it was given) gets 304 without a body (RFC 9110 §13.1.2). `req.fresh`
  // compares as that section says (any listed tag, weakly; `*`). Permissions are checked and
  // the caller's view computed first, so a 304 confirms only what this caller may read.
  router.get('/fleet', async (req, res) => {
    const credentials = await authorize(req);
    const fleet = await fleetStore.getFleet();
    const mayRead = await serviceAccess.readableServices(
      credentials,
      fleet.services,
    );
    const services = fleet.services.filter(mayRead);
    // per caller: no shared cache may hand one caller's view to another
    res.set('Cache-Control', 'private, no-cache');
    // the clusters' config follows from the services served, so the tag covers it too
    res.set('ETag', fleetEtag.of(fleet, services));
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.json({
      ...fleet,
      clusters: visibleClusters(fleet, services),
      services,
    });
  });

  router.get('/clusters', async (req, res) => {
    const credentials = await authorize(req);
    const fleet = await fleetStore.getFleet();
    const mayRead = await serviceAccess.readableServices(
      credentials,
      fleet.services,
    );
    const body: ClusterListResponse = {
      items: visibleClusters(fleet, fleet.services.filter(mayRead)),
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
    const credentials = await authorize(req);
    const query = parseOrThrow(serviceQuerySchema, req.query, 'service query');
    const { fleet, serviceIndex } = await fleetStore.getFleetView();
    const mayRead = await serviceAccess.readableServices(
      credentials,
      fleet.services,
    );
    const { body, etag } = serviceJson.page(
      queryServices(serviceIndex, query, mayRead),
    );
    res.type('json').set('ETag', etag).send(body);
  });

  router.get('/services/:namespace/:name', async (req, res) => {
    const credentials = await authorize(req);
    const { namespace, name } = parseOrThrow(
      servicePathSchema,
      req.params,
      'service path',
    );
    const { serviceIndex } = await fleetStore.getFleetView();
    const service = serviceIndex.get(namespace, name);
    // the entity standing for a service follows its resolved owner, so the fleet comes first;
    // an unknown service tells nothing about any entity
    if (!service) {
      throw new NotFoundError(
        `No mesh service ${namespace}/${name} was discovered in any cluster; check the namespace and name, or GET /services?q=${name}`,
      );
    }
    await serviceAccess.assertMayRead(credentials, service);
    const { body, etag } = serviceJson.of(service);
    res.type('json').set('ETag', etag).send(body);
  });

  return router;
}
