import { mockServices } from '@backstage/backend-test-utils';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { ClusterSources } from './ClusterSources';
import type { NamedSupplier } from './locators/clusterLocators';

const details = (name: string): ClusterDetails => ({
  name,
  url: `https://${name}.example.com`,
  authMetadata: { 'kubernetes.io/auth-provider': 'aws' },
});

/** A supplier answering each call with the next entry: a list, or an error to throw. */
function scripted(
  id: string,
  answers: Array<string[] | Error>,
  dynamic = true,
): NamedSupplier {
  let call = 0;
  return {
    id,
    dynamic,
    supplier: {
      async getClusters() {
        const answer = answers[Math.min(call++, answers.length - 1)];
        if (answer instanceof Error) throw answer;
        return answer.map(details);
      },
    },
  };
}

function sources(suppliers: NamedSupplier[], snapshots: string[] = []) {
  const logger = mockServices.logger.mock();
  return {
    logger,
    sources: new ClusterSources({
      suppliers,
      snapshots: snapshots.map(name => ({
        type: 'snapshot' as const,
        name,
        directory: `/snapshots/${name}`,
      })),
      auth: mockServices.auth(),
      logger,
    }),
  };
}

const names = (list: Array<{ type: string; name: string }>) =>
  list.map(s => `${s.type}:${s.name}`);

describe('ClusterSources', () => {
  it('asks dynamic suppliers again at each run: a cluster added is found on the next', async () => {
    const { sources: s } = sources([
      scripted('catalog', [['a'], ['a', 'b'], ['b']]),
    ]);
    expect(names(await s.resolve())).toEqual(['kubernetes:a']);
    expect(names(await s.resolve())).toEqual(['kubernetes:a', 'kubernetes:b']);
    expect(names(await s.resolve())).toEqual(['kubernetes:b']);
  });

  it('keeps the previous list of a supplier that fails, and logs why', async () => {
    const { sources: s, logger } = sources([
      scripted('gke', [['a'], new Error('container API answered HTTP 503')]),
      scripted('config', [['c']], false),
    ]);
    await s.resolve();
    expect(names(await s.resolve())).toEqual(['kubernetes:a', 'kubernetes:c']);
    expect(s.complete).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      'Mesh discovery could not list the clusters of gke, keeping the 1 it listed before: container API answered HTTP 503',
    );
  });

  it('lists nothing of a supplier whose first call fails, and the others still', async () => {
    const { sources: s } = sources([
      scripted('catalog', [new Error('catalog unavailable')]),
      scripted('config', [['c']], false),
    ]);
    expect(names(await s.resolve())).toEqual(['kubernetes:c']);
    // so discovery does not forget the catalog's clusters it knew before a restart
    expect(s.complete).toBe(false);
  });

  it('asks only static suppliers at startup', async () => {
    const dynamic = scripted('catalog', [['a']]);
    const getClusters = jest.spyOn(dynamic.supplier, 'getClusters');
    const { sources: s } = sources(
      [dynamic, scripted('config', [['c']], false)],
      ['snap'],
    );
    expect(names(await s.resolve({ staticOnly: true }))).toEqual([
      'kubernetes:c',
      'snapshot:snap',
    ]);
    expect(getClusters).not.toHaveBeenCalled();
    expect(s.empty).toBe(false);
    expect(sources([]).sources.empty).toBe(true);
  });

  it('skips a name that is not a DNS-1123 label and the second of two clusters of one name, saying where', async () => {
    const { sources: s, logger } = sources(
      [
        scripted('kubernetes.clusterLocatorMethods[0] (config)', [
          ['Prod Cluster', 'dup'],
        ]),
        scripted('kubernetes.clusterLocatorMethods[1] (gke)', [['dup']]),
      ],
      ['dup'],
    );
    expect(names(await s.resolve())).toEqual(['kubernetes:dup']);
    expect(logger.error.mock.calls.map(c => c[0])).toEqual([
      'Mesh discovery skips cluster "Prod Cluster" (kubernetes.clusterLocatorMethods[0] (config)): ' +
        'cluster name "Prod Cluster" is not a DNS-1123 label: at most 63 characters, lowercase letters, ' +
        'digits and \'-\', starting and ending with a letter or digit; rename it, e.g. to "prod-cluster"',
      'Mesh discovery skips cluster dup of kubernetes.clusterLocatorMethods[1] (gke): kubernetes.clusterLocatorMethods[0] (config) already has a cluster of that name; names must be unique',
      'Mesh discovery skips cluster dup of mesh.snapshot.directory: kubernetes.clusterLocatorMethods[0] (config) already has a cluster of that name; names must be unique',
    ]);
  });
});
