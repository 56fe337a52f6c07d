/** Istio's outlierDetection from ours: the same names, passed through field by field. */
export function outlierDetection(o?: {
  consecutive5xxErrors: number;
  interval?: string;
  baseEjectionTime?: string;
  maxEjectionPercent?: number;
}) {
  return (
    o && {
      consecutive5xxErrors: o.consecutive5xxErrors,
      interval: o.interval,
      baseEjectionTime: o.baseEjectionTime,
      maxEjectionPercent: o.maxEjectionPercent,
    }
  );
}
