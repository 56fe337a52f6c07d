import { parseWindow, seriesGrid } from './window';

describe('parseWindow', () => {
  it('reads durations between a minute and a day', () => {
    expect(parseWindow('5m')).toEqual({ ok: true, seconds: 300 });
    expect(parseWindow('90s')).toEqual({ ok: true, seconds: 90 });
    expect(parseWindow('1d')).toEqual({ ok: true, seconds: 86400 });
  });

  it('says what is wrong otherwise', () => {
    expect(parseWindow('5x')).toEqual({
      ok: false,
      message: "window '5x' is not a duration such as 30s, 5m, 1h or 1d",
    });
    expect(parseWindow('30s')).toMatchObject({
      ok: false,
      message: expect.stringContaining('between 1m and 24h'),
    });
    expect(parseWindow('2d')).toMatchObject({ ok: false });
    expect(parseWindow('0m')).toMatchObject({ ok: false });
  });
});

describe('seriesGrid', () => {
  it('keeps at most 60 steps, on multiples of 15 s', () => {
    expect(seriesGrid(300, 1000)).toEqual({
      start: 700,
      end: 1000,
      stepSeconds: 15,
      rateSeconds: 60,
    });
    expect(seriesGrid(3600, 10000).stepSeconds).toBe(60);
    const day = seriesGrid(86400, 100000);
    expect(day.stepSeconds).toBe(1440);
    expect(day.rateSeconds).toBe(1440);
    expect(86400 / day.stepSeconds).toBeLessThanOrEqual(60);
  });
});
