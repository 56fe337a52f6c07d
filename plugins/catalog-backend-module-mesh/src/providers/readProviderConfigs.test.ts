import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_EXCLUDED_NAMESPACES,
  DEFAULT_SCHEDULE,
  readProviderConfigs,
} from './readProviderConfigs';

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
        owners: {},
        excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
        components: true,
        namespace: 'default',
      },
    ]);
  });

  it('reads the single-provider form', () => {
    expect(
      read({
        schedule: { frequency: { minutes: 2 }, timeout: { seconds: 30 } },
        defaultOwner: 'mesh-admins',
        owners: { shop: 'team-shop', bookinfo: 'user:default/jane' },
        excludeNamespaces: ['legacy'],
        components: false,
        namespace: 'mesh',
      }),
    ).toEqual([
      {
        id: 'default',
        schedule: { frequency: { minutes: 2 }, timeout: { seconds: 30 } },
        defaultOwner: 'group:default/mesh-admins',
        owners: {
          shop: 'group:default/team-shop',
          bookinfo: 'user:default/jane',
        },
        excludeNamespaces: ['legacy'],
        components: false,
        namespace: 'mesh',
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
    expect(() => read({ owners: { shop: 'a:b:c/d/e' } })).toThrow(
      'catalog.providers.meshport.owners.shop must be an entity ref like "team-a" or "group:default/team-a", got "a:b:c/d/e"',
    );
    expect(() => read({ prod: { namespace: 'Not Valid' } })).toThrow(
      'catalog.providers.meshport.prod.namespace must be a valid Backstage namespace',
    );
  });
});
