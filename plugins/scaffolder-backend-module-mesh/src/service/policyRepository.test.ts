import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { readRenderedFiles } from './policyRepository';

describe('readRenderedFiles', () => {
  const repo = createMockDirectory();
  beforeEach(() => {
    repo.clear();
    repo.addContent({
      'rendered/cluster-1/bookinfo/virtualservice-reviews.yaml': 'kind: VS\n',
      'rendered/cluster-2/bookinfo/virtualservice-reviews.yaml': 'kind: VS2\n',
    });
  });

  it('reads only the files it is given, leaving out those the repository lacks', async () => {
    await expect(
      readRenderedFiles(repo.path, [
        'rendered/cluster-1/bookinfo/virtualservice-reviews.yaml',
        'rendered/cluster-3/bookinfo/virtualservice-reviews.yaml',
      ]),
    ).resolves.toEqual({
      'rendered/cluster-1/bookinfo/virtualservice-reviews.yaml': 'kind: VS\n',
    });
  });

  it('reads nothing for no paths', async () => {
    await expect(readRenderedFiles(repo.path, [])).resolves.toEqual({});
  });

  it('treats a symlink as absent rather than following it', async () => {
    repo.addContent({ 'outside.txt': 'secret' });
    fs.symlinkSync(
      path.join(repo.path, 'outside.txt'),
      path.join(repo.path, 'rendered/cluster-1/bookinfo/link.yaml'),
    );
    await expect(
      readRenderedFiles(repo.path, ['rendered/cluster-1/bookinfo/link.yaml']),
    ).resolves.toEqual({});
  });

  it('refuses a path leading out of the repository', async () => {
    await expect(
      readRenderedFiles(repo.path, ['../elsewhere.yaml']),
    ).rejects.toThrow(/outside its parent/);
  });

  it('refuses a file larger than a rendered resource can be, naming it', async () => {
    repo.addContent({ 'rendered/big.yaml': 'x'.repeat(300 * 1024) });
    await expect(
      readRenderedFiles(repo.path, ['rendered/big.yaml']),
    ).rejects.toThrow(
      /rendered\/big.yaml in the policy repository is larger than 256 KiB/,
    );
  });
});
