import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogClusterLocator } from './CatalogClusterLocator';
import { clusterLocators } from './clusterLocators';
import { ConfigClusterLocator } from './ConfigClusterLocator';
import { GkeClusterLocator } from './GkeClusterLocator';
import { LocalKubectlProxyClusterLocator } from './LocalKubectlProxyClusterLocator';

describe('clusterLocators', () => {
  it('builds one locator per method, every type the Kubernetes plugin knows, and logs an unknown one', () => {
    const logger = mockServices.logger.mock();
    const located = clusterLocators(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'config', clusters: [] },
            { type: 'catalog' },
            { type: 'gke', projectId: 'p' },
            { type: 'localKubectlProxy' },
            { type: 'rancher' },
          ],
        },
      }),
      { catalog: catalogServiceMock(), auth: mockServices.auth(), logger },
    );
    expect(located.map(l => [l.id, l.dynamic])).toEqual([
      ['kubernetes.clusterLocatorMethods[0] (config)', false],
      ['kubernetes.clusterLocatorMethods[1] (catalog)', true],
      ['kubernetes.clusterLocatorMethods[2] (gke)', true],
      ['kubernetes.clusterLocatorMethods[3] (localKubectlProxy)', false],
    ]);
    expect(located.map(l => l.supplier.constructor)).toEqual([
      ConfigClusterLocator,
      CatalogClusterLocator,
      GkeClusterLocator,
      LocalKubectlProxyClusterLocator,
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      'Mesh discovery ignores kubernetes.clusterLocatorMethods[4] (rancher): unknown locator type; use config, catalog, gke or localKubectlProxy',
    );
  });

  it('has none without kubernetes config', () => {
    expect(
      clusterLocators(new ConfigReader({}), {
        catalog: catalogServiceMock(),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
      }),
    ).toEqual([]);
  });
});
