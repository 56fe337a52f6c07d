import { loadConfigSchema } from '@backstage/config-loader';
import path from 'node:path';

jest.setTimeout(60_000);

/**
 * What Backstage does with this plugin's config.d.ts: a value marked `@visibility secret` is
 * left out of everything served to the browser (and redacted in logs). Cluster tokens must stay
 * on the backend.
 */
describe('config.d.ts', () => {
  it('keeps cluster credentials out of the frontend', async () => {
    const schema = await loadConfigSchema({
      dependencies: [],
      packagePaths: [path.resolve(__dirname, '../package.json')],
      excludePackageDependencies: true,
    });
    const data = {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'cluster-1',
                url: 'https://cluster-1.example.com',
                serviceAccountToken: 's3cret',
                authMetadata: { 'kubernetes.io/aws-assume-role': 's3cret' },
              },
            ],
          },
        ],
        googleServiceAccountCredentials: '{"private_key":"s3cret"}',
      },
    };
    const [frontend] = schema.process([{ data, context: 'test' }], {
      visibility: ['frontend'],
    });
    expect(JSON.stringify(frontend.data)).not.toContain('s3cret');
    const [secrets] = schema.process([{ data, context: 'test' }], {
      visibility: ['secret'],
    });
    expect(secrets.data).toMatchObject({
      kubernetes: {
        clusterLocatorMethods: [
          { clusters: [{ serviceAccountToken: 's3cret' }] },
        ],
      },
    });
  });

  it('declares the discovery lease duration', async () => {
    const schema = await loadConfigSchema({
      dependencies: [],
      packagePaths: [path.resolve(__dirname, '../package.json')],
      excludePackageDependencies: true,
    });
    const { schemas } = schema.serialize() as {
      schemas: Array<{ value: unknown }>;
    };
    const discovery = (
      schemas[0].value as {
        properties: {
          mesh: {
            properties: {
              discovery: { properties: Record<string, object> };
            };
          };
        };
      }
    ).properties.mesh.properties.discovery.properties;
    expect(discovery.leaseDuration).toBeDefined();
  });
});
