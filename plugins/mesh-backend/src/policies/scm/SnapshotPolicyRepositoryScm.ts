import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import { parseRepositoryUrl } from '@meshport/backstage-plugin-mesh-node';
import type {
  BranchSnapshot,
  PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  BranchFileFilter,
  CODEOWNERS_PATHS,
  isBranchFile,
} from './branchFiles';
import {
  PolicyRepositoryReadError,
  type PolicyRepositoryScm,
} from './PolicyRepositoryScm';
import { toPullRequestRecords } from './pullRequestRecords';

/** The snapshot's index, in the snapshot directory. */
export const SNAPSHOT_INDEX_FILE = 'repositories.json';

const timestamp = z.string().refine(v => !Number.isNaN(Date.parse(v)), {
  message: 'must be an ISO 8601 time',
});
const names = z.array(z.string().min(1));

const pullRequestSchema = z.strictObject({
  url: z.string().min(1),
  number: z.number().int().positive(),
  title: z.string(),
  state: z.enum(['open', 'merged', 'closed']),
  author: z.string().min(1).optional(),
  reviewers: names.default([]),
  approvedBy: names.default([]),
  createdAt: timestamp,
  mergedAt: timestamp.optional(),
  closedAt: timestamp.optional(),
  /** The description, with the request marker the scaffolder writes. */
  body: z.string().optional(),
  sourceBranch: z.string().min(1),
});

const indexSchema = z.strictObject({
  description: z.string().optional(),
  repositories: z.array(
    z.strictObject({
      url: z.string().refine(v => parseRepositoryUrl(v) !== undefined, {
        message: 'must be <host>?owner=<owner>&repo=<repo>',
      }),
      branchDirectory: z.string().min(1),
      commit: z.string().min(1).optional(),
      pullRequests: z.array(pullRequestSchema).default([]),
    }),
  ),
});
type SnapshotIndex = z.infer<typeof indexSchema>;
type SnapshotRepository = SnapshotIndex['repositories'][number];

const iso = (value: string) => new Date(value).toISOString();

function sameRepository(url: string, repository: PolicyRepositoryConfig) {
  const ref = parseRepositoryUrl(url);
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return (
    !!ref &&
    same(ref.host, repository.host) &&
    same(ref.owner, repository.owner) &&
    same(ref.repo, repository.repo)
  );
}

/**
 * Policy repositories read from a directory instead of their SCM, for the demo and tests without
 * credentials. `<directory>/repositories.json` lists each repository's URL (as in
 * `mesh.policyRepositories`), the directory holding its branch's `policies/` and `rendered/`
 * (relative to the snapshot directory; it must stay inside `rootDirectory`, by default the
 * snapshot directory itself), its commit and its pull requests. Symbolic links are skipped. The
 * files are re-read when they change (their modification times), so an edited snapshot shows up
 * at the next sync.
 */
export class SnapshotPolicyRepositoryScm implements PolicyRepositoryScm {
  private readonly directory: string;
  private readonly rootDirectory: string;
  private index?: { mtimeMs: number; value: SnapshotIndex };

  constructor(options: { directory: string; rootDirectory?: string }) {
    this.directory = path.resolve(options.directory);
    this.rootDirectory = path.resolve(
      options.rootDirectory ?? options.directory,
    );
  }

  async readBranch(
    repository: PolicyRepositoryConfig,
    etag?: string,
  ): Promise<{ snapshot: BranchSnapshot; etag?: string } | 'unchanged'> {
    const entry = await this.entry(repository);
    const at = `branchDirectory of ${entry.url} in ${this.indexPath()}`;
    let root: string;
    try {
      root = resolveSafeChildPath(
        this.rootDirectory,
        path.resolve(this.directory, entry.branchDirectory),
      );
    } catch {
      throw new PolicyRepositoryReadError(
        'error',
        `${at} (${entry.branchDirectory}) leaves ${this.rootDirectory}: keep it inside mesh.policyLifecycle.snapshot.rootDirectory`,
      );
    }
    const filter = new BranchFileFilter();
    const found: Array<{
      relative: string;
      absolute: string;
      mtimeMs: number;
      size: number;
    }> = [];
    try {
      await walk(root, async (relative, absolute) => {
        if (!isBranchFile(relative)) return;
        const stat = await fs.lstat(absolute);
        if (filter.filter(relative, { size: stat.size })) {
          found.push({
            relative,
            absolute,
            mtimeMs: stat.mtimeMs,
            size: stat.size,
          });
        }
      });
    } catch (e) {
      throw new PolicyRepositoryReadError(
        'error',
        `${at} (${entry.branchDirectory}) cannot be read: ${
          (e as Error).message
        }`,
      );
    }
    const problem = filter.problem(`${entry.branchDirectory}`);
    if (problem) throw new PolicyRepositoryReadError('error', problem);
    found.sort((a, b) => a.relative.localeCompare(b.relative));
    const tag = createHash('sha256')
      .update(
        JSON.stringify([
          entry.commit,
          found.map(f => [f.relative, f.mtimeMs, f.size]),
        ]),
      )
      .digest('hex');
    if (etag === tag) return 'unchanged';
    const files: Record<string, string> = {};
    for (const file of found) {
      files[file.relative] = await fs.readFile(file.absolute, 'utf8');
    }
    return {
      snapshot: { ...(entry.commit && { commit: entry.commit }), files },
      etag: tag,
    };
  }

  /**
   * The snapshot's pull requests from `meshport/` branches, with their markers parsed, as the
   * SCM readers return them; no 90-day window, so the demo's requests do not age out.
   */
  async listPullRequests(
    repository: PolicyRepositoryConfig,
  ): Promise<PolicyPullRequestRecord[]> {
    const entry = await this.entry(repository);
    return toPullRequestRecords(
      entry.pullRequests.map(({ body, sourceBranch, ...pullRequest }) => ({
        pullRequest: {
          ...pullRequest,
          createdAt: iso(pullRequest.createdAt),
          ...(pullRequest.mergedAt && { mergedAt: iso(pullRequest.mergedAt) }),
          ...(pullRequest.closedAt && { closedAt: iso(pullRequest.closedAt) }),
        },
        body,
        sourceBranch,
      })),
    );
  }

  private indexPath() {
    return path.join(this.directory, SNAPSHOT_INDEX_FILE);
  }

  private async entry(
    repository: PolicyRepositoryConfig,
  ): Promise<SnapshotRepository> {
    const index = await this.readIndex();
    const entry = index.repositories.find(r =>
      sameRepository(r.url, repository),
    );
    if (!entry) {
      throw new PolicyRepositoryReadError(
        'not-found',
        `${
          repository.url
        } is not in the SCM snapshot ${this.indexPath()}: add it to repositories, or remove mesh.policyLifecycle.snapshot to read it from ${
          repository.host
        }`,
      );
    }
    return entry;
  }

  private async readIndex(): Promise<SnapshotIndex> {
    const file = this.indexPath();
    let mtimeMs: number;
    try {
      mtimeMs = (await fs.stat(file)).mtimeMs;
    } catch {
      throw new PolicyRepositoryReadError(
        'error',
        `the SCM snapshot ${file} cannot be read: check mesh.policyLifecycle.snapshot.directory (resolved from the backend's working directory)`,
      );
    }
    if (this.index?.mtimeMs === mtimeMs) return this.index.value;
    let json: unknown;
    try {
      json = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (e) {
      throw new PolicyRepositoryReadError(
        'error',
        `the SCM snapshot ${file} is not JSON: ${(e as Error).message}`,
      );
    }
    const parsed = indexSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue?.path.length ? issue.path.join('.') : 'the file';
      throw new PolicyRepositoryReadError(
        'error',
        `the SCM snapshot ${file} is malformed at ${at}: ${
          issue?.message ?? 'invalid'
        }`,
      );
    }
    this.index = { mtimeMs, value: parsed.data };
    return parsed.data;
  }
}

/**
 * Visits the branch's files under `root` (paths with `/`): everything under `policies/` and
 * `rendered/`, and the CODEOWNERS files. Symbolic links (files or directories) are skipped, so
 * nothing outside the branch directory is read through one.
 */
async function walk(
  root: string,
  visit: (relative: string, absolute: string) => Promise<void>,
): Promise<void> {
  const isPlain = async (relative: string, kind: 'file' | 'directory') => {
    const segments = relative.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const stat = await fs
        .lstat(path.join(root, ...segments.slice(0, i)))
        .catch(() => undefined);
      const last = i === segments.length;
      if (!stat || stat.isSymbolicLink()) return false;
      if (!last && !stat.isDirectory()) return false;
      if (last) return kind === 'file' ? stat.isFile() : stat.isDirectory();
    }
    return false;
  };
  const descend = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(root, relative), {
      withFileTypes: true,
    });
    for (const entry of entries) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) await descend(child);
      else if (entry.isFile()) await visit(child, path.join(root, child));
    }
  };
  for (const top of ['policies', 'rendered']) {
    if (await isPlain(top, 'directory')) await descend(top);
  }
  for (const file of CODEOWNERS_PATHS) {
    if (await isPlain(file, 'file')) await visit(file, path.join(root, file));
  }
}
