import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DEMO_FLEET_DIR } from '../__testUtils__/demoFleet';
import { readSnapshotClusters } from './snapshotClusters';

const read = (directory?: string) => {
  const logger = mockServices.logger.mock();
  const config = new ConfigReader(
    directory ? { mesh: { snapshot: { directory } } } : {},
  );
  return { clusters: readSnapshotClusters(config, logger), logger };
};

describe('readSnapshotClusters', () => {
  it('makes one cluster per sub-directory, named after it', () => {
    expect(read(DEMO_FLEET_DIR).clusters.map(c => c.name)).toEqual([
      'cluster-1',
      'cluster-2',
      'cluster-3',
      'cluster-4',
    ]);
  });

  it('has none without the key, and refuses a directory that does not exist', () => {
    expect(read().clusters).toEqual([]);
    expect(() => read('/nowhere/snapshots')).toThrow(
      "mesh.snapshot.directory /nowhere/snapshots does not exist; it is resolved from the backend's working directory",
    );
  });

  it('skips a directory whose name is not a DNS-1123 label, saying so', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshots-'));
    try {
      fs.mkdirSync(path.join(root, 'Prod_1'));
      fs.mkdirSync(path.join(root, 'prod-2'));
      const { clusters, logger } = read(root);
      expect(clusters.map(c => c.name)).toEqual(['prod-2']);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('rename it, e.g. to "prod-1"'),
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
