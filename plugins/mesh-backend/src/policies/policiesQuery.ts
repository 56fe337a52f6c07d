import {
  CLUSTER_NAME_RULE,
  NAMESPACE_NAME_RULE,
  nameProblem,
  POLICY_STATES,
  type PolicyLifecycle,
  type PolicyState,
} from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod';
import { count, ownerRef, serviceIdSchema } from '../analysis/findingsQuery';

const states = z.string().transform((text, ctx) => {
  const list = text
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const unknown = list.filter(s => !POLICY_STATES.includes(s as PolicyState));
  if (list.length === 0 || unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${
        unknown.length > 0 ? `unknown state ${unknown.join(', ')}` : 'empty'
      }; give a comma list of ${POLICY_STATES.join(', ')}`,
    });
    return z.NEVER;
  }
  return new Set(list as PolicyState[]);
});

const clusterName = z.string().superRefine((value, ctx) => {
  const problem = nameProblem('cluster', value, CLUSTER_NAME_RULE);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The query of `GET /policies`. */
export const policiesQuerySchema = z
  .object({
    state: states.optional(),
    service: serviceIdSchema.optional(),
    team: ownerRef.optional(),
    cluster: clusterName.optional(),
    limit: count('limit', 1000)
      .refine(n => n >= 1, { message: 'limit must be at least 1' })
      // the Policies page asks for its policies without a limit and filters them itself
      .default(500),
    offset: count('offset').default(0),
  })
  .strict();

export type PoliciesQuery = z.infer<typeof policiesQuerySchema>;

const KINDS: ReadonlyArray<PolicyLifecycle['kind']> = [
  'TrafficPolicy',
  'AccessPolicy',
  'VirtualDestination',
];

/** `:kind/:namespace/:name` of `GET /policies/…`; the kind in any case (`trafficpolicy`). */
export const policyPathSchema = z.object({
  kind: z.string().transform((text, ctx) => {
    const kind = KINDS.find(k => k.toLowerCase() === text.toLowerCase());
    if (!kind) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a policy kind; give one of ${KINDS.join(
          ', ',
        )}`,
      });
      return z.NEVER;
    }
    return kind;
  }),
  namespace: z.string().superRefine((value, ctx) => {
    const problem = nameProblem('namespace', value, NAMESPACE_NAME_RULE);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  name: z.string().superRefine((value, ctx) => {
    const problem = nameProblem('policy name', value, 'dns1123-subdomain');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});
