import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { accessPolicyFromRequest } from '@meshport/backstage-plugin-mesh-policy';
import { z } from 'zod/v3';
import type { MeshActionDeps } from '../service/renderPolicyRequest';
import { runPolicyRequest } from './runPolicyRequest';
import { examples } from './accessPolicy.examples';
import {
  nameInput,
  outputPathInput,
  parseInput,
  reasonInput,
  repoUrlInput,
  repositoryPathInput,
  requestOutputs,
  serviceInput,
} from './inputs';

const inputSchema = (zod: typeof z) =>
  zod.object({
    service: serviceInput(zod),
    name: nameInput(zod),
    port: zod
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('Service port, when the service has several'),
    sources: zod
      .array(
        zod.union([
          zod.object({
            cluster: zod.string().max(63),
            namespace: zod.string().max(63),
            serviceAccount: zod.string().max(253).optional(),
          }),
          // A form row left empty: the scaffolder renders `'${{ parameters.source2 }}'` as
          // undefined when the field was never touched, '' or null when it was cleared.
          zod.literal(''),
          zod.null(),
          zod.undefined(),
        ]),
        { required_error: 'name at least one caller identity' },
      )
      .max(32, { message: 'at most 32 caller identities' })
      .superRefine((list, ctx) => {
        // rows numbered as in the form (Caller 1, 2, 3), empty rows included
        const seen = new Map<string, number>();
        list.forEach((s, i) => {
          if (!s) return;
          const key = `${s.cluster}/${s.namespace}/${s.serviceAccount ?? '*'}`;
          const first = seen.get(key);
          if (first === undefined) {
            seen.set(key, i);
            return;
          }
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `caller ${i + 1} repeats caller ${first + 1} (cluster ${
              s.cluster
            }, namespace ${s.namespace}${
              s.serviceAccount
                ? `, service account ${s.serviceAccount}`
                : ', every service account'
            }); name each caller once`,
          });
        });
      })
      .transform(list =>
        list.filter((s): s is Exclude<typeof s, '' | null | undefined> => !!s),
      )
      .refine(list => list.length > 0, {
        message: 'name at least one caller identity',
      })
      .describe(
        'Caller identities { cluster, namespace, serviceAccount? } (what MeshIdentityPicker stores); no serviceAccount = the whole namespace',
      ),
    methods: zod
      .array(zod.string().max(16))
      .max(7, { message: 'at most 7 methods' })
      .optional()
      .describe('Allowed HTTP methods; empty = all'),
    paths: zod
      .array(
        zod
          .string()
          .max(1024, { message: 'a path is at most 1024 characters' }),
      )
      .max(32, { message: 'at most 32 paths' })
      .optional()
      .describe('Allowed paths, exact or ending in *; empty = all'),
    ports: zod
      .array(zod.number())
      .max(8, { message: 'at most 8 ports' })
      .optional()
      .describe('Allowed ports; empty = all'),
    repoUrl: repoUrlInput(zod),
    repositoryPath: repositoryPathInput(zod),
    outputPath: outputPathInput(zod),
    reason: reasonInput(zod),
  });

type AccessInput = z.output<ReturnType<typeof inputSchema>>;

/**
 * `meshport:policy:access` — let caller identities call a service, as an AccessPolicy pull
 * request. Anyone may ask; the destination's owners are the reviewers.
 */
export function createAccessPolicyAction(deps: MeshActionDeps) {
  return createTemplateAction({
    id: 'meshport:policy:access',
    description:
      'Builds an AccessPolicy (who may call a service: identities, methods, paths, ports) from form input, checks it against the live fleet and the policy repository, and writes the policy and its rendered AuthorizationPolicies for a pull request',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: requestOutputs,
    },
    async handler(ctx) {
      const input = parseInput(inputSchema(z), ctx.input);
      await runPolicyRequest(ctx, accessPolicyFromInput(input), input, deps);
    },
  });
}

/** The action's input as an AccessPolicy document; mesh-policy's schema judges it. */
export function accessPolicyFromInput(input: AccessInput): unknown {
  return accessPolicyFromRequest(input);
}
