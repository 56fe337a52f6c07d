import { InputError } from '@backstage/errors';
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

/** Kubernetes names (RFC 1123 labels and subdomains), so paths cannot smuggle anything else. */
export const servicePathSchema = z.object({
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(63),
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
    .max(253),
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
