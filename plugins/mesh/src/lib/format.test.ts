import {
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
  formatTime,
} from './format';

describe('format', () => {
  it('formats rates with precision that fits their size', () => {
    expect(formatRate(0)).toBe('0 rps');
    expect(formatRate(0.05)).toBe('0.050 rps');
    expect(formatRate(2.5)).toBe('2.50 rps');
    expect(formatRate(12.34)).toBe('12.3 rps');
  });

  it('formats ratios as percentages and unknowns as a dash', () => {
    expect(formatPercent(0.02)).toBe('2.00%');
    expect(formatPercent(0.5)).toBe('50.0%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(null)).toBe('—');
  });

  it('formats latencies and times', () => {
    expect(formatMs(4.25)).toBe('4.3 ms');
    expect(formatMs(123.4)).toBe('123 ms');
    expect(formatMs(null)).toBe('—');
    expect(formatTime('2026-11-22T10:04:59.000Z')).toBe('2026-11-22 10:04 UTC');
    expect(formatTime(undefined)).toBe('never');
  });
  it('formats durations to their two largest units, and nonsense as a dash', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(44_600)).toBe('45 s');
    expect(formatDuration(3 * 60_000)).toBe('3 min');
    expect(formatDuration(2.5 * 3600_000)).toBe('2 h 30 min');
    expect(formatDuration(2 * 3600_000)).toBe('2 h');
    expect(formatDuration(76 * 3600_000)).toBe('3 d 4 h');
    expect(formatDuration(48 * 3600_000)).toBe('2 d');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
