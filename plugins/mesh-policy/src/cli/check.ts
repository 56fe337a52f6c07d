import path from 'node:path';
import { parse } from 'yaml';
import type {
  Fleet,
  Finding,
  FindingSeverity,
} from '@meshport/backstage-plugin-mesh-common';
import {
  FINDING_SEVERITIES,
  MESHPORT_POLICY_LABEL,
} from '@meshport/backstage-plugin-mesh-common';
import type { AnalysisResult } from '../analyze/analyzeFleet';
import type { RemovedObject } from '../analyze/context';
import type { ClusterObject } from '../verify/types';

export type CheckFormat = 'text' | 'github';
export const CHECK_FORMATS: readonly CheckFormat[] = ['text', 'github'];

/** What a policy repository's render changes in the fleet's live config. */
export interface RepositoryChange {
  /** Per cluster: every object the render holds; each replaces the live one of its name. */
  proposed: Record<string, ClusterObject[]>;
  /** Per cluster: live Meshport-managed objects no policy renders any more (GitOps prunes them). */
  removed: Record<string, RemovedObject[]>;
  /** `<cluster>/<kind>/<namespace>/<name>` → the rendered file holding it. */
  fileOf: Map<string, string>;
  /** Clusters the render writes to whose live config the fleet file does not carry. */
  withoutConfig: string[];
}

const keyOf = (
  cluster: string,
  kind: string,
  namespace: string | undefined,
  name: string,
) => `${cluster}/${kind}/${namespace ?? ''}/${name}`;

/**
 * The repository as the mesh will hold it once GitOps applies `rendered/`: the rendered
 * objects (`rendered/<cluster>/<namespace>/<kind>-<name>.yaml`, the compiler's own output)
 * proposed per cluster, and the live objects carrying the Meshport policy label that the
 * render no longer has, removed. Pure.
 */
export function repositoryChange(
  fleet: Fleet,
  rendered: Record<string, string>,
): RepositoryChange {
  const proposed: Record<string, ClusterObject[]> = {};
  const fileOf = new Map<string, string>();
  for (const [file, text] of Object.entries(rendered)) {
    const [top, cluster] = file.split('/');
    if (top !== 'rendered' || !cluster) continue;
    const object = parse(text) as ClusterObject | null;
    if (typeof object?.kind !== 'string' || !object.metadata?.name) continue;
    (proposed[cluster] ??= []).push(object);
    fileOf.set(
      keyOf(
        cluster,
        object.kind,
        object.metadata.namespace,
        object.metadata.name,
      ),
      file,
    );
  }

  const removed: Record<string, RemovedObject[]> = {};
  for (const c of fleet.clusters) {
    for (const o of c.config ?? []) {
      if (!o.metadata.labels?.[MESHPORT_POLICY_LABEL]) continue;
      const key = keyOf(c.name, o.kind, o.metadata.namespace, o.metadata.name);
      if (fileOf.has(key)) continue;
      (removed[c.name] ??= []).push({
        kind: o.kind,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
      });
    }
  }

  const known = new Set(
    fleet.clusters.filter(c => c.config !== undefined).map(c => c.name),
  );
  return {
    proposed,
    removed,
    fileOf,
    withoutConfig: Object.keys(proposed)
      .filter(c => !known.has(c))
      .sort(),
  };
}

/** The notes of an analysis, with what the CLI itself knows it could not see. */
export function checkNotes(
  result: AnalysisResult,
  change: RepositoryChange,
  fleetFile: string,
): string[] {
  return [
    ...change.withoutConfig.map(
      c =>
        `Cluster ${c}: ${fleetFile} carries no live mesh config for it, so only the objects rendered for it were analysed; objects applied there by other means were not seen. Export the fleet from a mesh backend that reports each cluster's config.`,
    ),
    ...result.notes,
  ];
}

/** The rendered file a finding is about: its first object the render holds. */
function fileOfFinding(
  f: Finding,
  change: RepositoryChange,
): string | undefined {
  for (const o of f.objects) {
    const file = change.fileOf.get(
      keyOf(o.cluster, o.kind, o.namespace, o.name),
    );
    if (file) return file;
  }
  return undefined;
}

const PLURAL: Record<FindingSeverity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  info: ['info', 'info'],
};

const count = (n: number, severity: FindingSeverity) =>
  `${n} ${PLURAL[severity][n === 1 ? 0 : 1]}`;

function summary(findings: Finding[]): string {
  return FINDING_SEVERITIES.map(s =>
    count(findings.filter(f => f.severity === s).length, s),
  ).join(', ');
}

/**
 * The errors a repository's CI must fail on: those its render introduces (absent from the
 * live-only analysis) and those about an object the render holds. An error already live and
 * about nothing the repository renders is someone else's to fix: it is reported, and does
 * not fail every policy change until then.
 */
export function blockingErrors(
  result: AnalysisResult,
  live: AnalysisResult,
  change: RepositoryChange,
): Finding[] {
  const before = new Set(live.findings.map(f => f.key));
  return result.findings.filter(
    f =>
      f.severity === 'error' &&
      (!before.has(f.key) || fileOfFinding(f, change) !== undefined),
  );
}

/** The line that ends the output: what was found, and what of it fails the check. */
export function checkSummary(
  result: AnalysisResult,
  blocking: Finding[],
  repo: string,
): string {
  const errors = result.findings.filter(f => f.severity === 'error').length;
  const others = errors - blocking.length;
  return `${summary(
    result.findings,
  )} in the fleet with ${repo}'s render applied${
    others > 0
      ? `; ${count(
          others,
          'error',
        )} already live and about no object ${repo} renders (reported, not failing the check)`
      : ''
  }`;
}

/** Findings grouped worst first, each with its fix, owners and rendered file; then the notes. */
export function formatText(
  result: AnalysisResult,
  change: RepositoryChange,
  notes: string[],
  repo: string,
  blocking: Finding[] = result.findings.filter(f => f.severity === 'error'),
): string[] {
  const lines: string[] = [];
  for (const severity of FINDING_SEVERITIES) {
    const group = result.findings.filter(f => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(`${PLURAL[severity][1]} (${group.length})`);
    for (const f of group) {
      const file = fileOfFinding(f, change);
      lines.push(
        `  ${f.code} ${f.title}`,
        `    ${f.message}`,
        `    fix: ${f.fix}`,
        ...(f.owners.length > 0 ? [`    owners: ${f.owners.join(', ')}`] : []),
        ...(file ? [`    file: ${repoPath(repo, file)}`] : []),
      );
    }
    lines.push('');
  }
  if (notes.length > 0) {
    lines.push('notes', ...notes.map(n => `  - ${n}`), '');
  }
  lines.push(checkSummary(result, blocking, repo));
  return lines;
}

const COMMAND: Record<FindingSeverity, string> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
};

/**
 * GitHub Actions workflow commands: one annotation per finding, on the rendered file of its
 * object when the render holds it (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#setting-an-error-message).
 */
export function formatGithub(
  result: AnalysisResult,
  change: RepositoryChange,
  notes: string[],
  repo: string,
  blocking: Finding[] = result.findings.filter(f => f.severity === 'error'),
): string[] {
  const failing = new Set(blocking.map(f => f.key));
  const lines = result.findings.map(f => {
    const file = fileOfFinding(f, change);
    const owners =
      f.owners.length > 0 ? ` Owners: ${f.owners.join(', ')}.` : '';
    // an error that does not fail the check is annotated as a warning, so the run's
    // annotations agree with its exit status
    return annotation(
      f.severity === 'error' && !failing.has(f.key) ? 'warning' : f.severity,
      file && repoPath(repo, file),
      f.code,
      `${f.message} Fix: ${f.fix}${owners}`,
    );
  });
  lines.push(
    ...notes.map(n => annotation('info', undefined, 'meshport-policy', n)),
    checkSummary(result, blocking, repo),
  );
  return lines;
}

/** One workflow command: `::error file=<file>,title=<title>::<message>`. */
export function annotation(
  severity: FindingSeverity,
  file: string | undefined,
  title: string,
  message: string,
): string {
  const properties = [
    ...(file ? [`file=${escapeProperty(file)}`] : []),
    `title=${escapeProperty(title)}`,
  ].join(',');
  return `::${COMMAND[severity]} ${properties}::${escapeData(message)}`;
}

/** A rendered file as the caller names the repository, so annotations land on the right path. */
function repoPath(repo: string, file: string): string {
  return path.posix.join(repo.split(path.sep).join('/'), file);
}

// Workflow commands end at a newline, and properties at ',' or ':'; GitHub's toolkit escapes
// them with URL-style percent codes (actions/toolkit packages/core/src/command.ts).
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
