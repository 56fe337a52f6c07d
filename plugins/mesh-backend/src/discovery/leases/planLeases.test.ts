import { fairShare, leaseRank, planLeases, type LeaseRow } from './planLeases';

const NOW = 1_000_000;
const clusters = Array.from({ length: 10 }, (_, i) => `cluster-${i + 1}`);
const held = (holder: string, names: string[], expiresAt = NOW + 30_000) =>
  names.map((cluster): LeaseRow => ({ cluster, holder, expiresAt }));

describe('planLeases', () => {
  it('claims every cluster when it is the only replica', () => {
    const plan = planLeases({
      replica: 'a',
      clusters,
      leases: [],
      liveReplicas: 1,
      now: NOW,
      leaseDurationMs: 30_000,
    });
    expect(plan.keep).toEqual([]);
    expect(plan.release).toEqual([]);
    expect([...plan.claim].sort()).toEqual([...clusters].sort());
  });

  it('releases the surplus when a second replica comes alive, and the newcomer claims what is freed', () => {
    const a = planLeases({
      replica: 'a',
      clusters,
      leases: held('a', clusters),
      liveReplicas: 2,
      now: NOW,
      leaseDurationMs: 30_000,
    });
    expect(a.keep).toHaveLength(5);
    expect(a.release).toHaveLength(5);
    expect(a.claim).toEqual([]);

    // nothing free yet: the newcomer waits
    expect(
      planLeases({
        replica: 'b',
        clusters,
        leases: held('a', clusters),
        liveReplicas: 2,
        now: NOW,
        leaseDurationMs: 30_000,
      }).claim,
    ).toEqual([]);
    const b = planLeases({
      replica: 'b',
      clusters,
      leases: [
        ...held('a', a.keep),
        ...a.release.map(cluster => ({ cluster, expiresAt: NOW })),
      ],
      liveReplicas: 2,
      now: NOW,
      leaseDurationMs: 30_000,
    });
    expect([...b.claim].sort()).toEqual([...a.release].sort());
  });

  it('takes expired leases over, its own included, and leaves live ones alone', () => {
    const plan = planLeases({
      replica: 'b',
      clusters: ['x', 'y', 'z'],
      leases: [
        ...held('a', ['x'], NOW - 1),
        ...held('b', ['y'], NOW),
        ...held('a', ['z']),
      ],
      liveReplicas: 1,
      now: NOW,
      leaseDurationMs: 30_000,
    });
    expect(plan.keep).toEqual([]);
    expect([...plan.claim].sort()).toEqual(['x', 'y']);
  });

  it('releases the leases of clusters its locators no longer list', () => {
    const plan = planLeases({
      replica: 'a',
      clusters: ['x'],
      leases: held('a', ['x', 'gone']),
      liveReplicas: 1,
      now: NOW,
      leaseDurationMs: 30_000,
    });
    expect(plan).toEqual({ keep: ['x'], release: ['gone'], claim: [] });
  });

  it('holds nothing when no cluster is listed', () => {
    expect(
      planLeases({
        replica: 'a',
        clusters: [],
        leases: held('a', ['x']),
        liveReplicas: 3,
        now: NOW,
        leaseDurationMs: 30_000,
      }),
    ).toEqual({ keep: [], release: ['x'], claim: [] });
  });

  it('splits the fleet between three replicas, each claiming in turn, and every cluster is held', () => {
    const rows = new Map<string, LeaseRow>();
    const replicas = ['a', 'b', 'c'];
    for (let round = 0; round < 3; round++) {
      for (const replica of replicas) {
        const plan = planLeases({
          replica,
          clusters,
          leases: [...rows.values()],
          liveReplicas: 3,
          now: NOW,
          leaseDurationMs: 30_000,
        });
        for (const cluster of plan.release)
          rows.set(cluster, { cluster, expiresAt: NOW });
        for (const cluster of plan.claim)
          rows.set(cluster, { cluster, holder: replica, expiresAt: NOW + 1 });
      }
    }
    const counts = replicas.map(
      r => [...rows.values()].filter(row => row.holder === r).length,
    );
    expect(counts.reduce((x, y) => x + y)).toBe(10);
    expect(Math.max(...counts)).toBeLessThanOrEqual(fairShare(10, 3));
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
  });

  it('makes room for a replica that holds less than its share, and keeps what it freed for it', () => {
    // four clusters, three replicas: two hold two each, the newcomer none
    const later = NOW + 60_000;
    const leases = [
      ...held('a', ['w', 'x'], later),
      ...held('b', ['y', 'z'], later),
    ];
    const input = {
      clusters: ['w', 'x', 'y', 'z'],
      liveReplicas: 3,
      now: NOW,
      leaseDurationMs: 30_000,
    };
    const a = planLeases({ ...input, replica: 'a', leases });
    expect(a.keep).toHaveLength(1);
    expect(a.release).toHaveLength(1);
    // what a released just now it does not claim back while c holds nothing
    const freed = [
      ...held('a', a.keep, later),
      ...a.release.map(cluster => ({ cluster, expiresAt: NOW })),
      ...held('b', ['y', 'z'], later),
    ];
    expect(planLeases({ ...input, replica: 'a', leases: freed }).claim).toEqual(
      [],
    );
    expect(planLeases({ ...input, replica: 'c', leases: freed }).claim).toEqual(
      a.release,
    );
    // freed a lease duration ago and still unclaimed: anyone takes it
    expect(
      planLeases({
        ...input,
        replica: 'a',
        leases: freed,
        now: NOW + 30_000,
      }).claim,
    ).toEqual(a.release);
  });

  it('counts at least one live replica, whatever the database said', () => {
    expect(fairShare(10, 0)).toBe(10);
    expect(fairShare(10, 3)).toBe(4);
    expect(fairShare(0, 2)).toBe(0);
  });

  it('ranks clusters differently for different replicas', () => {
    const orderOf = (replica: string) =>
      [...clusters].sort(
        (x, y) => leaseRank(replica, x) - leaseRank(replica, y),
      );
    expect(orderOf('a')).not.toEqual(orderOf('b'));
    expect(leaseRank('a', 'x')).toBe(leaseRank('a', 'x'));
  });
});
