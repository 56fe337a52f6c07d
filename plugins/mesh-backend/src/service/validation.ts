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
