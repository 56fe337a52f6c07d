import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { trafficPolicyFromRequest } from '@meshport/backstage-plugin-mesh-policy';
import { z } from 'zod/v3';
import type { MeshActionDeps } from '../service/renderPolicyRequest';
import { runPolicyRequest } from './runPolicyRequest';
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
import { examples } from './trafficPolicy.examples';

const clusterName = (zod: typeof z) =>
  zod.string().max(63, { message: 'a cluster name is at most 63 characters' });
const subset = (zod: typeof z) =>
  zod
    .record(
      zod
        .string()
        .max(317, { message: 'a label key is at most 317 characters' }),
      zod
        .string()
        .max(63, { message: 'a label value is at most 63 characters' }),
    )
    .refine(m => Object.keys(m).length <= 8, {
      message: 'a subset has at most 8 labels',
    });
const duration = (zod: typeof z) =>
  zod.string().max(16, { message: 'a duration is e.g. 5s or 250ms' });

const inputSchema = (zod: typeof z) =>
  zod.object({
    service: serviceInput(zod),
    name: nameInput(zod),
    sourceClusters: zod
      .array(
        // "From cluster" left empty renders as undefined (never touched) or '' (cleared):
        // no entry, and no entries at all means every cluster, as the form says
        zod.union([clusterName(zod), zod.null(), zod.undefined()]),
      )
      .max(16, { message: 'at most 16 source clusters' })
      .transform(list => list.filter((c): c is string => !!c))
      .optional()
      .describe(
        'Clusters whose clients the route applies to; empty = every cluster reaching the service',
      ),
    port: zod
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('Service port, when the service has several'),
    route: zod
      .array(
        zod.object({
          cluster: clusterName(zod).optional(),
          subset: subset(zod).optional(),
          target: zod
            .union([
              zod.object({
                cluster: clusterName(zod).optional(),
                subset: subset(zod).optional(),
              }),
              // A template renders a form field left empty as '', or null once cleared.
              zod.literal(''),
              zod.null(),
            ])
            .optional()
            .describe('What MeshSubsetPicker stores; same as cluster + subset'),
          weight: zod
            .union([zod.number(), zod.literal(''), zod.null()])
            .optional()
            .describe('Whole percent; weights add up to 100'),
        }),
      )
      .max(8, { message: 'at most 8 route targets' })
      .optional()
      .describe('Weighted route targets: { cluster?, subset?, weight }'),
    timeout: duration(zod).optional().describe('Request timeout, e.g. 5s'),
    retries: zod
      .object({
        attempts: zod.number().optional(),
        perTryTimeout: duration(zod).optional(),
        retryOn: zod
          .array(zod.string().max(32))
          .max(6, { message: 'at most 6 retryOn conditions' })
          .optional(),
      })
      .optional()
      .describe('Retries: { attempts, perTryTimeout?, retryOn? }'),
    repoUrl: repoUrlInput(zod),
    repositoryPath: repositoryPathInput(zod),
    outputPath: outputPathInput(zod),
    reason: reasonInput(zod),
  });

type TrafficInput = z.output<ReturnType<typeof inputSchema>>;

/**
 * `meshport:policy:traffic` — a route (weighted targets across clusters and subsets), timeout or
 * retries for a service, as a TrafficPolicy pull request. Only members of the destination's
 * owning group may request one (permission `mesh.route.request`).
 */
export function createTrafficPolicyAction(deps: MeshActionDeps) {
  return createTemplateAction({
    id: 'meshport:policy:traffic',
    description:
      'Builds a TrafficPolicy (route, timeout, retries) from form input, checks it against the live fleet and the policy repository, and writes the policy and its rendered Istio/Linkerd resources for a pull request',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: requestOutputs,
    },
    async handler(ctx) {
      const input = parseInput(inputSchema(z), ctx.input);
      await runPolicyRequest(ctx, trafficPolicyFromInput(input), input, deps);
    },
  });
}

/** The action's input as a TrafficPolicy document; mesh-policy's schema judges it. */
export function trafficPolicyFromInput(input: TrafficInput): unknown {
  return trafficPolicyFromRequest({
    ...input,
    // MeshSubsetPicker stores { cluster, subset } as `target`; a row may also set them directly
    route: input.route?.map(t => ({
      cluster: (t.target || undefined)?.cluster ?? t.cluster,
      subset: (t.target || undefined)?.subset ?? t.subset,
      weight: t.weight,
    })),
  });
}
