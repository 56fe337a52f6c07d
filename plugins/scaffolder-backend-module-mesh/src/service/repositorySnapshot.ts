import { InputError } from '@backstage/errors';
import {
  findPolicyRepository,
  PolicyRepositoryConfig,
} from '@meshport/backstage-plugin-mesh-node';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The file the SCM snapshot keeps its repositories in, inside the snapshot directory. */
export const SNAPSHOT_FILE = 'repositories.json';

/**
 * The folder holding a repository's branch (`policies/`, `rendered/`) in the SCM snapshot the
 * mesh backend reads instead of GitHub or GitLab (`mesh.policyLifecycle.snapshot.directory`,
 * its `repositories.json`: entries `{ url, branchDirectory }`, the directory relative to the
 * snapshot's). Undefined when the snapshot does not hold the repository. The demo has no
 * credentials and no network: rendering against this copy lets a request show what it would
 * change, exactly as it would against the branch.
 */
export async function findSnapshotBranch(
  snapshotDirectory: string,
  repository: PolicyRepositoryConfig,
): Promise<string | undefined> {
  const file = path.join(snapshotDirectory, SNAPSHOT_FILE);
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new InputError(
      `${file} is not valid JSON (${
        (e as Error).message
      }); fix the SCM snapshot or unset mesh.policyLifecycle.snapshot.directory`,
    );
  }
  // a list of entries, or an object holding them under `repositories`
  const list = Array.isArray(parsed)
    ? parsed
    : (parsed as { repositories?: unknown } | null)?.repositories;
  if (!Array.isArray(list)) {
    throw new InputError(
      `${file} must hold a list of repositories ({ url, branchDirectory }); fix the SCM snapshot or unset mesh.policyLifecycle.snapshot.directory`,
    );
  }
  const entries = list.filter(
    (e): e is { url: string; branchDirectory: string } =>
      typeof e?.url === 'string' && typeof e?.branchDirectory === 'string',
  );
  const entry = entries.find(
    e => findPolicyRepository([repository], e.url) === repository,
  );
  return entry
    ? path.resolve(snapshotDirectory, entry.branchDirectory)
    : undefined;
}

/**
 * Copies the branch into `target`, as fetch:plain would: only regular files and folders (a
 * symlink could point anywhere on the backend's disk), without `.git`.
 */
export async function copySnapshotBranch(
  branchDirectory: string,
  target: string,
): Promise<number> {
  let copied = 0;
  const copy = async (from: string, to: string) => {
    const entries = await fs.readdir(from, { withFileTypes: true });
    await fs.mkdir(to, { recursive: true });
    for (const entry of entries) {
      const source = path.join(from, entry.name);
      if (entry.isDirectory() && entry.name !== '.git') {
        await copy(source, path.join(to, entry.name));
      } else if (entry.isFile()) {
        await fs.copyFile(source, path.join(to, entry.name));
        copied++;
      }
    }
  };
  const stat = await fs.lstat(branchDirectory).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new InputError(
      `the SCM snapshot names ${branchDirectory} as the branch, which is not a folder; fix its branchDirectory or unset mesh.policyLifecycle.snapshot.directory`,
    );
  }
  await copy(branchDirectory, target);
  return copied;
}
