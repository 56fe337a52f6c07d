import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  FINDING_SEVERITIES,
  type FindingSeverity,
} from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod';
import { servicePathSchema } from '../service/http/parse';

/** `<namespace>/<name>` of a mesh service, each part by the path's rules. */
export const serviceIdSchema = z.string().transform((text, ctx) => {
  const [namespace, name, ...rest] = text.split('/');
  const parsed = servicePathSchema.safeParse({ namespace, name });
  if (rest.length > 0 || name === undefined || !parsed.success) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not <namespace>/<name> of a service${
        parsed.success || name === undefined
          ? ''
          : ` (${parsed.error.issues.map(i => i.message).join('; ')})`
      }`,
    });
    return z.NEVER;
  }
  return parsed.data;
});

const severities = z.string().transform((text, ctx) => {
  const list = text
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const unknown = list.filter(
    s => !FINDING_SEVERITIES.includes(s as FindingSeverity),
  );
  if (list.length === 0 || unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${
        unknown.length > 0 ? `unknown severity ${unknown.join(', ')}` : 'empty'
      }; give a comma list of ${FINDING_SEVERITIES.join(', ')}`,
    });
    return z.NEVER;
  }
  return new Set(list as FindingSeverity[]);
});

/** An entity ref as findings name owners: `group:default/team-a` (kind group unless given). */
export const ownerRef = z.string().transform((text, ctx) => {
  try {
    return stringifyEntityRef(
      parseEntityRef(text.trim(), {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    );
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not an entity ref such as group:default/team-a (${
        (error as Error).message
      })`,
    });
    return z.NEVER;
  }
});

export const count = (what: string, max?: number) =>
  z
    .string()
    .regex(/^\d+$/, `${what} must be a whole number`)
    .transform(Number)
    .refine(n => max === undefined || n <= max, {
      message: `${what} must be at most ${max}`,
    });

/** The query of `GET /findings`. */
export const findingsQuerySchema = z
  .object({
    service: serviceIdSchema.optional(),
    cluster: z.string().min(1, 'cluster must not be empty').optional(),
    severity: severities.optional(),
    owner: ownerRef.optional(),
    limit: count('limit', 1000)
      .refine(n => n >= 1, { message: 'limit must be at least 1' })
      .default(100),
    offset: count('offset').default(0),
  })
  .strict();

export type FindingsQuery = z.infer<typeof findingsQuerySchema>;
