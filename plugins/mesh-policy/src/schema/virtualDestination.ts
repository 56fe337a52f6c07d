import { z } from 'zod';
import {
  clusterNameSchema,
  destinationSchema,
  durationSchema,
  hostnameSchema,
  metadataSchema,
} from './common';

const regionSchema = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/, {
    error: 'a region is a lower-case name, e.g. us-east-1',
  });

export const virtualDestinationSchema = z.strictObject({
  apiVersion: z.literal('meshport.dev/v1alpha1'),
  kind: z.literal('VirtualDestination'),
  metadata: metadataSchema,
  spec: z.strictObject({
    /** The global name clients call, e.g. `reviews.global`. */
    hostname: hostnameSchema,
    /** The service backing the hostname; `port` is required because the global host has one. */
    destination: destinationSchema.required({ port: true }),
    /** Clusters whose instances back the hostname. Absent: every cluster running the service. */
    clusters: z.array(clusterNameSchema).min(1).max(32).optional(),
    failover: z.discriminatedUnion(
      'mode',
      [
        z.strictObject({
          mode: z.literal('locality'),
          /** Explicit region failover; without it Envoy fails over to the nearest locality. */
          regions: z
            .array(
              z
                .strictObject({ from: regionSchema, to: regionSchema })
                // Istio's webhook refuses it (agent.ValidateLocalityLbSetting,
                // pkg/config/validation/agent/validation.go).
                .refine(r => r.from !== r.to, {
                  error:
                    'locality lb failover settings must specify different regions: a region cannot fail over to itself',
                  path: ['to'],
                }),
            )
            .max(16)
            .optional(),
        }),
        z.strictObject({
          mode: z.literal('priority'),
          /** Endpoint labels in priority order: endpoints sharing more leading labels with the client win. */
          labels: z
            .array(
              z.enum([
                'topology.istio.io/network',
                'topology.istio.io/cluster',
                'topology.kubernetes.io/region',
                'topology.kubernetes.io/zone',
              ]),
            )
            .min(1)
            .max(4),
        }),
      ],
      { error: 'failover.mode must be locality or priority' },
    ),
    outlierDetection: z.strictObject({
      consecutive5xxErrors: z.number().int().min(1).max(1000),
      interval: durationSchema,
      baseEjectionTime: durationSchema,
      maxEjectionPercent: z.number().int().min(0).max(100).optional(),
    }),
  }),
});

export type VirtualDestination = z.infer<typeof virtualDestinationSchema>;
