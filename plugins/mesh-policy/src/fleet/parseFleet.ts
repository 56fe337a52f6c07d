import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics';

/**
 * A loose check of a fleet export (the CLI reads one from disk): the parts the compiler walks
 * must be there with the right shape; anything else discovery adds is passed through.
 */
const fleetSchema = z.looseObject({
  clusters: z.array(
    z.looseObject({
      name: z.string(),
      regions: z.array(z.string()).default([]),
      zones: z.array(z.string()).default([]),
      controlPlanes: z.array(
        z.looseObject({
          kind: z.enum(['istio', 'linkerd']),
          namespace: z.string(),
          revision: z.string(),
          trustDomain: z.string(),
          readsEndpointsFrom: z.array(z.string()).default([]),
        }),
      ),
      eastWestGateways: z
        .array(
          z.looseObject({
            namespace: z.string(),
            name: z.string(),
            addresses: z.array(z.string()),
            port: z.number(),
          }),
        )
        .default([]),
    }),
  ),
  services: z.array(
    z.looseObject({
      namespace: z.string(),
      name: z.string(),
      instances: z.array(
        z.looseObject({
          cluster: z.string(),
          ports: z.array(z.looseObject({ port: z.number() })),
          selector: z.record(z.string(), z.string()),
          subsets: z.record(z.string(), z.array(z.string())).default({}),
          identities: z.array(z.string()).default([]),
          workloads: z
            .array(z.looseObject({ identity: z.string() }))
            .default([]),
          localities: z.array(z.string()).default([]),
          config: z
            .array(
              z.looseObject({
                kind: z.string(),
                namespace: z.string(),
                name: z.string(),
              }),
            )
            .default([]),
        }),
      ),
    }),
  ),
  links: z
    .array(
      z.looseObject({
        from: z.string(),
        to: z.string(),
        via: z.enum([
          'shared-endpoint-discovery',
          'gateway-federation',
          'linkerd-multicluster',
        ]),
      }),
    )
    .default([]),
});

export function parseFleet(
  input: unknown,
): { ok: true; fleet: Fleet } | { ok: false; errors: Diagnostic[] } {
  const result = fleetSchema.safeParse(input);
  if (result.success)
    return { ok: true, fleet: result.data as unknown as Fleet };
  return {
    ok: false,
    errors: result.error.issues
      .slice(0, 20)
      .map(i => ({ path: i.path.join('.'), message: i.message })),
  };
}
