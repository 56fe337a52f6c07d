import type {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { meshTrafficReadPermission } from '@meshport/backstage-plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { FleetSource } from './fleetSource';
import { readMetricsConfig } from './config/readMetricsConfig';
import { createTrafficSource } from './createTrafficSource';
import { computeMtlsStatus } from './mtls/computeMtlsStatus';
import { isDnsLabel } from './promql/labels';
import { parseWindow } from './promql/window';
import type { TrafficSource } from './traffic/TrafficSource';
import type { ServiceAccess } from '../service/ServiceEntityAccess';

export interface MetricsRouterOptions {
  fleetStore: FleetSource;
  config: Config;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Whether a caller may see a given service (its catalog entity's read permission). */
  serviceAccess: ServiceAccess;
  /** Replaces the source built from config (tests; a custom backend). */
  trafficSource?: TrafficSource;
}

const dnsLabel = (what: string) =>
  z.string().refine(isDnsLabel, {
    message: `${what} must be a Kubernetes name: lower-case letters, digits and '-', at most 63 characters`,
  });

const paramsSchema = z.object({
  namespace: dnsLabel('namespace'),
  name: dnsLabel('service name'),
});

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

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InputError(
      result.error.issues
        .map(i =>
          i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
        )
        .join('; '),
    );
  }
  return result.data;
}

/**
 * The observe API, mounted by the mesh backend:
 * `GET /services/:namespace/:name/traffic?window=5m` and
 * `GET /services/:namespace/:name/mtls?window=1h`.
 */
export async function createMetricsRouter(
  options: MetricsRouterOptions,
): Promise<express.Router> {
  const { fleetStore, logger, httpAuth, permissions, serviceAccess } = options;
  const source =
    options.trafficSource ??
    createTrafficSource({
      config: readMetricsConfig(options.config),
      fleetStore,
      logger,
    });

  const router = Router();

  async function authorize(req: express.Request) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: meshTrafficReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to read mesh traffic (permission ${meshTrafficReadPermission.name})`,
      );
    }
    return credentials;
  }

  /**
   * The service as discovered, or a 404 before any Prometheus query: traffic for a service no
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
    const service = parse(paramsSchema, req.params);
    const { window } = parse(windowSchema('5m'), req.query);
    await knownService(credentials, service);
    res.json(await source.getTraffic(service, window));
  });

  router.get('/services/:namespace/:name/mtls', async (req, res) => {
    const credentials = await authorize(req);
    const service = parse(paramsSchema, req.params);
    // An hour by default: a sparse plaintext caller shows up over an hour, rarely in 5 minutes.
    const { window } = parse(windowSchema('1h'), req.query);
    await knownService(credentials, service);
    const [traffic, fleet] = await Promise.all([
      source.getTraffic(service, window),
      fleetStore.getFleet(),
    ]);
    res.json(computeMtlsStatus(fleet, traffic));
  });

  return router;
}
