import fs from 'node:fs/promises';
import path from 'node:path';

/** File access for the CLI, the only place in the package that touches the disk. */

/** Every `*.yaml` / `*.yml` under `dir`, as repository-relative POSIX paths, sorted. */
export async function listFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    let entries;
    try {
      entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(child);
    }
  };
  await walk(dir);
  return out.sort();
}

export async function readFiles(
  root: string,
  files: string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) out[f] = await fs.readFile(inside(root, f), 'utf8');
  return out;
}

/** Makes `rendered/` hold exactly `files`: writes new and changed files, deletes stale ones. */
export async function syncDirectory(
  root: string,
  dir: string,
  files: Record<string, string>,
  existing: Record<string, string>,
) {
  for (const stale of Object.keys(existing).filter(f => !(f in files))) {
    await fs.rm(inside(root, stale));
  }
  for (const [rel, content] of Object.entries(files)) {
    if (existing[rel] === content) continue;
    const target = inside(root, rel);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
  }
  await removeEmptyDirs(path.join(root, dir));
}

/** Resolves a repository path, refusing anything that would land outside the repository. */
function inside(root: string, rel: string): string {
  const full = path.resolve(root, rel);
  if (!full.startsWith(path.resolve(root) + path.sep))
    throw new Error(`refusing to touch ${rel}: outside the repository`);
  return full;
}

async function removeEmptyDirs(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  let empty = true;
  for (const e of entries) {
    if (!e.isDirectory() || !(await removeEmptyDirs(path.join(dir, e.name))))
      empty = false;
  }
  if (empty) await fs.rmdir(dir);
  return empty;
}
