import { ConfigReader } from '@backstage/config';
import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';
import { DEFAULT_SCHEDULE, readProviderConfigs } from './readProviderConfigs';

const read = (meshport: unknown) =>
  readProviderConfigs(
    new ConfigReader(
      meshport === undefined ? {} : { catalog: { providers: { meshport } } },
    ),
  );

describe('readProviderConfigs', () => {
  it('runs one default provider without any config', () => {
    expect(read(undefined)).toEqual([
      {
        id: 'default',
        schedule: DEFAULT_SCHEDULE,
        defaultOwner: 'group:default/platform-team',
        excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
        components: true,
        namespace: 'default',
        dependencies: { window: '1h', minRequestsPerSecond: 0.01 },
        policies: true,
      },
    ]);
  });

  it('reads the single-provider form', () => {
    expect(
      read({
        schedule: { frequency: { minutes: 2 }, timeout: { seconds: 30 } },
        defaultOwner: 'mesh-admins',
        excludeNamespaces: ['legacy'],
        components: false,
        namespace: 'mesh',
      }),
    ).toEqual([
      {
        id: 'default',
        schedule: { frequency: { minutes: 2 }, timeout: { seconds: 30 } },
        defaultOwner: 'group:default/mesh-admins',
        excludeNamespaces: ['legacy'],
        components: false,
        namespace: 'mesh',
        dependencies: { window: '1h', minRequestsPerSecond: 0.01 },
        policies: true,
      },
    ]);
  });

  it('reads one provider per id', () => {
    expect(
      read({ prod: {}, staging: { namespace: 'staging' } }).map(p => [
        p.id,
        p.namespace,
      ]),
    ).toEqual([
      ['prod', 'default'],
      ['staging', 'staging'],
    ]);
  });

  it('says which key is wrong', () => {
    expect(() => read({ defaultOwner: 'a:b:c/d/e' })).toThrow(
      'catalog.providers.meshport.defaultOwner must be an entity ref like "team-a" or "group:default/team-a", got "a:b:c/d/e"',
    );
    // owners are the mesh backend's to resolve, for every consumer alike
    expect(() => read({ owners: { shop: 'team-shop' } })).toThrow(
      'catalog.providers.meshport.owners is no longer read: set owners per namespace or service in mesh.ownership.owners',
    );
    expect(() => read({ prod: { namespace: 'Not Valid' } })).toThrow(
      'catalog.providers.meshport.prod.namespace must be a valid Backstage namespace',
    );
  });

  it('reads the traffic relations, or none when disabled, and refuses a bad window or rate', () => {
    expect(
      read({ dependencies: { window: '15m', minRequestsPerSecond: 1 } })[0]
        .dependencies,
    ).toEqual({ window: '15m', minRequestsPerSecond: 1 });
    expect(
      read({ dependencies: { enabled: false } })[0].dependencies,
    ).toBeUndefined();
    expect(() => read({ dependencies: { window: '5 minutes' } })).toThrow(
      "catalog.providers.meshport.dependencies.window: window '5 minutes' is not a duration such as 30s, 5m, 1h or 1d",
    );
    expect(() => read({ dependencies: { minRequestsPerSecond: 0 } })).toThrow(
      'catalog.providers.meshport.dependencies.minRequestsPerSecond must be a number above 0',
    );
  });

  it('publishes policies unless disabled, and alone the key selects the single-provider form', () => {
    expect(read({})[0].policies).toBe(true);
    expect(read({ policies: { enabled: false } })).toEqual([
      expect.objectContaining({ id: 'default', policies: false }),
    ]);
    expect(read({ prod: { policies: { enabled: false } } })[0]).toMatchObject({
      id: 'prod',
      policies: false,
    });
    expect(() => read({ policies: { enabled: 'nope' } })).toThrow(
      /policies\.enabled/,
    );
  });
});
