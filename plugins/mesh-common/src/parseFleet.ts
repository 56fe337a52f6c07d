import type { z } from 'zod';
import type { Fleet } from './fleet';
import {
  clusterLinkSchema,
  clusterSchema,
  fleetOutlineSchema,
  meshSchema,
  serviceInstanceSchema,
  serviceSchema,
} from './fleetSchema';
import {
  CLUSTER_NAME_RULE,
  NAMESPACE_NAME_RULE,
  nameProblem,
  SERVICE_NAME_RULE,
} from './names';

/** One thing wrong with a fleet: where (a dotted path, e.g. `services.3.instances.0.ports`) and what. */
export interface FleetProblem {
  path: string;
  message: string;
}

/**
 * A fleet read by `parseFleet`: the fleet, and the parts of it that were malformed and left
 * out (`warnings`, each ending in `; left out`); or, when not even its outline is there, why.
 */
export type ParsedFleet =
  | { ok: true; fleet: Fleet; warnings: FleetProblem[] }
  | { ok: false; errors: FleetProblem[] };

/** Enough to say what to fix; a fleet broken everywhere would otherwise flood the log. */
const MAX_PROBLEMS = 20;

function problemsAt(
  prefix: (string | number)[],
  issues: z.core.$ZodIssue[],
): FleetProblem[] {
  return issues.map(i => ({
    path: [...prefix, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

/**
 * Reads a fleet as `GET /api/mesh/fleet` serves it (or a file exported from it) against the
 * contract of `fleetSchema.ts`. Each cluster, mesh, service, instance and link is checked on
 * its own: one that is malformed, or whose names break Kubernetes' rules, is left out with a
 * warning naming it, and never makes the whole fleet unreadable. Instances of clusters the
 * fleet does not hold are left out too: every reader joins them to their cluster. Only a fleet
 * without its outline (`generatedAt` and the lists) is refused.
 */
export function parseFleet(input: unknown): ParsedFleet {
  const outline = fleetOutlineSchema.safeParse(input);
  if (!outline.success) {
    return {
      ok: false,
      errors: problemsAt([], outline.error.issues).slice(0, MAX_PROBLEMS),
    };
  }
  const warnings: FleetProblem[] = [];
  const leftOut = (path: (string | number)[], why: string) =>
    warnings.push({ path: path.join('.'), message: `${why}; left out` });
  const leftOutAll = (
    prefix: (string | number)[],
    issues: z.core.$ZodIssue[],
    about = '',
  ) => {
    for (const p of problemsAt(prefix, issues))
      leftOut([p.path], `${about}${p.message}`);
  };

  const clusters: z.output<typeof clusterSchema>[] = [];
  const clusterNames = new Set<string>();
  outline.data.clusters.forEach((raw, i) => {
    const parsed = clusterSchema.safeParse(raw);
    if (!parsed.success) {
      leftOutAll(['clusters', i], parsed.error.issues);
      return;
    }
    const problem = nameProblem(
      'cluster name',
      parsed.data.name,
      CLUSTER_NAME_RULE,
    );
    if (problem) {
      leftOut(['clusters', i, 'name'], problem);
      return;
    }
    clusterNames.add(parsed.data.name);
    clusters.push(parsed.data);
  });

  const meshes: z.output<typeof meshSchema>[] = [];
  outline.data.meshes.forEach((raw, i) => {
    const parsed = meshSchema.safeParse(raw);
    if (parsed.success) meshes.push(parsed.data);
    else leftOutAll(['meshes', i], parsed.error.issues);
  });

  const services: unknown[] = [];
  outline.data.services.forEach((raw, i) => {
    const parsed = serviceSchema.safeParse(raw);
    if (!parsed.success) {
      leftOutAll(['services', i], parsed.error.issues);
      return;
    }
    const { namespace, name } = parsed.data;
    const problem =
      nameProblem('service namespace', namespace, NAMESPACE_NAME_RULE) ??
      nameProblem('service name', name, SERVICE_NAME_RULE);
    if (problem) {
      leftOut(['services', i], problem);
      return;
    }
    const instances: unknown[] = [];
    parsed.data.instances.forEach((rawInstance, j) => {
      const where = ['services', i, 'instances', j];
      const instance = serviceInstanceSchema.safeParse(rawInstance);
      if (!instance.success) {
        leftOutAll(where, instance.error.issues, `${namespace}/${name}: `);
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
    // A service is its instances: with none left there is nothing to show or route to.
    if (instances.length > 0) services.push({ ...parsed.data, instances });
  });

  const links: z.output<typeof clusterLinkSchema>[] = [];
  outline.data.links.forEach((raw, i) => {
    const parsed = clusterLinkSchema.safeParse(raw);
    if (parsed.success) links.push(parsed.data);
    else leftOutAll(['links', i], parsed.error.issues);
  });

  const fleet = { ...outline.data, clusters, meshes, services, links };
  return {
    ok: true,
    // The parts were checked one by one against schemas that match the types (see the type
    // assertions in fleetSchema.test.ts); TypeScript cannot follow the assembly.
    fleet: fleet as unknown as Fleet,
    warnings: warnings.slice(0, MAX_PROBLEMS),
  };
}

/** `path: message; path: message`, for an error message or a log line. */
export function describeFleetProblems(problems: FleetProblem[]): string {
  return problems
    .map(p => (p.path ? `${p.path}: ${p.message}` : p.message))
    .join('; ');
}
