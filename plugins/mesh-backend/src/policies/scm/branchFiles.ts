/**
 * Which files of a policy repository's branch the lifecycle reads, and how much of them: pure,
 * shared by the SCM readers and the snapshot.
 */

/** A file larger than this is refused: policies and rendered objects are a few KiB. */
export const MAX_BRANCH_FILE_BYTES = 256 * 1024;
/** A branch holding more kept files than this is refused rather than exhausting memory. */
export const MAX_BRANCH_FILES = 100_000;

/** Where GitHub and GitLab look for CODEOWNERS (GitHub: root, `.github/`, `docs/`; GitLab also `.gitlab/`). */
export const CODEOWNERS_PATHS = [
  'CODEOWNERS',
  '.github/CODEOWNERS',
  '.gitlab/CODEOWNERS',
  'docs/CODEOWNERS',
];

/** Whether the lifecycle reads a repository path: `policies/**`, `rendered/**`, CODEOWNERS. */
export function isBranchFile(path: string): boolean {
  return (
    ((path.startsWith('policies/') || path.startsWith('rendered/')) &&
      !path.endsWith('/') &&
      !path.split('/').some(s => s === '' || s === '.' || s === '..')) ||
    CODEOWNERS_PATHS.includes(path)
  );
}

/**
 * A filter for the files of one branch read: keeps the lifecycle's files and records those past
 * the limits, so the read fails with the file to fix instead of silently missing it (a missing
 * rendered file would read as a policy not rendered at all).
 */
export class BranchFileFilter {
  private kept = 0;
  private readonly oversized: Array<{ path: string; size: number }> = [];
  private overflow = false;

  readonly filter = (path: string, info?: { size: number }): boolean => {
    if (!isBranchFile(path)) return false;
    if (info && info.size > MAX_BRANCH_FILE_BYTES) {
      this.oversized.push({ path, size: info.size });
      return false;
    }
    if (this.kept >= MAX_BRANCH_FILES) {
      this.overflow = true;
      return false;
    }
    this.kept += 1;
    return true;
  };

  /** What makes the read unusable and how to fix it, or undefined. */
  problem(where: string): string | undefined {
    if (this.overflow) {
      return `${where} holds more than ${MAX_BRANCH_FILES.toLocaleString(
        'en',
      )} files under policies/ and rendered/, the most Meshport reads: split the policies over several repositories`;
    }
    const first = this.oversized[0];
    if (first) {
      const more =
        this.oversized.length > 1
          ? ` (and ${this.oversized.length - 1} more)`
          : '';
      return `${first.path} in ${where} is ${Math.ceil(
        first.size / 1024,
      )} KiB${more}, over the ${
        MAX_BRANCH_FILE_BYTES / 1024
      } KiB Meshport reads per file: split it or remove it from policies/ and rendered/`;
    }
    return undefined;
  }
}
