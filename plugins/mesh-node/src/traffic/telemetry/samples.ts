/**
 * Metric samples as a mesh's telemetry reports them: label sets with values. Prometheus
 * answers in this shape, and other traffic sources (the demo snapshot) produce it, so one
 * assembly turns both into edges.
 */

/**
 * One series of an instant vector.
 *
 * @public
 */
export interface InstantSample {
  labels: Record<string, string>;
  /** NaN and ±Inf come back as such (histogram_quantile over no data gives NaN). */
  value: number;
}

/**
 * One series of a range matrix: `[unix seconds, value]` points.
 *
 * @public
 */
export interface RangeSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}
