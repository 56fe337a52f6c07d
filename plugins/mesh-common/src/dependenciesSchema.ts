import { z } from 'zod';

const serviceRef = z.looseObject({ namespace: z.string(), name: z.string() });

/**
 * `GET /api/mesh/dependencies` at run time: what the catalog module checks before turning
 * the answer into relations (written against `ServiceDependencies` in traffic.ts).
 */
export const serviceDependenciesSchema = z.looseObject({
  window: z.string(),
  windowSeconds: z.number(),
  evaluatedAt: z.string(),
  source: z.string(),
  dependencies: z.array(
    z.looseObject({
      from: serviceRef,
      to: serviceRef,
      requestsPerSecond: z.number().min(0),
      connectionsPerSecond: z.number().min(0),
      errorsPerSecond: z.number().min(0).optional(),
      mtlsRequestsPerSecond: z.number().min(0).optional(),
      plaintextRequestsPerSecond: z.number().min(0).optional(),
      mtlsConnectionsPerSecond: z.number().min(0).optional(),
      plaintextConnectionsPerSecond: z.number().min(0).optional(),
      clusterPairs: z.array(
        z.looseObject({ from: z.string(), to: z.string() }),
      ),
    }),
  ),
  clusters: z.array(
    z.looseObject({
      cluster: z.string(),
      state: z.enum(['ok', 'partial', 'unavailable']),
      source: z.string(),
      reason: z.string().optional(),
    }),
  ),
  partial: z.boolean(),
});
