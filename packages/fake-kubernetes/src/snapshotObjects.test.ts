import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snapshotObjects } from './snapshotObjects';

describe('snapshotObjects', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubernetes-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'a' },
  };

  it('reads every list of the directory, and nothing else', () => {
    fs.writeFileSync(
      path.join(dir, 'pods.json'),
      JSON.stringify({ items: [pod] }),
    );
    fs.writeFileSync(
      path.join(dir, 'services.json'),
      JSON.stringify({ items: [service] }),
    );
    fs.writeFileSync(path.join(dir, 'README.md'), '# not a list');
    expect(snapshotObjects(dir)).toEqual(
      expect.arrayContaining([pod, service]),
    );
    expect(snapshotObjects(dir)).toHaveLength(2);
  });

  it('names the file that is not JSON', () => {
    fs.writeFileSync(path.join(dir, 'pods.json'), '{ not json');
    expect(() => snapshotObjects(dir)).toThrow(/pods\.json/);
  });

  it('names the file that is not a list', () => {
    fs.writeFileSync(path.join(dir, 'pods.json'), JSON.stringify(pod));
    expect(() => snapshotObjects(dir)).toThrow(/pods\.json has no "items"/);
  });

  it('fails on a directory that does not exist', () => {
    expect(() => snapshotObjects(path.join(dir, 'missing'))).toThrow(/ENOENT/);
  });
});
