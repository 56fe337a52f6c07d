import {
  targetKey,
  type SubsetTarget,
} from '../MeshSubsetPicker/subsetOptions';

/** One row of a weighted split, as the route action takes it (`route[]`). */
export interface SplitRow {
  cluster?: string;
  subset?: Record<string, string>;
  /** Whole percent. */
  weight?: number;
}

/** At most this many targets: the action refuses more (one VirtualService route's destinations). */
export const MAX_SPLIT_ROWS = 8;

export function rowTarget(row: SplitRow): SubsetTarget | undefined {
  return row.subset ? { cluster: row.cluster, subset: row.subset } : undefined;
}

/** The sum of the weights given; rows without a weight count 0. */
export function splitTotal(rows: readonly SplitRow[]): number {
  return rows.reduce(
    (sum, r) => sum + (typeof r.weight === 'number' ? r.weight : 0),
    0,
  );
}

/**
 * What is wrong with a split, one message per problem, naming the row: the same rules the
 * policy API applies (whole percents that add up to 100, each target once), said where the
 * user types rather than after the preview compiles.
 */
export function splitProblems(rows: readonly SplitRow[]): string[] {
  const problems: string[] = [];
  if (rows.length > MAX_SPLIT_ROWS)
    problems.push(
      `At most ${MAX_SPLIT_ROWS} targets; remove ${
        rows.length - MAX_SPLIT_ROWS
      }`,
    );
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const n = i + 1;
    const target = rowTarget(row);
    if (!target) problems.push(`Target ${n}: pick a subset`);
    else {
      const key = targetKey(target);
      const first = seen.get(key);
      if (first !== undefined)
        problems.push(
          `Target ${n} repeats target ${first}; remove one or merge their weights`,
        );
      else seen.set(key, n);
    }
    if (row.weight === undefined || row.weight === null)
      problems.push(`Target ${n}: give a weight`);
    else if (
      !Number.isInteger(row.weight) ||
      row.weight < 0 ||
      row.weight > 100
    )
      problems.push(
        `Target ${n}: the weight must be a whole percent from 0 to 100`,
      );
  });
  const total = splitTotal(rows);
  if (rows.length > 0 && total !== 100)
    problems.push(
      `The weights add up to ${total} %; they must add up to 100 %`,
    );
  return problems;
}
