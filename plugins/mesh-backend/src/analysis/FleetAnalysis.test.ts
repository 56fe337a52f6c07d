import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { FleetAnalysis, type Check } from './FleetAnalysis';

const fleet = (): Fleet => ({
  generatedAt: '2026-01-01T00:00:00.000Z',
  clusters: [],
  meshes: [],
  services: [],
  links: [],
});

function counting(code: string, needsTraffic = false) {
  const check: Check & { runs: number } = {
    code,
    severity: 'info',
    title: code,
    ...(needsTraffic ? { needsTraffic } : {}),
    runs: 0,
    run: () => {
      check.runs++;
      return [];
    },
  };
  return check;
}

describe('FleetAnalysis', () => {
  it('analyses each published fleet once, however many requests ask', async () => {
    const references = counting('MESH101');
    const conflicts = counting('MESH201');
    const traffic = counting('MESH301', true);
    const analysis = new FleetAnalysis({
      checks: [references, conflicts, traffic],
    });
    const first = fleet();
    analysis.prepare(first);
    await Promise.all([analysis.result(first), analysis.result(first)]);
    await analysis.result(first);
    expect([references.runs, conflicts.runs]).toEqual([1, 1]);
    // the traffic-aware check runs per service, never in the fleet's analysis
    expect(traffic.runs).toBe(0);
    await analysis.result(fleet());
    expect([references.runs, conflicts.runs]).toEqual([2, 2]);
  });

  it('answers with the last analysis of an earlier fleet while it is younger than answerWithinMs, then analyses the fleet asked about', async () => {
    const check = counting('MESH101');
    let now = 0;
    const analysis = new FleetAnalysis({
      checks: [check],
      answerWithinMs: 60_000,
      now: () => now,
    });
    const first = fleet();
    expect((await analysis.answer(first)).fleet).toBe(first);
    expect(check.runs).toBe(1);
    // a watched change published a new fleet: within the minute, the first's findings
    const second = fleet();
    now = 59_999;
    const early = await analysis.answer(second);
    expect(early.fleet).toBe(first);
    expect(check.runs).toBe(1);
    // the background analysis of the second under way (or done): that one is awaited
    analysis.prepare(second);
    expect((await analysis.answer(second)).fleet).toBe(second);
    expect(check.runs).toBe(2);
    // a minute after the newest finished analysis began, the fleet asked about is analysed
    const third = fleet();
    now = 59_999 + 60_000;
    expect((await analysis.answer(third)).fleet).toBe(third);
    expect(check.runs).toBe(3);
  });

  it('always analyses the fleet asked about by default (polling)', async () => {
    const check = counting('MESH101');
    const analysis = new FleetAnalysis({ checks: [check] });
    await analysis.answer(fleet());
    const next = fleet();
    expect((await analysis.answer(next)).fleet).toBe(next);
    expect(check.runs).toBe(2);
  });

  it('lets the event loop run between checks', async () => {
    const order: string[] = [];
    const check = (code: string): Check => ({
      code,
      severity: 'info',
      title: code,
      run: () => {
        order.push(code);
        return [];
      },
    });
    const analysis = new FleetAnalysis({
      checks: [check('MESH101'), check('MESH102'), check('MESH201')],
    });
    const done = analysis.result(fleet());
    setImmediate(() => order.push('request'));
    await done;
    // one check at a time: another turn of the event loop comes before the next
    expect(order[0]).toBe('MESH101');
    expect(order.indexOf('request')).toBeLessThan(order.indexOf('MESH102'));
  });

  it('pauses after each check as long as it took while nobody waits, not once a request does', async () => {
    const at: Record<string, number> = {};
    const busy: Check = {
      code: 'MESH101',
      severity: 'info',
      title: 'busy',
      run: () => {
        const until = performance.now() + 30;
        while (performance.now() < until);
        at.busyEnded = performance.now();
        return [];
      },
    };
    const next: Check = {
      code: 'MESH102',
      severity: 'info',
      title: 'next',
      run: () => {
        at.nextStarted = performance.now();
        return [];
      },
    };
    const analysis = new FleetAnalysis({ checks: [busy, next] });
    await analysis.prepare(fleet());
    // the pause is at least the busy check's 30 ms (a timer may fire a millisecond early)
    expect(at.nextStarted - at.busyEnded).toBeGreaterThanOrEqual(25);

    const timers = jest.spyOn(global, 'setTimeout');
    try {
      await analysis.result(fleet());
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }
  });

  it('answers an empty result with no checks to run', async () => {
    const analysis = new FleetAnalysis({ checks: [] });
    await expect(analysis.result(fleet())).resolves.toEqual({
      findings: [],
      notes: [],
    });
  });
});
