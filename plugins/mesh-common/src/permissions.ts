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

/** All permissions of the mesh plugin, for the permission integration router. */
export const meshPermissions = [
  meshFleetReadPermission,
  meshTrafficReadPermission,
];
