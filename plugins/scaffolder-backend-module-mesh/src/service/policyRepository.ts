import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  formatDiagnostic,
  Policy,
  policyPath,
} from '@meshport/backstage-plugin-mesh-policy';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ParsedPolicies } from './policyRenderers';

/**
 * Beyond these a repository is not a policy repository, or the workspace is the wrong one. A
 * repository of 3,000 policies holds 3,000 files under policies/.
 */
const MAX_FILES = 100_000;
const MAX_FILE_BYTES = 256 * 1024;
/** Files read between two turns of the event loop (a few milliseconds of reading). */
const READ_SLICE = 256;

export interface PolicyRepository {
  /** Repository-relative path → content of every file under policies/. */
  files: Record<string, string>;
  /** The parsed policies under policies/. */
  policies: Policy[];
}

/**
 * Reads the policies of the repository that `fetch:plain` put into the workspace: all of
 * `policies/`, none of `rendered/` (a request reads only the rendered files its change names, see
 * `readRenderedFiles`). A broken policy already in the repository is reported with its file,
 * since rendering on top of it would be guesswork.
 */
export async function readPolicyRepository(
  root: string,
  relativeRoot: string,
  parsedPolicies: ParsedPolicies,
): Promise<PolicyRepository> {
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new InputError(
      `no policy repository at "${relativeRoot}" in the workspace: fetch it there first (a fetch:plain step with targetPath: ${relativeRoot})`,
    );
  }
  const listed: [full: string, relative: string][] = [];
  listFiles(resolveSafeChildPath(root, 'policies'), 'policies', listed);
  if (listed.length > MAX_FILES) {
    throw new InputError(
      `the policy repository holds more than ${MAX_FILES} files under policies/; is "${relativeRoot}" the right folder?`,
    );
  }
  const files: Record<string, string> = {};
  for (let i = 0; i < listed.length; i++) {
    // Read synchronously, a slice at a time: a promise per file costs a thread-pool round
    // trip, several times the read itself when a repository holds thousands of small files;
    // yielding between slices keeps the backend answering meanwhile.
    if (i > 0 && i % READ_SLICE === 0) await new Promise(setImmediate);
    const [full, relative] = listed[i];
    files[relative] = checkedSize(relative, fsSync.readFileSync(full, 'utf8'));
  }

  const policies: Policy[] = [];
  const problems: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (!file.startsWith('policies/') || !/\.ya?ml$/.test(file)) continue;
    const parsed = parsedPolicies.parse(text);
    if (!parsed.ok) {
      problems.push(
        ...parsed.errors.map(e => `${file}: ${formatDiagnostic(e)}`),
      );
    } else if (policyPath(parsed.policy) !== file) {
      problems.push(
        `${file}: holds ${parsed.policy.kind} ${
          parsed.policy.metadata.namespace
        }/${parsed.policy.metadata.name}, which belongs at ${policyPath(
          parsed.policy,
        )}; move it`,
      );
    } else {
      policies.push(parsed.policy);
    }
  }
  parsedPolicies.rotate();
  if (problems.length > 0) {
    throw new InputError(
      `the policy repository holds invalid policies; fix them there first:\n${problems
        .slice(0, 20)
        .join('\n')}`,
    );
  }
  return { files, policies };
}

/**
 * Reads the named repository files (repository-relative paths, as a render names them); a file
 * the workspace does not hold is left out.
 */
export async function readRenderedFiles(
  root: string,
  paths: string[],
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (let i = 0; i < paths.length; i++) {
    if (i > 0 && i % READ_SLICE === 0) await new Promise(setImmediate);
    const relative = paths[i];
    const full = resolveSafeChildPath(root, relative);
    // A symlink could point outside the workspace; a policy repository has no reason for one,
    // so it counts as absent (the pull request then writes a plain file in its place).
    const stat = fsSync.lstatSync(full, { throwIfNoEntry: false });
    if (!stat?.isFile()) continue;
    const text = fsSync.readFileSync(full, 'utf8');
    files[relative] = checkedSize(relative, text);
  }
  return files;
}

/**
 * Checked on the text rather than with a stat per file: fetch:plain has already written whatever
 * the repository holds into the workspace.
 */
function checkedSize(relative: string, text: string): string {
  if (text.length > MAX_FILE_BYTES) {
    throw new InputError(
      `${relative} in the policy repository is larger than ${
        MAX_FILE_BYTES / 1024
      } KiB; policies and rendered resources are a few kilobytes each`,
    );
  }
  return text;
}

/**
 * Appends the files under `dir` (`relative` in the repository) to `out`, depth first in name
 * order; none when it is absent.
 */
function listFiles(
  dir: string,
  relative: string,
  out: [full: string, relative: string][],
) {
  let entries: fsSync.Dirent[];
  try {
    entries = fsSync.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // A symlink could point outside the workspace; a policy repository has no reason for one.
    if (entry.isSymbolicLink()) continue;
    const full = path.join(dir, entry.name);
    const inRepository = `${relative}/${entry.name}`;
    if (entry.isDirectory()) listFiles(full, inRepository, out);
    else if (entry.isFile()) out.push([full, inRepository]);
    if (out.length > MAX_FILES) return;
  }
}
