/** PromQL range duration for a number of seconds. */
export function promDuration(seconds: number): string {
  return `${Math.round(seconds)}s`;
}
