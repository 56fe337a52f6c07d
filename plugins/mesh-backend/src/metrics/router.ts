import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  meshTrafficReadPermission,
  type ServiceDependencies,
} from '@meshport/backstage-plugin-mesh-common';
import { parseWindow } from '@meshport/backstage-plugin-mesh-node';
import type {
  MeshFleetReader,
  MeshTrafficSource,
} from '@meshport/backstage-plugin-mesh-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { computeMtlsStatus } from './mtls/computeMtlsStatus';
import { createAuthorize } from '../service/http/authorize';
import { parseOrThrow, servicePathSchema } from '../service/http/parse';
import type { ServiceAccess } from '../service/ServiceEntityAccess';

export interface MetricsRouterOptions {
  fleetStore: MeshFleetReader;
  /** The source a traffic-source module set, or the one answering `unavailable`. */
  trafficSource: MeshTrafficSource;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Whether a caller may see a given service (its catalog entity's read permission). */
  serviceAccess: ServiceAccess;
}

const windowSchema = (fallback: string) =>
  z.object({
    window: z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        const parsed = parseWindow(text);
        if (!parsed.ok) {
          ctx.addIssue({ code: 'custom', message: parsed.message });
          return z.NEVER;
        }
        return { text, seconds: parsed.seconds };
      }),
  });

/**
 * The observe API, mounted by the mesh backend:
 * `GET /services/:namespace/:name/traffic?window=5m`,
 * `GET /services/:namespace/:name/mtls?window=1h` and
 * `GET /dependencies?window=15m` (who calls whom, fleet-wide).
 */
export async function createMetricsRouter(
  options: MetricsRouterOptions,
): Promise<express.Router> {
  const { fleetStore, trafficSource, serviceAccess } = options;
  const router = Router();
  const check = createAuthorize(options);
  const authorize = (req: express.Request) =>
    check(req, meshTrafficReadPermission, 'read mesh traffic');

  /**
   * The service as discovered, or a 404 before any traffic query: traffic for a service no
   * cluster runs is a typo, not an empty answer.
   */
  async function knownService(
    credentials: BackstageCredentials,
    params: { namespace: string; name: string },
  ) {
    const service = (await fleetStore.getFleet()).services.find(
      s => s.namespace === params.namespace && s.name === params.name,
    );
    if (!service) {
      throw new NotFoundError(
        `No mesh service ${params.namespace}/${params.name} was discovered in any cluster; check the namespace and name`,
      );
    }
    await serviceAccess.assertMayRead(credentials, service);
  }

  router.get('/services/:namespace/:name/traffic', async (req, res) => {
    const credentials = await authorize(req);
    const service = parseOrThrow(servicePathSchema, req.params, 'service path');
    const { window } = parseOrThrow(windowSchema('5m'), req.query, 'window');
    await knownService(credentials, service);
    res.json(await trafficSource.getTraffic(service, window));
  });

  router.get('/services/:namespace/:name/mtls', async (req, res) => {
    const credentials = await authorize(req);
    const service = parseOrThrow(servicePathSchema, req.params, 'service path');
    // An hour by default: a sparse plaintext caller shows up over an hour, rarely in 5 minutes.
    const { window } = parseOrThrow(windowSchema('1h'), req.query, 'window');
    await knownService(credentials, service);
    const [traffic, fleet] = await Promise.all([
      trafficSource.getTraffic(service, window),
      fleetStore.getFleet(),
    ]);
    res.json(computeMtlsStatus(fleet, traffic));
  });

  // Who calls whom across the fleet: a pair is listed only when the caller may read both
  // services (a pair tells of both), and only between services discovery knows, since the
  // permission to read a service is decided on the service as discovered.
  router.get('/dependencies', async (req, res) => {
    const credentials = await authorize(req);
    const { window } = parseOrThrow(windowSchema('15m'), req.query, 'window');
    const fleet = await fleetStore.getFleet();
    if (!trafficSource.getDependencies) {
      const body: ServiceDependencies = {
        window: window.text,
        windowSeconds: window.seconds,
        evaluatedAt: new Date().toISOString(),
        source: 'none',
        dependencies: [],
        clusters: fleet.clusters.map(c => ({
          cluster: c.name,
          state: 'unavailable',
          source: 'none',
          reason:
            'the installed traffic source cannot list dependencies fleet-wide: install @meshport/backstage-plugin-mesh-backend-module-prometheus or the traffic-snapshot module',
        })),
        partial: true,
      };
      res.json(body);
      return;
    }
    const answer = await trafficSource.getDependencies(window);
    const mayRead = await serviceAccess.readableServices(
      credentials,
      fleet.services,
    );
    const readable = new Set(
      fleet.services.filter(mayRead).map(s => `${s.namespace}/${s.name}`),
    );
    res.json({
      ...answer,
      dependencies: answer.dependencies.filter(
        d =>
          readable.has(`${d.from.namespace}/${d.from.name}`) &&
          readable.has(`${d.to.namespace}/${d.to.name}`),
      ),
    });
  });

  return router;
}
