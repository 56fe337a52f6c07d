import { Fleet } from '@meshport/backstage-plugin-mesh-common';

function fail(problem: string): never {
  throw new Error(
    `The mesh backend returned a malformed fleet: ${problem}. Check that /api/mesh/fleet is served by a compatible @meshport/backstage-plugin-mesh-backend.`,
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the fields the provider relies on. A half-understood fleet must fail
 * the refresh rather than be published as "no services".
 */
export function validateFleet(body: unknown): Fleet {
  if (!isObject(body)) {
    fail('the body is not a JSON object');
  }
  for (const field of ['clusters', 'meshes', 'services'] as const) {
    if (!Array.isArray(body[field])) {
      fail(`"${field}" is not an array`);
    }
  }
  const fleet = body as unknown as Fleet;
  fleet.clusters.forEach((cluster, i) => {
    if (!isObject(cluster) || typeof cluster.name !== 'string') {
      fail(`clusters[${i}] has no name`);
    }
    if (!isObject(cluster.sync) || typeof cluster.sync.state !== 'string') {
      fail(`cluster ${cluster.name} has no sync state`);
    }
  });
  fleet.meshes.forEach((mesh, i) => {
    if (!isObject(mesh) || typeof mesh.id !== 'string') {
      fail(`meshes[${i}] has no id`);
    }
    if (!Array.isArray(mesh.clusters)) {
      fail(`mesh ${mesh.id} has no clusters list`);
    }
  });
  fleet.services.forEach((service, i) => {
    if (
      !isObject(service) ||
      typeof service.namespace !== 'string' ||
      typeof service.name !== 'string'
    ) {
      fail(`services[${i}] has no namespace or name`);
    }
    if (!Array.isArray(service.instances)) {
      fail(`service ${service.namespace}/${service.name} has no instances`);
    }
  });
  return fleet;
}
