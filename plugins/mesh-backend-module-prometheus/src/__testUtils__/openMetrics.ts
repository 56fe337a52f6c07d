/**
 * Writes OpenMetrics text with explicit timestamps, the input of
 * `promtool tsdb create-blocks-from openmetrics`. Every counter grows at a constant rate, so
 * whatever Prometheus computes from it is known in advance.
 */

export interface SampleGrid {
  /** Unix seconds of the first and last sample. */
  start: number;
  end: number;
  stepSeconds: number;
}

export interface CounterSpec {
  labels: Record<string, string>;
  ratePerSecond: number;
}

export interface HistogramSpec {
  labels: Record<string, string>;
  /** Observations per second falling at or under each upper bound (cumulative), `+Inf` last. */
  cumulativeRates: Array<[string, number]>;
  /** Sum of observed values per second, for `_sum`. */
  sumPerSecond: number;
}

function escapeValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeValue(v)}"`)
    .join(',');
}

function times(grid: SampleGrid): number[] {
  const out: number[] = [];
  for (let t = grid.start; t <= grid.end; t += grid.stepSeconds) out.push(t);
  return out;
}

/** Sample values are counts since the grid's start; printed with enough digits to stay exact. */
function value(rate: number, t: number, grid: SampleGrid): string {
  return String(Math.round(rate * (t - grid.start) * 1e6) / 1e6);
}

/** A counter family: `name` without `_total`; each series' samples are contiguous and in time order. */
export function counterFamily(
  name: string,
  series: CounterSpec[],
  grid: SampleGrid,
): string[] {
  const lines = [`# TYPE ${name} counter`];
  for (const s of series) {
    const labels = labelText(s.labels);
    for (const t of times(grid)) {
      lines.push(
        `${name}_total{${labels}} ${value(s.ratePerSecond, t, grid)} ${t}`,
      );
    }
  }
  return lines;
}

/** A histogram family: per label set, at each time, its buckets in order, then `_count` and `_sum`. */
export function histogramFamily(
  name: string,
  series: HistogramSpec[],
  grid: SampleGrid,
): string[] {
  const lines = [`# TYPE ${name} histogram`];
  for (const s of series) {
    const total = s.cumulativeRates[s.cumulativeRates.length - 1][1];
    for (const t of times(grid)) {
      for (const [le, rate] of s.cumulativeRates) {
        lines.push(
          `${name}_bucket{${labelText({ ...s.labels, le })}} ${value(
            rate,
            t,
            grid,
          )} ${t}`,
        );
      }
      lines.push(
        `${name}_count{${labelText(s.labels)}} ${value(total, t, grid)} ${t}`,
      );
      lines.push(
        `${name}_sum{${labelText(s.labels)}} ${value(
          s.sumPerSecond,
          t,
          grid,
        )} ${t}`,
      );
    }
  }
  return lines;
}

export function openMetricsDocument(families: string[][]): string {
  return `${families.flat().join('\n')}\n# EOF\n`;
}
