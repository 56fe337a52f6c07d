import type {
  Finding,
  FindingSeverity,
} from '@meshport/backstage-plugin-mesh-common';
import { FINDING_SEVERITIES } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../diagnostics';
import { ALL_CHECKS } from './checks';
import { AnalysisContext, AnalysisInput } from './context';
import type { Check, FindingDraft } from './types';

export interface AnalysisResult {
  /** Sorted worst first, then by code and key; one per key. */
  findings: Finding[];
  /** What the analysis could not look at (clusters without config, checks without traffic). */
  notes: string[];
}

const unique = (xs: Iterable<string>) => [...new Set(xs)].sort(compareStrings);

function findingOf(
  check: Check,
  draft: FindingDraft,
  ctx: AnalysisContext,
): Finding {
  const services = unique(draft.services ?? []);
  const clusters = unique([
    ...draft.objects.map(o => o.cluster),
    ...(draft.clusters ?? []),
  ]);
  const owners = unique([
    ...services.flatMap(s => ctx.ownersOfService(s)),
    ...(draft.owners ?? []),
    // an object about no service is owned by whoever owns its namespace's services
    ...(services.length === 0
      ? draft.objects.flatMap(o =>
          o.namespace ? ctx.ownersOfNamespace(o.namespace) : [],
        )
      : []),
  ]);
  const key = [
    check.code,
    unique(
      draft.objects.map(
        o => `${o.cluster}/${o.kind}/${o.namespace ?? ''}/${o.name}`,
      ),
    ).join(','),
    ...(draft.keyParts ?? []),
  ].join('|');
  const equivalent =
    check.istio || check.kiali
      ? {
          ...(check.istio ? { istio: check.istio } : {}),
          ...(check.kiali ? { kiali: check.kiali } : {}),
        }
      : undefined;
  return {
    code: check.code,
    severity: draft.severity ?? check.severity,
    title: check.title,
    message: draft.message,
    fix: draft.fix,
    objects: draft.objects,
    clusters,
    services,
    owners,
    ...(equivalent ? { equivalent } : {}),
    key,
  };
}

const RANK: Record<FindingSeverity, number> = Object.fromEntries(
  FINDING_SEVERITIES.map((s, i) => [s, i]),
) as Record<FindingSeverity, number>;

/** Worst first, then by code, then by key: the same fleet always lists the same way. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.key, b.key)
  );
}

/**
 * Analyses the fleet's mesh configuration across every cluster at once: the live config,
 * with a pull request's changes when given. Pure. One check failing (a bug, or an object
 * shaped in a way it did not expect) is reported as a finding of its own; the others still run.
 */
export function analyzeFleet(
  input: AnalysisInput,
  checks: readonly Check[] = ALL_CHECKS,
): AnalysisResult {
  const steps = analyzeFleetStepwise(input, checks);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `analyzeFleet` in slices: the generator yields after each check and between the slices
 * of a check that has `steps`, and returns `analyzeFleet`'s result (which is this driven to
 * its end at once). A caller sharing its thread with others (the mesh backend's event loop)
 * takes a turn at each yield, so no slice holds it for a whole check on a large fleet.
 */
export function* analyzeFleetStepwise(
  input: AnalysisInput,
  checks: readonly Check[] = ALL_CHECKS,
): Generator<void, AnalysisResult, void> {
  const ctx = new AnalysisContext(input);
  const byKey = new Map<string, Finding>();
  const notes: string[] = [];

  for (const c of input.fleet.clusters) {
    if (c.config === undefined && !input.proposed?.[c.name])
      notes.push(
        c.sync.state === 'never-synced'
          ? `Cluster ${c.name} has never synced: its mesh config is unknown and was not analysed.`
          : `Cluster ${c.name} carries no mesh config (an older export or snapshot): it was not analysed.`,
      );
  }
  const trafficChecks = checks.filter(c => c.needsTraffic).map(c => c.code);
  if (trafficChecks.length > 0 && !ctx.hasTraffic())
    notes.push(
      `Checks that compare config with observed traffic (${trafficChecks.join(
        ', ',
      )}) did not run: no traffic was read for this analysis.`,
    );

  for (const check of checks) {
    if (check.needsTraffic && !ctx.hasTraffic()) continue;
    let drafts: FindingDraft[];
    try {
      if (check.steps) {
        const steps = check.steps(ctx);
        let step = steps.next();
        while (!step.done) {
          yield;
          step = steps.next();
        }
        drafts = step.value;
      } else drafts = check.run(ctx);
    } catch (e) {
      drafts = [];
      notes.push(
        `Check ${check.code} (${check.title}) failed and was skipped: ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
    }
    for (const draft of drafts) {
      const finding = findingOf(check, draft, ctx);
      if (!byKey.has(finding.key)) byKey.set(finding.key, finding);
    }
    yield;
  }
  return { findings: [...byKey.values()].sort(compareFindings), notes };
}

/** What a change does to the findings: those it introduces and those it resolves, by key. */
export function diffFindings(
  before: readonly Finding[],
  after: readonly Finding[],
): { introduced: Finding[]; resolved: Finding[] } {
  const beforeKeys = new Set(before.map(f => f.key));
  const afterKeys = new Set(after.map(f => f.key));
  return {
    introduced: after.filter(f => !beforeKeys.has(f.key)),
    resolved: before.filter(f => !afterKeys.has(f.key)),
  };
}
