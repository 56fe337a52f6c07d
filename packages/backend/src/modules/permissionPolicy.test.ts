import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { meshRouteRequestPermission } from '@meshport/backstage-plugin-mesh-common';
import { MeshportPermissionPolicy } from './permissionPolicy';

function userIn(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    identity: {
      type: 'user',
      userEntityRef: 'user:default/guest',
      ownershipEntityRefs,
    },
    info: { userEntityRef: 'user:default/guest', ownershipEntityRefs },
    credentials: {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/guest' },
    },
    token: 'token',
  } as PolicyQueryUser;
}

describe('MeshportPermissionPolicy', () => {
  const policy = new MeshportPermissionPolicy();

  it('lets the owners of the destination entity request a route', async () => {
    const decision = await policy.handle(
      { permission: meshRouteRequestPermission },
      userIn('user:default/guest', 'group:default/bookinfo-team'),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        allOf: [
          {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: {
              claims: ['user:default/guest', 'group:default/bookinfo-team'],
            },
          },
          {
            not: {
              rule: 'HAS_ANNOTATION',
              resourceType: 'catalog-entity',
              params: { annotation: 'meshport.dev/ownership-conflict' },
            },
          },
        ],
      },
    });
  });

  it('denies a route request without any ownership claim', async () => {
    expect(
      await policy.handle({ permission: meshRouteRequestPermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows everything else, access grants included', async () => {
    for (const permission of [
      createPermission({
        name: 'mesh.fleet.read',
        attributes: { action: 'read' },
      }),
      createPermission({
        name: 'catalog.entity.read',
        attributes: { action: 'read' },
        resourceType: 'catalog-entity',
      }),
      createPermission({ name: 'scaffolder.task.create', attributes: {} }),
    ]) {
      expect(await policy.handle({ permission }, userIn())).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });
});
