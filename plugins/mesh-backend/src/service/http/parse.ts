import { InputError } from '@backstage/errors';
import {
  NAMESPACE_NAME_RULE,
  nameProblem,
  type NameRule,
  SERVICE_NAME_RULE,
} from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod';

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

const kubernetesName = (what: string, rule: NameRule) =>
  z.string().superRefine((value, ctx) => {
    const problem = nameProblem(what, value, rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * `:namespace/:name` of a service path, by mesh-common's rules for them (a namespace is a
 * DNS-1123 label; a Service name too, see SERVICE_NAME_RULE for why not DNS-1035). Nothing
 * else can then reach a fleet lookup or a metrics query.
 */
export const servicePathSchema = z.object({
  namespace: kubernetesName('namespace', NAMESPACE_NAME_RULE),
  name: kubernetesName('service name', SERVICE_NAME_RULE),
});
