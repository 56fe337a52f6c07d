import { z } from 'zod';
import { serviceIdSchema } from './findingsQuery';

/** `k=v,k=v`: the caller's pod labels. */
const labelsSchema = z.string().transform((text, ctx) => {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    if (!key) {
      ctx.addIssue({
        code: 'custom',
        message: `"${pair}" is not key=value; give labels as k=v,k=v`,
      });
      return z.NEVER;
    }
    labels[key] = pair.slice(at + 1).trim();
  }
  return labels;
});

const portSchema = z
  .string()
  .regex(/^\d+$/, 'port must be a port number')
  .transform(Number)
  .refine(n => n >= 1 && n <= 65535, {
    message: 'port must be from 1 to 65535',
  });

/** The query of `GET /trace`: who calls, which service, and optionally the request. */
export const traceQuerySchema = z
  .object({
    fromCluster: z.string().min(1, 'name the calling cluster'),
    fromNamespace: z.string().min(1, 'name the calling namespace'),
    fromServiceAccount: z.string().min(1).optional(),
    fromLabels: labelsSchema.optional(),
    to: serviceIdSchema,
    port: portSchema.optional(),
    path: z.string().startsWith('/', 'path must start with /').optional(),
    method: z
      .string()
      .regex(/^[A-Za-z]+$/, 'method must be an HTTP method such as GET')
      .transform(m => m.toUpperCase())
      .optional(),
  })
  .strict();

export type TraceQuery = z.infer<typeof traceQuerySchema>;
