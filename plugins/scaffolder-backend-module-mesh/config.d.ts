/**
 * The module reads `mesh.policyRepositories` (declared by @meshport/backstage-plugin-mesh-node)
 * and `mesh.policyLifecycle.snapshot.directory` / `.rootDirectory` (declared by
 * @meshport/backstage-plugin-mesh-backend, whose SCM snapshot it renders against when a
 * repository's host has no credentials). It declares no key of its own.
 */
export interface Config {}
