import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { demoFleet, fleet } from '../__fixtures__/fleet';
import { policiesResponse } from '../__fixtures__/policies';
import { MeshEntityProvider, MeshReader } from './MeshEntityProvider';
import { readProviderConfig } from './readProviderConfigs';

/** A catalog that answers the provider's two queries from fixed lists. */
function fakeCatalog(lists: { published?: Entity[]; claims?: Entity[] }) {
  return {
    streamEntities: jest.fn(async function* stream(request: {
      filter?: unknown;
    }) {
      yield request.filter ? lists.published ?? [] : lists.claims ?? [];
    }),
  } as unknown as CatalogService;
}

function setup(
  options: {
    fleetClient?: MeshReader;
    catalog?: CatalogService;
    policies?: boolean;
  } = {},
) {
  const applyMutation = jest.fn();
  const connection: EntityProviderConnection = {
    applyMutation,
    refresh: jest.fn(),
  };
  let task: (() => Promise<void>) | undefined;
  const logger = mockServices.logger.mock();
  // The provider logs through a child logger tagged with its name.
  const providerLogger = mockServices.logger.mock();
  logger.child.mockReturnValue(providerLogger);
  const provider = new MeshEntityProvider({
    config: {
      ...readProviderConfig('default', undefined, 'x'),
      policies: options.policies ?? true,
    },
    appBaseUrl: 'http://localhost:3000',
    logger,
    taskRunner: {
      run: async ({ fn }) => {
        task = async () => fn(new AbortController().signal);
      },
    },
    fleetClient: options.fleetClient ?? { getFleet: async () => demoFleet() },
    catalog: options.catalog ?? fakeCatalog({}),
    auth: mockServices.auth(),
  });
  return {
    provider,
    applyMutation,
    logger: providerLogger,
    connect: () => provider.connect(connection),
    runTask: () => task!(),
  };
}

describe('MeshEntityProvider', () => {
  it('is named after its config id', () => {
    expect(setup().provider.getProviderName()).toBe(
      'MeshEntityProvider:default',
    );
  });

  it('applies the whole fleet as one full mutation', async () => {
    const { connect, runTask, applyMutation } = setup();
    await connect();
    await runTask();
    expect(applyMutation).toHaveBeenCalledTimes(1);
    const mutation = applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('full');
    expect(mutation.entities).toHaveLength(7);
    expect(mutation.entities[0].locationKey).toBe('meshport-provider:default');
  });

  it('publishes no Component for a service its owner claims, and ignores anyone else', async () => {
    const claim = (name: string, service: string, owner: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name, annotations: { 'meshport.dev/service': service } },
      spec: { owner },
    });
    const { connect, runTask, applyMutation } = setup({
      catalog: fakeCatalog({
        claims: [
          claim('productpage', 'bookinfo/productpage', 'team-product'),
          claim('aaa-claim-reviews', 'bookinfo/reviews', 'user:mallory'),
        ],
      }),
    });
    await connect();
    await runTask();
    const names = applyMutation.mock.calls[0][0].entities.map(
      (e: { entity: Entity }) => e.entity.metadata.name,
    );
    expect(names).not.toContain('productpage.bookinfo');
    expect(names).toContain('reviews.bookinfo');
  });

  it('changes nothing when the fleet cannot be fetched', async () => {
    const { connect, runTask, applyMutation, logger } = setup({
      fleetClient: {
        getFleet: async () => {
          throw new Error('Request failed with 500 Internal Server Error');
        },
      },
    });
    await connect();
    await runTask();
    expect(applyMutation).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(
        'keeping the entities of the last successful run',
      ),
      expect.objectContaining({ message: expect.stringContaining('500') }),
    );
  });

  it('changes nothing when the catalog cannot be queried for claims', async () => {
    const catalog = {
      streamEntities: jest.fn(() => {
        throw new Error('catalog unavailable');
      }),
    } as unknown as CatalogService;
    const { provider, connect, applyMutation } = setup({ catalog });
    await connect();
    await expect(provider.refresh()).rejects.toThrow('catalog unavailable');
    expect(applyMutation).not.toHaveBeenCalled();
  });

  it('refuses an empty fleet while it has published entities', async () => {
    const published: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'east' },
    };
    const { provider, connect, applyMutation } = setup({
      fleetClient: { getFleet: async () => fleet({}) },
      catalog: fakeCatalog({ published: [published] }),
    });
    await connect();
    await expect(provider.refresh()).rejects.toThrow(
      'The mesh backend reports no clusters while 1 mesh entities exist',
    );
    expect(applyMutation).not.toHaveBeenCalled();
  });

  it('accepts an empty fleet on a first run', async () => {
    const { provider, connect, applyMutation } = setup({
      fleetClient: { getFleet: async () => fleet({}) },
    });
    await connect();
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledWith({ type: 'full', entities: [] });
  });

  it('creates one provider per configured id, each on its own schedule', () => {
    const scheduler = mockServices.scheduler.mock();
    const providers = MeshEntityProvider.fromConfig(
      mockServices.rootConfig({
        data: {
          catalog: {
            providers: {
              meshport: {
                prod: {
                  schedule: {
                    frequency: { minutes: 1 },
                    timeout: { minutes: 1 },
                  },
                },
                staging: { namespace: 'staging' },
              },
            },
          },
        },
      }),
      {
        logger: mockServices.logger.mock(),
        scheduler,
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
        catalog: fakeCatalog({}),
      },
    );
    expect(providers.map(p => p.getProviderName())).toEqual([
      'MeshEntityProvider:prod',
      'MeshEntityProvider:staging',
    ]);
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
    });
  });

  describe('policies', () => {
    const policyNames = (applyMutation: jest.Mock) =>
      applyMutation.mock.calls[0][0].entities
        .map((e: { entity: Entity }) => e.entity)
        .filter((e: Entity) => e.spec?.type === 'mesh-policy')
        .map((e: Entity) => e.metadata.name);
    /** A policy entity the catalog holds from an earlier run. */
    const previous: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'trafficpolicy.bookinfo.reviews-retries',
        annotations: {
          'meshport.dev/policy': 'trafficpolicy.bookinfo.reviews-retries',
          'meshport.dev/policy-repository':
            'github.com?owner=acme&repo=mesh-policies',
        },
      },
      spec: { type: 'mesh-policy', owner: 'group:default/team-reviews' },
    };

    it('publishes each policy with the fleet, in the same mutation', async () => {
      const { connect, runTask, applyMutation } = setup({
        fleetClient: {
          getFleet: async () => demoFleet(),
          getPolicies: async () => policiesResponse(),
        },
      });
      await connect();
      await runTask();
      expect(applyMutation.mock.calls[0][0].entities).toHaveLength(11);
      expect(policyNames(applyMutation)).toEqual([
        'accesspolicy.shop.cart-callers',
        'trafficpolicy.bookinfo.ratings-timeout',
        'trafficpolicy.bookinfo.reviews-canary',
        'trafficpolicy.bookinfo.reviews-retries',
      ]);
    });

    it('publishes the rest of the fleet, and notes why, when the mesh backend has no policies route', async () => {
      const { connect, runTask, applyMutation, logger } = setup({
        fleetClient: {
          getFleet: async () => demoFleet(),
          getPolicies: async () => {
            throw new NotFoundError('The mesh backend has no policies route');
          },
        },
        catalog: fakeCatalog({ published: [previous] }),
      });
      await connect();
      await runTask();
      expect(applyMutation.mock.calls[0][0].entities).toHaveLength(7);
      expect(policyNames(applyMutation)).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining(
          'Publishing no policy entities: The mesh backend has no policies route',
        ),
      );
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('keeps the policy entities the catalog has when the policies cannot be read', async () => {
      const { connect, runTask, applyMutation, logger } = setup({
        fleetClient: {
          getFleet: async () => demoFleet(),
          getPolicies: async () => {
            throw new ServiceUnavailableError('The mesh backend answered 503');
          },
        },
        catalog: fakeCatalog({ published: [previous] }),
      });
      await connect();
      await runTask();
      expect(policyNames(applyMutation)).toEqual([
        'trafficpolicy.bookinfo.reviews-retries',
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'keeping the policy entities the catalog has: The mesh backend answered 503',
        ),
      );
    });

    it('does not ask for policies when disabled, and publishes none', async () => {
      const getPolicies = jest.fn(async () => policiesResponse());
      const { connect, runTask, applyMutation } = setup({
        fleetClient: { getFleet: async () => demoFleet(), getPolicies },
        catalog: fakeCatalog({ published: [previous] }),
        policies: false,
      });
      await connect();
      await runTask();
      expect(getPolicies).not.toHaveBeenCalled();
      expect(policyNames(applyMutation)).toEqual([]);
    });

    it('asks the catalog for what it needs to publish a kept entity again', async () => {
      const catalog = fakeCatalog({});
      const { connect, runTask } = setup({ catalog });
      await connect();
      await runTask();
      expect(catalog.streamEntities).toHaveBeenCalledWith(
        expect.objectContaining({
          fields: expect.arrayContaining([
            'apiVersion',
            'kind',
            'metadata',
            'spec.type',
            'spec.owner',
            'spec.dependsOn',
          ]),
        }),
        expect.anything(),
      );
    });
  });
});
