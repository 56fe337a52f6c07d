import type { Fleet, Finding } from '@meshport/backstage-plugin-mesh-common';
import {
  ALL_CHECKS,
  analyzeFleet,
  diffFindings,
  type AnalysisResult,
  type ClusterObject,
  type RemovedObject,
} from '@meshport/backstage-plugin-mesh-policy';
import { parse } from 'yaml';

/** The checks an analysis runs: the engine's own unless a test gives others. */
export type Checks = NonNullable<Parameters<typeof analyzeFleet>[1]>;

/** What a request does to the mesh analysis of the fleet. */
export interface RequestAnalysis {
  /** Findings the request's objects bring: the after-analysis has them, the live one not. */
  introduced: Finding[];
  /** Findings of the live config the request makes go away. */
  resolved: Finding[];
  /** Findings in both: not the requester's doing, so only counted. */
  existing: number;
  /** Clusters the request changes whose live config is known: these were analysed. */
  analysedClusters: string[];
  /**
   * Clusters the request changes whose live config is unknown (never synced, or a mesh
   * backend without config in its fleet): left out, since their objects alone would be
   * judged without the config they join.
   */
  unknownClusters: string[];
  /** What the engine could not look at, as it says it. */
  notes: string[];
  /**
   * Why the analysis itself failed (a bug, or config shaped in a way the engine did not
   * expect). A failed analysis refuses nothing: the request is judged by its review.
   */
  failure?: string;
}

/** The files of a request under `rendered/`, as `renderedDifference` and the repository give them. */
export interface RenderedChange {
  /** Repository path → content of every rendered file the request adds or changes. */
  changed: Record<string, string>;
  /** Repository path → content (as the repository holds it) of every rendered file it deletes. */
  removed: Record<string, string>;
}

/**
 * Analyses a request the way the mesh will see it once GitOps applies it: every cluster's live
 * config alone, then with the request's rendered objects in place, across the whole fleet; the
 * difference by finding key is what the request introduces and resolves. Owned by the module
 * and shared by every action: the fleet reader answers with the same `Fleet` object while the
 * fleet is unchanged, so the analysis of the live config alone is kept for it and only the
 * analysis with the request applied runs per request.
 */
export class RequestAnalyzer {
  private live?: { fleet: Fleet; result: AnalysisResult };

  constructor(private readonly checks: Checks = ALL_CHECKS) {}

  analyze(fleet: Fleet, change: RenderedChange): RequestAnalysis {
    const known = new Set(
      fleet.clusters.filter(c => c.config !== undefined).map(c => c.name),
    );
    const proposed = objectsByCluster(change.changed);
    const removedObjects = objectsByCluster(change.removed);
    const touched = [
      ...new Set([...Object.keys(proposed), ...Object.keys(removedObjects)]),
    ].sort();
    const analysedClusters = touched.filter(c => known.has(c));
    const unknownClusters = touched.filter(c => !known.has(c));
    if (analysedClusters.length === 0) {
      return {
        introduced: [],
        resolved: [],
        existing: 0,
        analysedClusters,
        unknownClusters,
        notes: [],
      };
    }

    try {
      return this.compare(
        fleet,
        proposed,
        removedObjects,
        analysedClusters,
        unknownClusters,
      );
    } catch (e) {
      return {
        introduced: [],
        resolved: [],
        existing: 0,
        analysedClusters,
        unknownClusters,
        notes: [],
        failure: e instanceof Error ? e.message : String(e),
      };
    }
  }

  private compare(
    fleet: Fleet,
    proposed: Record<string, ClusterObject[]>,
    removedObjects: Record<string, ClusterObject[]>,
    analysedClusters: string[],
    unknownClusters: string[],
  ): RequestAnalysis {
    const before = this.liveAnalysis(fleet);
    const after = analyzeFleet(
      {
        fleet,
        proposed: pickClusters(proposed, analysedClusters),
        removed: Object.fromEntries(
          analysedClusters.map(c => [
            c,
            (removedObjects[c] ?? []).map(
              (o): RemovedObject => ({
                kind: o.kind,
                namespace: o.metadata.namespace ?? 'default',
                name: o.metadata.name,
              }),
            ),
          ]),
        ),
      },
      this.checks,
    );
    const { introduced, resolved } = diffFindings(
      before.findings,
      after.findings,
    );
    return {
      introduced,
      resolved,
      existing: after.findings.length - introduced.length,
      analysedClusters,
      unknownClusters,
      notes: [...new Set(after.notes)],
    };
  }

  private liveAnalysis(fleet: Fleet): AnalysisResult {
    if (this.live?.fleet !== fleet) {
      this.live = { fleet, result: analyzeFleet({ fleet }, this.checks) };
    }
    return this.live.result;
  }
}

/**
 * The objects of `rendered/<cluster>/<namespace>/<kind>-<name>.yaml` files, per cluster. The
 * changed files are the compiler's own output, the removed ones what the repository holds;
 * a file that is not one object is left out rather than guessed at.
 */
export function objectsByCluster(
  files: Record<string, string>,
): Record<string, ClusterObject[]> {
  const out: Record<string, ClusterObject[]> = {};
  for (const [file, text] of Object.entries(files)) {
    const [top, cluster] = file.split('/');
    if (top !== 'rendered' || !cluster) continue;
    const object = asClusterObject(parseYaml(text));
    if (!object) continue;
    (out[cluster] ??= []).push(object);
  }
  return out;
}

/** A file the repository holds may have been edited into anything: unreadable is left out. */
function parseYaml(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

function asClusterObject(value: unknown): ClusterObject | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const o = value as Partial<ClusterObject>;
  if (typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string')
    return undefined;
  return o as ClusterObject;
}

function pickClusters<T>(
  byCluster: Record<string, T[]>,
  clusters: string[],
): Record<string, T[]> {
  return Object.fromEntries(clusters.map(c => [c, byCluster[c] ?? []]));
}

/** Beyond this many, a refusal lists the first ones: the count says how many more. */
const MAX_LISTED = 20;

/**
 * Why a request is refused: the errors it would introduce, each with its fix and the owners
 * to talk to. Undefined when it introduces none.
 */
export function refusalMessage(
  subject: string,
  analysis: RequestAnalysis,
): string | undefined {
  const errors = analysis.introduced.filter(f => f.severity === 'error');
  if (errors.length === 0) return undefined;
  const shown = errors.slice(0, MAX_LISTED);
  return `${subject} cannot be added: with it, the mesh analysis of ${analysis.analysedClusters.join(
    ', ',
  )} finds ${
    errors.length === 1 ? 'an error' : `${errors.length} errors`
  } the live config does not have:\n${shown
    .map(f => `- ${oneLine(f)}`)
    .join('\n')}${
    errors.length > shown.length
      ? `\n- and ${errors.length - shown.length} more`
      : ''
  }\nChange the request so that it does not cause ${
    errors.length === 1 ? 'it' : 'them'
  }, or have the owners named fix their side first.`;
}

/** The "Mesh analysis" section of the pull request body. */
export function analysisSection(analysis: RequestAnalysis): string[] {
  const lines = ['### Mesh analysis', ''];
  if (analysis.failure !== undefined) {
    lines.push(
      `The mesh analysis failed, so it judged nothing here: ${flat(
        analysis.failure,
      )}`,
      '',
    );
    return lines;
  }
  if (analysis.analysedClusters.length === 0) {
    lines.push(
      analysis.unknownClusters.length > 0
        ? `Not analysed: the live mesh config of ${analysis.unknownClusters.join(
            ', ',
          )} is unknown to Meshport (never synced, or a mesh backend that does not report it).`
        : 'Nothing to analyse: the request changes no cluster.',
      '',
    );
    return lines;
  }
  lines.push(
    `The live mesh config of every cluster, with this change applied to ${analysis.analysedClusters.join(
      ', ',
    )}, analysed across the fleet.`,
    '',
  );
  if (analysis.introduced.length === 0 && analysis.resolved.length === 0) {
    lines.push('It introduces no finding and resolves none.', '');
  }
  if (analysis.introduced.length > 0) {
    lines.push(
      '**Introduces**',
      '',
      ...analysis.introduced.map(f => `- ${markdown(f)}`),
      '',
    );
  }
  if (analysis.resolved.length > 0) {
    lines.push(
      '**Resolves**',
      '',
      ...analysis.resolved.map(f => `- ${markdown(f)}`),
      '',
    );
  }
  if (analysis.existing > 0) {
    lines.push(
      `${analysis.existing} ${
        analysis.existing === 1
          ? "finding of the live config stays as it is: not this request's doing (the Mesh tab lists it)."
          : "findings of the live config stay as they are: not this request's doing (the Mesh tab lists them)."
      }`,
      '',
    );
  }
  if (analysis.unknownClusters.length > 0) {
    lines.push(
      `Not analysed: ${analysis.unknownClusters.join(
        ', ',
      )}, whose live mesh config is unknown to Meshport.`,
      '',
    );
  }
  if (analysis.notes.length > 0) {
    lines.push(
      'What the analysis could not look at:',
      '',
      ...analysis.notes.map(n => `- ${flat(n)}`),
      '',
    );
  }
  return lines;
}

function markdown(f: Finding): string {
  return `**${f.severity}** \`${f.code}\` ${flat(f.message)} Fix: ${flat(
    f.fix,
  )}${owners(f)}`;
}

function oneLine(f: Finding): string {
  return `${f.code} ${flat(f.message)} Fix: ${flat(f.fix)}${owners(f)}`;
}

function owners(f: Finding): string {
  return f.owners.length > 0 ? ` Owners: ${f.owners.join(', ')}.` : '';
}

/** Messages are one paragraph: a newline would break a list item or a quoted note. */
function flat(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
