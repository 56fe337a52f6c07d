import { z } from 'zod';
import {
  clusterNameSchema,
  destinationSchema,
  durationSchema,
  headerNameSchema,
  headerValueSchema,
  labelMapSchema,
  metadataSchema,
  namespaceSchema,
  pathValueSchema,
  percentSchema,
} from './common';

/** Which clients a TrafficPolicy applies to. Every field narrows; an empty source matches all. */
export const trafficSourceSchema = z.strictObject({
  cluster: clusterNameSchema.optional(),
  namespace: namespaceSchema.optional(),
  labels: labelMapSchema.optional(),
});

const stringMatchSchema = z.union(
  [
    z.strictObject({ exact: headerValueSchema }),
    z.strictObject({ prefix: headerValueSchema }),
  ],
  { error: 'give exactly one of exact or prefix' },
);

export const requestMatchSchema = z.strictObject({
  path: z
    .union(
      [
        z.strictObject({ exact: pathValueSchema }),
        z.strictObject({ prefix: pathValueSchema }),
      ],
      { error: 'give exactly one of exact or prefix' },
    )
    .optional(),
  method: z
    .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
    .optional(),
  headers: z
    .record(headerNameSchema, stringMatchSchema)
    .refine(h => Object.keys(h).length <= 8, {
      error: 'at most 8 header matches',
    })
    .optional(),
});

/** A place traffic can go: a cluster, a subset (pod labels), or both. */
export const routeTargetSchema = z.strictObject({
  cluster: clusterNameSchema.optional(),
  subset: labelMapSchema.optional(),
});

export const weightedTargetSchema = routeTargetSchema.extend({
  weight: z
    .number({ error: 'weight must be a number' })
    .int({ error: 'weight must be a whole number of percent' })
    .min(0, { error: 'weight must be between 0 and 100' })
    .max(100, { error: 'weight must be between 0 and 100' }),
});

const RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'refused-stream',
  'retriable-4xx',
] as const;

export const trafficPolicySpecSchema = z
  .strictObject({
    sources: z
      .array(trafficSourceSchema)
      .max(16, { error: 'at most 16 sources' })
      .optional(),
    destination: destinationSchema,
    match: z
      .array(requestMatchSchema)
      .max(8, { error: 'at most 8 matches' })
      .optional(),
    route: z
      .array(weightedTargetSchema)
      .min(1, { error: 'route needs at least one target' })
      .max(8, { error: 'at most 8 route targets' })
      .superRefine((targets, ctx) => {
        const sum = targets.reduce((total, t) => total + t.weight, 0);
        if (sum !== 100) {
          ctx.addIssue({
            code: 'custom',
            message: `weights add up to ${sum}, they must add up to 100`,
          });
        }
        const seen = new Set<string>();
        for (const t of targets) {
          const key = JSON.stringify([
            t.cluster ?? '',
            Object.entries(t.subset ?? {}).sort(),
          ]);
          if (seen.has(key)) {
            ctx.addIssue({
              code: 'custom',
              message:
                'two targets name the same cluster and subset: merge them into one and add their weights',
            });
          }
          seen.add(key);
        }
      })
      .optional(),
    timeout: durationSchema.optional(),
    retries: z
      .strictObject({
        attempts: z
          .number()
          .int()
          .min(0)
          .max(10, { error: 'at most 10 retry attempts' }),
        perTryTimeout: durationSchema.optional(),
        retryOn: z.array(z.enum(RETRY_ON)).min(1).optional(),
      })
      .optional(),
    faultInjection: z
      .strictObject({
        delay: z
          .strictObject({ percent: percentSchema, fixedDelay: durationSchema })
          .optional(),
        abort: z
          .strictObject({
            percent: percentSchema,
            httpStatus: z
              .number()
              .int()
              .min(200)
              .max(599, { error: 'httpStatus must be 200-599' }),
          })
          .optional(),
      })
      .refine(f => f.delay || f.abort, {
        error: 'faultInjection needs a delay or an abort',
      })
      .optional(),
    mirror: routeTargetSchema.extend({ percent: percentSchema }).optional(),
    outlierDetection: z
      .strictObject({
        consecutive5xxErrors: z.number().int().min(1).max(1000),
        interval: durationSchema.optional(),
        baseEjectionTime: durationSchema.optional(),
        maxEjectionPercent: z.number().int().min(0).max(100).optional(),
      })
      .optional(),
    cors: z
      .strictObject({
        allowOrigins: z.array(stringMatchSchema).min(1).max(16),
        allowMethods: z
          .array(
            z.enum([
              'GET',
              'HEAD',
              'POST',
              'PUT',
              'PATCH',
              'DELETE',
              'OPTIONS',
            ]),
          )
          .optional(),
        allowHeaders: z.array(headerNameSchema).max(32).optional(),
        exposeHeaders: z.array(headerNameSchema).max(32).optional(),
        maxAge: durationSchema.optional(),
        allowCredentials: z.boolean().optional(),
      })
      .optional(),
    headers: z
      .strictObject({
        request: headerOperationsSchema().optional(),
        response: headerOperationsSchema().optional(),
      })
      .optional(),
  })
  .refine(
    s =>
      s.route ||
      s.timeout ||
      s.retries ||
      s.faultInjection ||
      s.mirror ||
      s.outlierDetection ||
      s.cors ||
      s.headers,
    {
      error:
        'the policy sets nothing: add at least one of route, timeout, retries, faultInjection, mirror, outlierDetection, cors, headers',
    },
  );

function headerOperationsSchema() {
  const headerMap = z
    .record(headerNameSchema, headerValueSchema)
    .refine(m => Object.keys(m).length <= 16, { error: 'at most 16 headers' });
  return z.strictObject({
    set: headerMap.optional(),
    add: headerMap.optional(),
    remove: z.array(headerNameSchema).max(16).optional(),
  });
}

export const trafficPolicySchema = z.strictObject({
  apiVersion: z.literal('meshport.dev/v1alpha1'),
  kind: z.literal('TrafficPolicy'),
  metadata: metadataSchema,
  spec: trafficPolicySpecSchema,
});

export type TrafficPolicy = z.infer<typeof trafficPolicySchema>;
export type TrafficPolicySpec = TrafficPolicy['spec'];
export type TrafficSource = z.infer<typeof trafficSourceSchema>;
export type RouteTarget = z.infer<typeof routeTargetSchema>;
export type WeightedTarget = z.infer<typeof weightedTargetSchema>;
export type RequestMatch = z.infer<typeof requestMatchSchema>;
