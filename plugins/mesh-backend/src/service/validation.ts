import { InputError } from '@backstage/errors';
import {
  NAMESPACE_NAME_RULE,
  nameProblem,
  type NameRule,
  SERVICE_NAME_RULE,
} from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod';

export const MAX_PAGE_SIZE = 500;

/**
 * A query parameter holding a plain decimal integer: `Number()` would also take `0x10`, `1e3`,
 * ` 7 ` and, through express's query parser, `limit[]=1` as an array.
 */
const decimal = (fallback: number) =>
  z
    .string({ message: 'must be a whole number, given once' })
    .regex(/^\d{1,9}$/, 'must be a whole number in decimal digits, e.g. 50')
    .transform(Number)
    .optional()
    .transform(value => value ?? fallback);

export const serviceQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    cluster: z.string().min(1).max(253).optional(),
    namespace: z.string().min(1).max(63).optional(),
    offset: decimal(0),
    limit: decimal(50).pipe(z.number().min(1).max(MAX_PAGE_SIZE)),
  })
  .strict();

/** A path parameter holding a Kubernetes name, checked by mesh-common's rule for it. */
const kubernetesName = (what: string, rule: NameRule) =>
  z.string().superRefine((value, ctx) => {
    const problem = nameProblem(what, value, rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Kubernetes names, so paths cannot smuggle anything else. */
export const servicePathSchema = z.object({
  namespace: kubernetesName('namespace', NAMESPACE_NAME_RULE),
  name: kubernetesName('service name', SERVICE_NAME_RULE),
});

/** Parses or throws an InputError (HTTP 400) that names every offending field. */
export function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues
    .map(issue => {
      const field = issue.path.join('.') || 'query';
      if (issue.code === 'unrecognized_keys') {
        return `unknown parameter(s) ${issue.keys.join(', ')}`;
      }
      return `${field}: ${issue.message}`;
    })
    .join('; ');
  throw new InputError(`Invalid ${what}: ${details}`);
}
