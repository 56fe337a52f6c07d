import type {
  Fleet,
  FleetCluster,
} from '@meshport/backstage-plugin-mesh-common';
import { FleetAnalysis, type Check } from './FleetAnalysis';

let published = 0;
/** A newly published fleet holding these services (by `<namespace>/<name>`). */
const fleet = (...ids: string[]): Fleet => ({
  generatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, published++)).toISOString(),
  clusters: [],
  meshes: [],
  services: ids.map(id => {
    const [namespace, name] = id.split('/');
    return { id, namespace, name, instances: [] };
  }),
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
    await analysis.result(fleet('bookinfo/reviews'));
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
    const second = fleet('bookinfo/reviews');
    now = 59_999;
    const early = await analysis.answer(second);
    expect(early.fleet).toBe(first);
    expect(check.runs).toBe(1);
    // the background analysis of the second under way (or done): that one is awaited
    analysis.prepare(second);
    expect((await analysis.answer(second)).fleet).toBe(second);
    expect(check.runs).toBe(2);
    // a minute after the newest finished analysis began, the fleet asked about is analysed
    const third = fleet('bookinfo/ratings');
    now = 59_999 + 60_000;
    expect((await analysis.answer(third)).fleet).toBe(third);
    expect(check.runs).toBe(3);
  });

  it('always analyses the fleet asked about by default (polling)', async () => {
    const check = counting('MESH101');
    const analysis = new FleetAnalysis({ checks: [check] });
    await analysis.answer(fleet());
    const next = fleet('bookinfo/reviews');
    expect((await analysis.answer(next)).fleet).toBe(next);
    expect(check.runs).toBe(2);
  });

  describe('a new fleet equal to the analysed one in all the checks read', () => {
    const cluster = (sync: FleetCluster['sync']): FleetCluster => ({
      name: 'cluster-1',
      sync,
      regions: [],
      zones: [],
      controlPlanes: [],
      eastWestGateways: [],
      config: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { namespace: 'bookinfo', name: 'reviews' },
          spec: { hosts: ['reviews'] },
        },
      ],
    });
    const synced = (at: string): FleetCluster['sync'] => ({
      state: 'ok',
      lastSuccessAt: at,
      lastAttemptAt: at,
    });
    const first = (): Fleet => ({
      ...fleet('bookinfo/reviews'),
      clusters: [cluster(synced('2026-01-01T00:00:00.000Z'))],
    });
    /** What a polled pass that read the same content publishes: the same parts, new times. */
    const passedAgain = (f: Fleet): Fleet => ({
      ...f,
      generatedAt: '2026-01-01T00:01:00.000Z',
      clusters: f.clusters.map(c => ({
        ...c,
        sync: synced('2026-01-01T00:00:59.000Z'),
      })),
      services: [...f.services],
    });
    /** Reports every config object and service it sees, and the cluster's state. */
    const reading = () => {
      const check: Check & { runs: number } = {
        code: 'MESH901',
        severity: 'info',
        title: 'test: what the analysis saw',
        runs: 0,
        run: ctx => {
          check.runs++;
          return [
            ...ctx.fleet.clusters.flatMap(c =>
              (c.config ?? []).map(o => ({
                message: `${c.sync.state} ${JSON.stringify(o.spec)}`,
                fix: 'none',
                objects: [ctx.ref(c.name, o)],
              })),
            ),
            ...ctx.fleet.services.map(s => ({
              message: s.id,
              fix: 'none',
              objects: [],
              services: [s.id],
              keyParts: [s.id],
            })),
          ];
        },
      };
      return check;
    };

    it('is not analysed again: its analysis is answered as this fleet’s', async () => {
      const check = reading();
      const analysis = new FleetAnalysis({ checks: [check] });
      const before = first();
      const analysed = await analysis.answer(before);
      const after = passedAgain(before);
      analysis.prepare(after);
      const answer = await analysis.answer(after);
      expect(check.runs).toBe(1);
      // the answer is labelled with the new fleet, the one a fresh analysis would be of
      expect(answer.fleet).toBe(after);
      expect(answer.result).toBe(analysed.result);
      await analysis.result(after);
      expect(check.runs).toBe(1);
    });

    it('is answered at once while its analysis is under way, watching too', async () => {
      const check = reading();
      let now = 0;
      const analysis = new FleetAnalysis({
        checks: [check],
        answerWithinMs: 60_000,
        now: () => now,
      });
      const before = first();
      await analysis.answer(before);
      // a minute later a pass that read the same content: no new analysis is due
      now = 60_000;
      const after = passedAgain(before);
      analysis.prepare(after);
      expect((await analysis.answer(after)).fleet).toBe(after);
      expect(check.runs).toBe(1);
    });

    const changes: Record<string, (f: Fleet) => Fleet> = {
      'a cluster turned stale': f => ({
        ...f,
        clusters: [
          cluster({
            ...synced('2026-01-01T00:00:00.000Z'),
            state: 'stale',
            error: { reason: 'timeout', message: 'timed out' },
          }),
        ],
      }),
      'a config object changed': f => ({
        ...f,
        clusters: f.clusters.map(c => ({
          ...c,
          config: c.config!.map(o => ({
            ...o,
            spec: { hosts: ['ratings'] },
          })),
        })),
      }),
      'a new service': f => ({
        ...f,
        services: [...fleet('bookinfo/ratings').services, ...f.services],
      }),
    };
    it.each(Object.keys(changes))(
      'is analysed again when %s, and answered with what it holds',
      async name => {
        const check = reading();
        const analysis = new FleetAnalysis({ checks: [check] });
        const before = first();
        await analysis.answer(before);
        const changed = changes[name](passedAgain(before));
        const answer = await analysis.answer(changed);
        expect(check.runs).toBe(2);
        expect(answer.fleet).toBe(changed);
        const fresh = await new FleetAnalysis({ checks: [reading()] }).result(
          changed,
        );
        expect(answer.result).toEqual(fresh);
      },
    );
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

  it('lets the event loop run between the slices of a check that has them', async () => {
    const order: string[] = [];
    const sliced: Check = {
      code: 'MESH105',
      severity: 'error',
      title: 'in slices',
      run: () => [],
      *steps() {
        order.push('first slice');
        // a request arriving while the first slice runs
        setImmediate(() => order.push('request'));
        yield;
        order.push('second slice');
        return [];
      },
    };
    const analysis = new FleetAnalysis({ checks: [sliced] });
    await analysis.result(fleet());
    expect(order).toEqual(['first slice', 'request', 'second slice']);
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
      await analysis.result(fleet('bookinfo/reviews'));
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
