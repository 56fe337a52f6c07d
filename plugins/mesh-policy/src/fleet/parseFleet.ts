import { Fleet, nameProblem } from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics';

/**
 * A loose check of a fleet export (the CLI reads one from disk, the scaffolder module fetches
 * one from the backend): the parts the compiler walks must be there with the right shape;
 * anything else discovery adds is passed through. Each cluster, service, instance and link is
 * checked on its own: one that is malformed is left out with a warning saying so, and never
 * makes the whole fleet unreadable, which would refuse every request.
 */
const clusterSchema = z.looseObject({
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
});

const instanceSchema = z.looseObject({
  cluster: z.string(),
  ports: z.array(z.looseObject({ port: z.number() })),
  selector: z.record(z.string(), z.string()),
  subsets: z.record(z.string(), z.array(z.string())).default({}),
  identities: z.array(z.string()).default([]),
  workloads: z.array(z.looseObject({ identity: z.string() })).default([]),
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
});

const serviceSchema = z.looseObject({
  namespace: z.string(),
  name: z.string(),
  instances: z.array(z.unknown()),
});

const linkSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  via: z.enum([
    'shared-endpoint-discovery',
    'gateway-federation',
    'linkerd-multicluster',
  ]),
});

/** The fleet's outline: without its lists there is nothing to read at all. */
const outlineSchema = z.looseObject({
  clusters: z.array(z.unknown()),
  services: z.array(z.unknown()),
  links: z.array(z.unknown()).default([]),
});

type Issues = z.core.$ZodIssue[];

const MAX_DIAGNOSTICS = 20;

function issuesAt(prefix: (string | number)[], issues: Issues): Diagnostic[] {
  return issues.map(i => ({
    path: [...prefix, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

export type ParsedFleet =
  | { ok: true; fleet: Fleet; warnings: Diagnostic[] }
  | { ok: false; errors: Diagnostic[] };

export function parseFleet(input: unknown): ParsedFleet {
  const outline = outlineSchema.safeParse(input);
  if (!outline.success) {
    return {
      ok: false,
      errors: issuesAt([], outline.error.issues).slice(0, MAX_DIAGNOSTICS),
    };
  }
  const warnings: Diagnostic[] = [];
  const leftOut = (path: (string | number)[], why: string) =>
    warnings.push({ path: path.join('.'), message: `${why}; left out` });

  const clusters: unknown[] = [];
  const clusterNames = new Set<string>();
  outline.data.clusters.forEach((raw, i) => {
    const parsed = clusterSchema.safeParse(raw);
    if (!parsed.success) {
      for (const d of issuesAt(['clusters', i], parsed.error.issues))
        leftOut([d.path], d.message);
      return;
    }
    // Meshport's cluster names are DNS-1123 labels: they become resource names and paths
    const problem = nameProblem(
      'cluster name',
      parsed.data.name,
      'dns1123-label',
    );
    if (problem) {
      leftOut(['clusters', i, 'name'], problem);
      return;
    }
    clusterNames.add(parsed.data.name);
    clusters.push(parsed.data);
  });

  const services: unknown[] = [];
  outline.data.services.forEach((raw, i) => {
    const parsed = serviceSchema.safeParse(raw);
    if (!parsed.success) {
      for (const d of issuesAt(['services', i], parsed.error.issues))
        leftOut([d.path], d.message);
      return;
    }
    const { namespace, name } = parsed.data;
    const problem =
      nameProblem('service namespace', namespace, 'dns1123-label') ??
      nameProblem('service name', name, 'dns1123-label');
    if (problem) {
      leftOut(['services', i], problem);
      return;
    }
    const instances: unknown[] = [];
    parsed.data.instances.forEach((rawInstance, j) => {
      const instance = instanceSchema.safeParse(rawInstance);
      const where = ['services', i, 'instances', j];
      if (!instance.success) {
        for (const d of issuesAt(where, instance.error.issues))
          leftOut([d.path], `${namespace}/${name}: ${d.message}`);
        return;
      }
      if (!clusterNames.has(instance.data.cluster)) {
        leftOut(
          [...where, 'cluster'],
          `${namespace}/${name}: cluster ${JSON.stringify(
            instance.data.cluster,
          )} is not in the fleet`,
        );
        return;
      }
      instances.push(instance.data);
    });
    if (instances.length > 0) services.push({ ...parsed.data, instances });
  });

  const links: unknown[] = [];
  outline.data.links.forEach((raw, i) => {
    const parsed = linkSchema.safeParse(raw);
    if (parsed.success) links.push(parsed.data);
    else
      for (const d of issuesAt(['links', i], parsed.error.issues))
        leftOut([d.path], d.message);
  });

  const fleet = { ...outline.data, clusters, services, links };
  return {
    ok: true,
    fleet: fleet as unknown as Fleet,
    warnings: warnings.slice(0, MAX_DIAGNOSTICS),
  };
}
