/**
 * Whether the fleet is due for an analysis: at most once per `everyMs`, whoever asks (in
 * watch mode the discovery run and the watched changes both prepare the reads). Asking when
 * due counts as analysing. With a clock each, the first change after a run analysed the
 * whole fleet again while the run's analysis was still going: at 100 clusters × 500
 * services seconds of CPU twice, which the changes meanwhile waited behind.
 */
export function analysisCadence(
  everyMs: number,
  now: () => number = Date.now,
): () => boolean {
  let last: number | undefined;
  return () => {
    const at = now();
    if (last !== undefined && at - last < everyMs) return false;
    last = at;
    return true;
  };
}
