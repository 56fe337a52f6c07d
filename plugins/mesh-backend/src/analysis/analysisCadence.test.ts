import { analysisCadence } from './analysisCadence';

describe('analysisCadence', () => {
  it('is due on the first ask, then once per interval whoever asks', () => {
    let now = 1_000;
    const due = analysisCadence(60_000, () => now);
    // the discovery run's preparation
    expect(due()).toBe(true);
    // a watched change a moment later: the run's analysis covers it
    now += 2_000;
    expect(due()).toBe(false);
    now += 57_999;
    expect(due()).toBe(false);
    now += 1;
    expect(due()).toBe(true);
    expect(due()).toBe(false);
  });
});
