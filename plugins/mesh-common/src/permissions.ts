import { createPermission } from '@backstage/plugin-permission-common';

/** Read the fleet: clusters, meshes, services and their instances. */
export const meshFleetReadPermission = createPermission({
  name: 'mesh.fleet.read',
  attributes: { action: 'read' },
});

/** Read a service's traffic figures and mTLS status (from Prometheus or the demo snapshot). */
export const meshTrafficReadPermission = createPermission({
  name: 'mesh.traffic.read',
  attributes: { action: 'read' },
});

/**
 * Request a route (a TrafficPolicy) for a service, checked against the catalog entity that
 * stands for the destination. A catalog-entity resource permission, so a policy can answer it
 * with the catalog's conditional rules, e.g. `isEntityOwner`: only the owning group may
 * reroute its service. Access grants need no such permission; the owners review them.
 */
export const meshRouteRequestPermission = createPermission({
  name: 'mesh.route.request',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/** All permissions of the mesh plugin, for the permission integration router. */
export const meshPermissions = [
  meshFleetReadPermission,
  meshTrafficReadPermission,
  meshRouteRequestPermission,
];
