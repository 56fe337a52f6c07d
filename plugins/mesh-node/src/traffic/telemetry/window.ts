/**
 * Time windows a user may ask for, and the query-range grid derived from them. Bounded on
 * both sides: under a minute a rate has too few samples to mean anything, over a day the
 * queries get expensive for a page that loads on every visit.
 */

export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 24 * 3600;
/** Charts never get more than this many points, whatever the window. */
export const MAX_SERIES_POINTS = 60;
/** Istio's default scrape interval; a finer grid would only repeat samples. */
export const MIN_STEP_SECONDS = 15;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const WINDOW = /^([1-9][0-9]{0,5})(s|m|h|d)$/;

export type WindowParseResult =
  | { ok: true; seconds: number }
  | { ok: false; message: string };

export function parseWindow(text: string): WindowParseResult {
  const match = WINDOW.exec(text);
  if (!match) {
    return {
      ok: false,
      message: `window '${text}' is not a duration such as 30s, 5m, 1h or 1d`,
    };
  }
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]];
  if (seconds < MIN_WINDOW_SECONDS || seconds > MAX_WINDOW_SECONDS) {
    return {
      ok: false,
      message: `window '${text}' is out of range: it must be between 1m and 24h`,
    };
  }
  return { ok: true, seconds };
}

export interface SeriesGrid {
  start: number;
  end: number;
  stepSeconds: number;
  /** The range each point's rate looks back over: at least a minute, so it spans several scrapes. */
  rateSeconds: number;
}

/** The grid of a window's time series, ending at `endSeconds` (unix seconds). */
export function seriesGrid(
  windowSeconds: number,
  endSeconds: number,
): SeriesGrid {
  const raw = Math.ceil(windowSeconds / MAX_SERIES_POINTS);
  const stepSeconds = Math.max(
    MIN_STEP_SECONDS,
    Math.ceil(raw / MIN_STEP_SECONDS) * MIN_STEP_SECONDS,
  );
  return {
    start: endSeconds - windowSeconds,
    end: endSeconds,
    stepSeconds,
    rateSeconds: Math.max(60, stepSeconds),
  };
}
