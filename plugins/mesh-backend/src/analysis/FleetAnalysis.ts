import type {
  Fleet,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';
import {
  ALL_CHECKS,
  analyzeFleet,
  analyzeFleetStepwise,
  sameAnalysisInput,
  type AnalysisResult,
} from '@meshport/backstage-plugin-mesh-policy';
import { yieldToEventLoop } from './yieldToEventLoop';
import { mergeResults } from './mergeResults';

/** One analysis check, as `analyzeFleet` takes them. */
export type Check = NonNullable<Parameters<typeof analyzeFleet>[1]>[number];

export interface FleetAnalysisOptions {
  /** The checks to run; every check Meshport ships unless a test gives its own. */
  checks?: readonly Check[];
  /**
   * How old an analysis of an earlier fleet a request may be answered with (see `answer`);
   * 0, the default, analyses the fleet asked about. Watch mode sets its `frequency`.
   */
  answerWithinMs?: number;
  /** The clock `answerWithinMs` is judged by; tests give their own. */
  now?: () => number;
}

/** The findings a request is answered with, and the fleet they are the findings of. */
export interface AnalysedFleet {
  fleet: Fleet;
  result: AnalysisResult;
}

/** The longest pause between two checks of an analysis nobody waits for. */
const MAX_PAUSE_MS = 250;

const pause = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** One analysis: whether a request waits for it, which ends its pauses. */
interface Run {
  /**
   * The newest fleet this is the analysis of: the one it ran on, or a later one equal in
   * everything the checks read (see `sameAnalysisInput`), which it is handed on to.
   */
  fleet: Fleet;
  result: Promise<AnalysisResult>;
  awaited: boolean;
  startedAt: number;
}

/**
 * The findings of the live fleet: the config-only checks run once per published fleet (the
 * store publishes a new fleet object whenever the fleet changes and never edits one), in the
 * background after each fleet update so that a request finds them ready; a request arriving
 * before that waits for the run in progress instead of starting another. A fleet equal to
 * the latest analysed one in all the checks read is not analysed again: every polled sync
 * stamps its cluster's `lastSuccessAt`, so each pass publishes a new fleet even when nothing
 * changed, and analysing it was seconds of CPU at 50,000 services that requests waited for.
 * Only the latest fleet's result is kept: the router's, not a cache shared across routers.
 *
 * The checks that compare config with observed traffic need one service's traffic, read
 * from the traffic source per request: `forService` runs them for that service alone.
 */
export class FleetAnalysis {
  readonly configChecks: readonly Check[];
  readonly trafficChecks: readonly Check[];
  private latest?: Run;
  /**
   * The last fleet found unequal to the latest analysed one: watching, requests keep asking
   * about it while they are answered with an earlier analysis, and comparing it again for
   * each would walk its services every time.
   */
  private unequal?: { latest: Run; fleet: Fleet };
  /** The newest run that finished, with what it found. */
  private finished?: { run: Run; result: AnalysisResult };
  private readonly answerWithinMs: number;
  private readonly now: () => number;

  constructor(options: FleetAnalysisOptions = {}) {
    const checks = options.checks ?? ALL_CHECKS;
    this.configChecks = checks.filter(c => !c.needsTraffic);
    this.trafficChecks = checks.filter(c => c.needsTraffic);
    this.answerWithinMs = options.answerWithinMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  /**
   * Starts the analysis of a newly published fleet in the background, unless it runs or ran
   * already: paced (see `analyze`) until a request waits for it.
   */
  prepare(fleet: Fleet): Promise<AnalysisResult> {
    return this.run(fleet).result;
  }

  /** The config-only findings of this fleet, without pauses from now on. */
  result(fleet: Fleet): Promise<AnalysisResult> {
    const run = this.run(fleet);
    run.awaited = true;
    return run.result;
  }

  /**
   * What a request for the findings of `fleet` is answered with. Watching, the fleet
   * changes with every pod, and analysing each new one on demand (seconds of CPU at
   * 50,000 services, unpaced) would let every page view after a change cost a full
   * analysis; the background analysis runs once per `frequency` instead. So while the
   * newest finished analysis began less than `answerWithinMs` ago, a request gets it, with
   * the fleet it is of (its `generatedAt` says how old), unless this fleet's own (or that
   * of a fleet equal in all the checks read) is done or under way; findings then trail the
   * fleet by what polling's would.
   */
  async answer(fleet: Fleet): Promise<AnalysedFleet> {
    const finished = this.finished;
    if (
      this.latestOf(fleet) === undefined &&
      finished !== undefined &&
      this.now() - finished.run.startedAt < this.answerWithinMs
    )
      return { fleet: finished.run.fleet, result: finished.result };
    return { fleet, result: await this.result(fleet) };
  }

  /**
   * The latest analysis if it is of this fleet, or of one equal in all the checks read: then
   * it is handed on to this fleet, the one requests will ask about next, so they find it by
   * identity and the older fleet is not kept alive by it.
   */
  private latestOf(fleet: Fleet): Run | undefined {
    const latest = this.latest;
    if (!latest) return undefined;
    if (latest.fleet === fleet) return latest;
    const { unequal } = this;
    if (unequal?.latest === latest && unequal.fleet === fleet) return undefined;
    if (!sameAnalysisInput(latest.fleet, fleet)) {
      this.unequal = { latest, fleet };
      return undefined;
    }
    latest.fleet = fleet;
    return latest;
  }

  private run(fleet: Fleet): Run {
    const latest = this.latestOf(fleet);
    if (latest) return latest;
    const run: Run = {
      fleet,
      awaited: false,
      result: Promise.resolve({ findings: [], notes: [] }),
      startedAt: this.now(),
    };
    run.result = this.analyze(run);
    run.result.then(
      result => {
        if (!this.finished || this.finished.run.startedAt <= run.startedAt)
          this.finished = { run, result };
      },
      // whoever awaits it sees a failure; a background start must not crash the process
      () => {},
    );
    this.latest = run;
    this.unequal = undefined;
    return run;
  }

  /** The traffic-aware checks for one service, with its observed traffic. */
  forService(fleet: Fleet, traffic: ServiceTraffic): AnalysisResult {
    if (this.trafficChecks.length === 0) return { findings: [], notes: [] };
    return analyzeFleet({ fleet, traffic: [traffic] }, this.trafficChecks);
  }

  /**
   * Runs the checks one at a time with a turn of the event loop before each: at 50,000
   * services the whole analysis is seconds of CPU, and requests to this and every other
   * plugin of the backend are served in between instead of after it. Each check builds its
   * own analysis context, but the checks share little of it: at 100 clusters × 500 services
   * one check at a time cost about what one finding area at a time did (~2 s of CPU in all)
   * and held the event loop for at most one check (MESH105, ~0.8 s at load 10) instead of
   * one area (MESH1xx, 1.3–3 s). A check that works in slices (`steps`: MESH105, one
   * client cluster each, seconds in all when many subsets are missing) gets a turn of the
   * event loop between them too. Until a request waits
   * for the result, each check is followed by a pause as long as it was busy (at most
   * `MAX_PAUSE_MS`): a watched change needs several turns of the event loop to become
   * visible (its event, the debounce timer, the record, the read), and back to back the
   * checks made it wait behind one check per turn — at 100 clusters × 500 services a change
   * arriving during the analysis was visible after 2.9 s instead of ~0.7 s.
   */
  private async analyze(run: Run): Promise<AnalysisResult> {
    // the fleet it starts on: a later equal one may take its place in `run` meanwhile
    const { fleet } = run;
    const results: AnalysisResult[] = [];
    let pauseMs = 0;
    for (const check of this.configChecks) {
      await (run.awaited || pauseMs < 1 ? yieldToEventLoop() : pause(pauseMs));
      let busyMs = 0;
      const steps = analyzeFleetStepwise({ fleet }, [check]);
      for (;;) {
        const started = performance.now();
        const step = steps.next();
        busyMs += performance.now() - started;
        if (step.done) {
          results.push(step.value);
          break;
        }
        // a check in slices (MESH105: one client cluster each) lets requests in between
        await yieldToEventLoop();
      }
      pauseMs = Math.min(MAX_PAUSE_MS, busyMs);
    }
    if (results.length === 0) results.push(analyzeFleet({ fleet }, []));
    return mergeResults(results);
  }
}
