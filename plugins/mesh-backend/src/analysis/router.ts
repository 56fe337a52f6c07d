import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  meshFleetReadPermission,
  type Fleet,
  type MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import type { MeshTrafficSource } from '@meshport/backstage-plugin-mesh-node';
import type { AnalysisResult } from '@meshport/backstage-plugin-mesh-policy';
import express from 'express';
import Router from 'express-promise-router';
import { createAuthorize } from '../service/http/authorize';
import { parseOrThrow } from '../service/http/parse';
import type { ServiceAccess } from '../service/ServiceEntityAccess';
import type { FleetStore } from '../store/FleetStore';
import type { FleetAnalysis } from './FleetAnalysis';
import { FleetTracer, UnknownCaller } from './FleetTracer';
import { findingsQuerySchema } from './findingsQuery';
import { mergeResults } from './mergeResults';
import { selectFindings } from './selectFindings';
import { traceQuerySchema } from './traceQuery';

export interface AnalysisRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  fleetStore: FleetStore;
  serviceAccess: ServiceAccess;
  trafficSource: MeshTrafficSource;
  analysis: FleetAnalysis;
  /**
   * Findings about the policies' lifecycle (rejected, drifted, missing), listed beside the
   * analysis findings and filtered by the same rule.
   */
  lifecycleFindings?: (
    credentials: BackstageCredentials,
  ) => Promise<AnalysisResult>;
}

/**
 * The traffic the traffic-aware checks compare config with: an hour, as the mTLS card reads
 * it, since a sparse plaintext caller shows up over an hour and rarely in five minutes.
 */
const TRAFFIC_WINDOW = { text: '1h', seconds: 3600 };

const codes = (checks: readonly { code: string }[]) =>
  checks.map(c => c.code).join(', ');

/** Each service of an analysed fleet by id, built once per fleet, for the requests after. */
const byId = new WeakMap<Fleet, Map<string, MeshService>>();
function servicesById(fleet: Fleet): Map<string, MeshService> {
  let services = byId.get(fleet);
  if (!services) {
    services = new Map(fleet.services.map(s => [s.id, s]));
    byId.set(fleet, services);
  }
  return services;
}

/** `GET /findings` and `GET /trace`, mounted by the mesh backend. */
export async function createAnalysisRouter(
  options: AnalysisRouterOptions,
): Promise<express.Router> {
  const { fleetStore, serviceAccess, trafficSource, analysis } = options;
  const router = Router();
  const check = createAuthorize(options);
  const authorize = (req: express.Request) =>
    check(req, meshFleetReadPermission, 'read the mesh fleet');
  const tracer = new FleetTracer();

  router.get('/findings', async (req, res) => {
    const credentials = await authorize(req);
    const query = parseOrThrow(
      findingsQuerySchema,
      req.query,
      'findings query',
    );
    const { fleet, serviceIndex } = await fleetStore.getFleetView();
    // watching, possibly the findings of a fleet up to `frequency` older (see `answer`).
    // An analysis of an earlier fleet equal to this one in all the checks read is answered
    // as this fleet's, with this fleet's `generatedAt`: analysing this one would give the
    // same findings, so the answer is as fresh as the fleet it is labelled with.
    const analysed = await analysis.answer(fleet);
    let result = analysed.result;
    if (options.lifecycleFindings)
      result = mergeResults([
        result,
        await options.lifecycleFindings(credentials),
      ]);
    const notes: string[] = [];

    if (query.service) {
      const { namespace, name } = query.service;
      const service = serviceIndex.get(namespace, name);
      if (!service)
        throw new NotFoundError(
          `No mesh service ${namespace}/${name} was discovered in any cluster; check the namespace and name`,
        );
      await serviceAccess.assertMayRead(credentials, service);
      if (analysis.trafficChecks.length > 0) {
        const traffic = await trafficSource.getTraffic(
          { namespace, name },
          TRAFFIC_WINDOW,
        );
        const unavailable = traffic.clusters.filter(
          c => c.state === 'unavailable',
        );
        if (
          traffic.clusters.length > 0 &&
          unavailable.length === traffic.clusters.length
        ) {
          notes.push(
            `Checks that compare config with observed traffic (${codes(
              analysis.trafficChecks,
            )}) did not run: no cluster's traffic is available (${
              unavailable[0].reason ?? traffic.source
            }).`,
          );
        } else {
          if (unavailable.length > 0)
            notes.push(
              `Traffic of cluster(s) ${unavailable
                .map(c => c.cluster)
                .join(
                  ', ',
                )} is unavailable: checks that compare config with observed traffic did not see it.`,
            );
          result = mergeResults([result, analysis.forService(fleet, traffic)]);
        }
      }
    } else if (analysis.trafficChecks.length > 0) {
      notes.push(
        `Checks that compare config with observed traffic (${codes(
          analysis.trafficChecks,
        )}) run for one service at a time: ask with service=<namespace>/<name>.`,
      );
    }

    // asked only when a finding names a service: the catalog need not be asked otherwise
    const named = result.findings.some(f => f.services.length > 0);
    const mayRead = named
      ? await serviceAccess.readableServices(credentials, fleet.services)
      : () => true;
    // findings of an earlier fleet may name a service this one no longer holds: it is
    // judged as the fleet the findings are of held it, not waved through as unknown
    const earlier =
      named && analysed.fleet !== fleet
        ? {
            services: servicesById(analysed.fleet),
            mayRead: await serviceAccess.readableServices(
              credentials,
              analysed.fleet.services,
            ),
          }
        : undefined;
    // a service the fleet does not hold has no entity to hide it behind (a typo in config,
    // "a service no cluster has"): like a service no entity stands for yet, the fleet
    // permission decides; a finding naming one unreadable service is not listed at all
    const readable = (id: string) => {
      const [namespace, name] = id.split('/');
      const service: MeshService | undefined = serviceIndex.get(
        namespace,
        name,
      );
      if (service) return mayRead(service);
      const before = earlier?.services.get(id);
      return !before || earlier!.mayRead(before);
    };
    const visible = result.findings.filter(f => f.services.every(readable));
    res.json(
      selectFindings(visible, query, {
        generatedAt: analysed.fleet.generatedAt,
        notes: [...new Set([...result.notes, ...notes])],
      }),
    );
  });

  router.get('/trace', async (req, res) => {
    const credentials = await authorize(req);
    const query = parseOrThrow(traceQuerySchema, req.query, 'trace query');
    const { fleet, serviceIndex } = await fleetStore.getFleetView();
    const { namespace, name } = query.to;
    const destination = serviceIndex.get(namespace, name);
    // unknown and unreadable answer alike: a trace must not tell which services exist
    const notFound = new NotFoundError(
      `No mesh service ${namespace}/${name} that you may read was discovered in any cluster; check the namespace and name`,
    );
    if (!destination) throw notFound;
    try {
      await serviceAccess.assertMayRead(credentials, destination);
    } catch (error) {
      if ((error as Error).name === 'NotAllowedError') throw notFound;
      throw error;
    }
    try {
      res.json(tracer.trace(fleet, destination, query));
    } catch (error) {
      if (error instanceof UnknownCaller)
        throw new InputError(`Invalid trace query: ${error.message}`);
      throw error;
    }
  });

  return router;
}
