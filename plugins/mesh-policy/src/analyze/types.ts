import type {
  FindingObject,
  FindingSeverity,
} from '@meshport/backstage-plugin-mesh-common';
import type { AnalysisContext } from './context';

/** What a check is, as the README's findings table lists it. */
export interface CheckInfo {
  /** `MESH` and three digits; the hundreds say the area (see checks/index.ts). */
  code: string;
  severity: FindingSeverity;
  /** One line naming the defect, e.g. "VirtualService routes to a subset that does not exist". */
  title: string;
  /** Istio's analyzer code (`istioctl analyze`, IST0101…) for the same defect, if one exists. */
  istio?: string;
  /** Kiali's validation code (KIA0101…) for the same defect, if one exists. */
  kiali?: string;
  /** The check compares config with observed traffic: it runs only for services whose traffic was given. */
  needsTraffic?: boolean;
}

/** One finding as a check reports it; the engine adds code, title, owners and the key. */
export interface FindingDraft {
  message: string;
  fix: string;
  /** The objects involved; the first is the one to change. */
  objects: FindingObject[];
  /** `<namespace>/<name>` of the mesh services involved. */
  services?: string[];
  /** Clusters involved besides those of `objects`. */
  clusters?: string[];
  /**
   * Catalog owners involved besides those of `services`, e.g. the teams owning the namespaces
   * of two conflicting objects about one service.
   */
  owners?: string[];
  /** A milder or harsher severity than the check's own, for this case only. */
  severity?: FindingSeverity;
  /**
   * What makes this finding distinct from others of the same check, beyond its objects (e.g.
   * the subset name): part of its stable key. Never the message's wording.
   */
  keyParts?: string[];
}

/**
 * One analysis check. Pure: it reads the context and returns drafts. It looks across every
 * cluster at once; a check that throws is reported as one finding of its own and never stops
 * the others (analyzeFleet).
 */
export interface Check extends CheckInfo {
  run(ctx: AnalysisContext): FindingDraft[];
  /**
   * The same work as `run`, in slices: the generator yields between slices (e.g. one client
   * cluster each) and returns what `run` returns. For a check that can hold a caller's event
   * loop for seconds on a large fleet; `analyzeFleetStepwise` lets its caller take turns in
   * between. A check with it defines `run` as this generator driven to its end.
   */
  steps?(ctx: AnalysisContext): Generator<void, FindingDraft[], void>;
}

/** Drives a check's `steps` to their end at once: its `run`. */
export function allSteps(
  steps: Generator<void, FindingDraft[], void>,
): FindingDraft[] {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
