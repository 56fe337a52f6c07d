import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
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
 * `mesh.policyLifecycle.snapshot`: where the SCM snapshot the mesh backend reads instead of
 * GitHub or GitLab lives, and the folder its branch directories must stay inside.
 */
export interface RepositorySnapshotLocation {
  directory: string;
  /** Default: `directory`. */
  rootDirectory: string;
}

/**
 * The folder holding a repository's branch (`policies/`, `rendered/`) in the SCM snapshot
 * (`repositories.json`: `{ repositories: [{ url, branchDirectory, … }] }`, the branch
 * directory relative to the snapshot's, inside `rootDirectory`; the format of the mesh
 * backend's SnapshotPolicyRepositoryScm). Undefined when the snapshot does not hold the
 * repository. The demo has no credentials and no network: rendering against this copy lets a
 * request show what it would change, exactly as it would against the branch.
 */
export async function findSnapshotBranch(
  snapshot: RepositorySnapshotLocation,
  repository: PolicyRepositoryConfig,
): Promise<string | undefined> {
  const file = path.join(snapshot.directory, SNAPSHOT_FILE);
  const fix = 'fix the SCM snapshot or unset mesh.policyLifecycle.snapshot';
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
      `${file} is not valid JSON (${(e as Error).message}); ${fix}`,
    );
  }
  const list = (parsed as { repositories?: unknown } | null)?.repositories;
  if (!Array.isArray(list)) {
    throw new InputError(
      `${file} must hold { repositories: [{ url, branchDirectory }] }; ${fix}`,
    );
  }
  const entry = list.find(
    (e): e is { url: string; branchDirectory: unknown } =>
      typeof e?.url === 'string' &&
      findPolicyRepository([repository], e.url) === repository,
  );
  if (!entry) return undefined;
  if (typeof entry.branchDirectory !== 'string' || !entry.branchDirectory) {
    throw new InputError(
      `the branchDirectory of ${entry.url} in ${file} must be a folder name; ${fix}`,
    );
  }
  const branch = path.resolve(snapshot.directory, entry.branchDirectory);
  try {
    return resolveSafeChildPath(snapshot.rootDirectory, branch);
  } catch {
    throw new InputError(
      `the branchDirectory of ${entry.url} in ${file} (${entry.branchDirectory}) leaves ${snapshot.rootDirectory}; keep it inside mesh.policyLifecycle.snapshot.rootDirectory`,
    );
  }
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
