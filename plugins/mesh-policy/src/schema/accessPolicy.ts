import { z } from 'zod';
import {
  clusterNameSchema,
  destinationSchema,
  dnsLabelSchema,
  metadataSchema,
  namespaceSchema,
  pathValueSchema,
  portSchema,
} from './common';

/**
 * A caller identity. The cluster is required: it decides the trust domain of the principal,
 * and two clusters may use the same namespace and service account names for different teams.
 */
export const accessSourceSchema = z.strictObject({
  cluster: clusterNameSchema,
  namespace: namespaceSchema,
  /** Absent: every service account of the namespace. */
  serviceAccount: dnsLabelSchema('serviceAccount').optional(),
});

export const accessPolicySchema = z.strictObject({
  apiVersion: z.literal('meshport.dev/v1alpha1'),
  kind: z.literal('AccessPolicy'),
  metadata: metadataSchema,
  spec: z.strictObject({
    sources: z
      .array(accessSourceSchema)
      .min(1, {
        error:
          'name at least one source identity (cluster, namespace, serviceAccount)',
      })
      .max(32, { error: 'at most 32 sources' }),
    destination: destinationSchema,
    allow: z
      .strictObject({
        methods: z
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
          .min(1)
          .optional(),
        paths: z
          .array(
            pathValueSchema.regex(/^[^*]*\*?$/, {
              error: 'a path may only end in "*"',
            }),
          )
          .min(1)
          .max(32)
          .optional(),
        ports: z.array(portSchema).min(1).max(8).optional(),
      })
      .optional(),
  }),
});

export type AccessPolicy = z.infer<typeof accessPolicySchema>;
export type AccessSource = z.infer<typeof accessSourceSchema>;
