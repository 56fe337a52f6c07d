/** Number formatting shared by the tables, cards and charts: one place, one style. */

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0 rps';
  if (perSecond < 0.1) return `${perSecond.toFixed(3)} rps`;
  if (perSecond < 10) return `${perSecond.toFixed(2)} rps`;
  return `${perSecond.toFixed(1)} rps`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  const percent = ratio * 100;
  if (percent === 0 || percent === 100) return `${percent}%`;
  return `${percent < 10 ? percent.toFixed(2) : percent.toFixed(1)}%`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** `2026-11-22 10:04 UTC`: absolute, so a stale marker can be compared with other tools. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return 'never';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatBytesRate(perSecond: number): string {
  if (perSecond < 1024) return `${Math.round(perSecond)} B/s`;
  if (perSecond < 1024 * 1024) return `${(perSecond / 1024).toFixed(1)} KiB/s`;
  return `${(perSecond / 1024 / 1024).toFixed(1)} MiB/s`;
}

/**
 * A duration as people say it, to the two largest units: `45 s`, `3 min`, `2 h 30 min`,
 * `3 d 4 h`. Negative or missing durations (clocks disagreeing) show as `—`.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0)
    return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${days} d ${restHours} h` : `${days} d`;
}
