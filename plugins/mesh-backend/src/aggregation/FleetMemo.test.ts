import fc from 'fast-check';
import { AGGREGATION, demoClusterInputs } from '../__testUtils__/demoFleet';
import { buildFleet } from './buildFleet';
import { deriveCluster, FleetMemo } from './FleetMemo';
import type {
  AggregationOptions,
  ClusterInput,
  ClusterInventory,
} from './inventory';
import {
  changes,
  digested,
  reread,
  withInventory,
} from '../__testUtils__/clusterChanges';

const AT = '2025-04-01T00:00:00.000Z';
const NOW = new Date(AT);

describe('FleetMemo', () => {
  let inputs: ClusterInput[];
  beforeAll(async () => {
    inputs = (await demoClusterInputs(AT)).map(digested);
  });
  const instancesIn = (fleet: ReturnType<typeof buildFleet>) =>
    fleet.services.flatMap(s => s.instances);

  it('gives the fleet a cold build gives, whatever happened to the clusters between builds', () => {
    const otherOptions: AggregationOptions = {
      ...AGGREGATION,
      subsetLabels: [],
    };
    const edit = fc.record({
      cluster: fc.nat(inputs.length - 1),
      change: fc.constantFrom(...Object.keys(changes)),
      // a poll's sync comes digested; a watch's change is known by its objects alone
      digest: fc.boolean(),
    });
    // between two builds, one cluster or several changed (watched changes gather)
    const step = fc.record({
      edits: fc.array(edit, { minLength: 1, maxLength: 3 }),
      options: fc.constantFrom(AGGREGATION, otherOptions),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), steps => {
        const memo = new FleetMemo();
        let current = inputs;
        expect(buildFleet(current, AGGREGATION, NOW, memo)).toEqual(
          buildFleet(reread(current), AGGREGATION, NOW),
        );
        for (const { edits, options } of steps) {
          for (const { cluster, change, digest } of edits) {
            const previous = current;
            current = previous.map((c, i) => {
              if (i !== cluster) return c;
              const { inventoryDigest: _, ...changed } = changes[change](
                c,
                previous,
              );
              return digest ? digested(changed) : changed;
            });
          }
          // a cold build: no memo, and objects no earlier build has seen
          expect(buildFleet(current, options, NOW, memo)).toEqual(
            buildFleet(reread(current), options, NOW),
          );
        }
      }),
      { numRuns: 40 },
    );
    // a few hundred builds of the demo fleet: seconds on a busy machine
  }, 60_000);

  it("gives a cold build's fleet after a build that failed midway and was undone", () => {
    const memo = new FleetMemo();
    buildFleet(inputs, AGGREGATION, NOW, memo);
    // derives, then fails in the services' assembly at its last service (label values are
    // strings), after the services before it were built with every endpoint unready
    const broken = inputs.map((c, i) =>
      i === 1
        ? withInventory(c, inv => {
            const last = inv.services.length - 1;
            inv.services[last] = {
              ...inv.services[last],
              labels: {
                ...inv.services[last].labels,
                [AGGREGATION.ownerLabel]: 7 as unknown as string,
              },
            };
            inv.endpointSlices = inv.endpointSlices.map(slice => ({
              ...slice,
              endpoints: slice.endpoints.map(e => ({ ...e, ready: false })),
            }));
          })
        : c,
    );
    // as the store refuses a change: back to what was derived before it
    const restore = memo.checkpoint(inputs[1].name);
    expect(() => buildFleet(broken, AGGREGATION, NOW, memo)).toThrow();
    restore();
    expect(buildFleet(inputs, AGGREGATION, NOW, memo)).toEqual(
      buildFleet(reread(inputs), AGGREGATION, NOW),
    );
    // and the services cluster-2 shares with a cluster that changes next are built again
    // from what cluster-2 holds, not from what the failed build had started to make of it
    const next = inputs.map((c, i) =>
      i === 0
        ? { ...c, inventory: reread(c.inventory), inventoryDigest: undefined }
        : c,
    );
    expect(buildFleet(next, AGGREGATION, NOW, memo)).toEqual(
      buildFleet(reread(next), AGGREGATION, NOW),
    );
  });

  it('reuses what it derived from a cluster whose content did not change', () => {
    const memo = new FleetMemo();
    const first = buildFleet(inputs, AGGREGATION, NOW, memo);
    // every cluster synced again: equal content, new objects, same digests
    const again = buildFleet(reread(inputs), AGGREGATION, NOW, memo);
    expect(again).toEqual(first);
    const before = instancesIn(first);
    const after = instancesIn(again);
    expect(after).toHaveLength(before.length);
    after.forEach((instance, i) => {
      expect(instance.workloads).toBe(before[i].workloads);
    });
    // the same services, but those a mirror marks: the mirror pass marks a fresh instance
    const reused = again.services.map((service, i) => [
      service.id,
      service === first.services[i],
    ]);
    expect(reused).toEqual(
      first.services.map(s => [s.id, !s.instances.some(x => x.mirroredIn)]),
    );
  });

  it('forgets what a check of one cluster built, keeping what was derived from it', () => {
    const memo = new FleetMemo();
    const cluster2 = inputs.find(c => c.name === 'cluster-2')!;
    const check = memo.forCluster('cluster-2');
    buildFleet([cluster2], AGGREGATION, NOW, check);
    const derived = deriveCluster(cluster2, AGGREGATION, memo);
    expect(check.last.services).toBeDefined();
    memo.forgetCheck('cluster-2');
    expect(memo.forCluster('cluster-2').last).toEqual({});
    expect(deriveCluster(cluster2, AGGREGATION, memo)).toBe(derived);
    // a check without what the last one built gives the same fleet
    expect(
      buildFleet([cluster2], AGGREGATION, NOW, memo.forCluster('cluster-2')),
    ).toEqual(buildFleet([cluster2], AGGREGATION, NOW));
  });

  it('serves a digested cluster by its digest alone once derived, and keeps nothing a full read could reuse', () => {
    const memo = new FleetMemo();
    const first = buildFleet(inputs, AGGREGATION, NOW, memo);
    // the store drops a digested inventory once it is derived: the digest stands for it
    const released = inputs.map(({ inventory: _, ...rest }) => rest);
    expect(buildFleet(released, AGGREGATION, NOW, memo)).toEqual(first);
    for (const { name } of inputs)
      expect(memo.previous(name, AGGREGATION)?.reuse).toBeUndefined();
    // a watched (undigested) inventory keeps what its next change is derived against
    const { inventoryDigest: _, ...watched } = inputs[0];
    deriveCluster(watched, AGGREGATION, memo);
    expect(memo.previous(watched.name, AGGREGATION)?.reuse?.inventory).toBe(
      watched.inventory,
    );
    // without a memo, or with another digest, a released cluster has nothing to give
    expect(deriveCluster(released[1], AGGREGATION)).toBeUndefined();
    expect(
      deriveCluster(
        { ...released[1], inventoryDigest: 'other content' },
        AGGREGATION,
        memo,
      ),
    ).toBeUndefined();
  });

  it('restores, from a checkpoint, what it derived before content that was refused', () => {
    const memo = new FleetMemo();
    const cluster2 = inputs.find(c => c.name === 'cluster-2')!;
    const kept = deriveCluster(cluster2, AGGREGATION, memo);
    const restore = memo.checkpoint('cluster-2');
    const refused = {
      ...cluster2,
      inventory: reread(cluster2.inventory),
      inventoryDigest: 'refused content',
    };
    expect(deriveCluster(refused, AGGREGATION, memo)).not.toBe(kept);
    restore();
    const { inventory: _, ...released } = cluster2;
    expect(deriveCluster(released, AGGREGATION, memo)).toBe(kept);
    // a cluster the memo did not know is unknown again
    const restoreNew = memo.checkpoint('new');
    deriveCluster({ ...refused, name: 'new' }, AGGREGATION, memo);
    restoreNew();
    expect(memo.previous('new', AGGREGATION)).toBeUndefined();
  });

  it('derives afresh a cluster whose content, or the options, changed', () => {
    const memo = new FleetMemo();
    const cluster2 = inputs.find(c => c.name === 'cluster-2')!;
    const first = deriveCluster(cluster2, AGGREGATION, memo);
    expect(deriveCluster(reread(cluster2), AGGREGATION, memo)).toBe(first);
    expect(
      deriveCluster(
        {
          ...cluster2,
          inventory: reread(cluster2.inventory),
          inventoryDigest: 'other content',
        },
        AGGREGATION,
        memo,
      ),
    ).not.toBe(first);
    // the entry was replaced: the cluster's old content is not kept alongside
    expect(deriveCluster(cluster2, AGGREGATION, memo)).not.toBe(first);
    const current = deriveCluster(cluster2, AGGREGATION, memo);
    expect(deriveCluster(cluster2, { ...AGGREGATION }, memo)).not.toBe(current);
  });

  it('knows an undigested inventory by its object, and keeps nothing without one', () => {
    const memo = new FleetMemo();
    const { inventoryDigest: _, ...undigested } = inputs[0];
    const first = deriveCluster(undigested, AGGREGATION, memo);
    expect(first).toBeDefined();
    expect(deriveCluster(undigested, AGGREGATION, memo)).toBe(first);
    expect(deriveCluster(reread(undigested), AGGREGATION, memo)).not.toBe(
      first,
    );
    expect(
      deriveCluster(
        { name: 'new', source: 'kubernetes', sync: { state: 'never-synced' } },
        AGGREGATION,
        memo,
      ),
    ).toBeUndefined();
  });

  it('derives again only the services a watched change touches', () => {
    const memo = new FleetMemo();
    const { inventoryDigest: _, ...cluster1 } = inputs.find(
      c => c.name === 'cluster-1',
    )!;
    const before = deriveCluster(cluster1, AGGREGATION, memo)!;
    const pod = cluster1.inventory!.pods.find(p => p.labels.app === 'ratings')!;
    const changed = withInventory(cluster1, inv => {
      inv.pods[inv.pods.indexOf(pod)] = { ...pod, ready: !pod.ready };
    });
    const after = deriveCluster(changed, AGGREGATION, memo)!;
    const byName = (d: typeof before) =>
      new Map(d.instances.services.map(s => [s.service.name, s]));
    const [old, now] = [byName(before), byName(after)];
    expect(now.get('ratings')).not.toBe(old.get('ratings'));
    expect(now.get('ratings')!.instance.workloads).not.toEqual(
      old.get('ratings')!.instance.workloads,
    );
    const kept = [...now].filter(([name]) => name !== 'ratings');
    expect(kept.length).toBeGreaterThan(0);
    for (const [name, contribution] of kept)
      expect(contribution).toBe(old.get(name));
    // the cluster-wide inputs are the same objects
    expect(after.controlPlanes).toBe(before.controlPlanes);
    expect(after.config).toBe(before.config);
    // mesh config changed: every service is derived again, as it may read it
    const policy = withInventory(changed, inv => {
      const i = inv.meshConfig.findIndex(o => o.kind === 'PeerAuthentication');
      inv.meshConfig[i] = { ...inv.meshConfig[i] };
    });
    const all = byName(deriveCluster(policy, AGGREGATION, memo)!);
    for (const [name, contribution] of all)
      expect(contribution).not.toBe(now.get(name));
  });

  it('fails on an inventory the fleet cannot be built from, with a memo as without, every time', () => {
    const memo = new FleetMemo();
    const good = inputs[0];
    const bad = reread(good.inventory!) as ClusterInventory;
    bad.services.push({ ...bad.services[0], name: 7 as unknown as string });
    const broken = digested({ ...good, inventory: bad });
    expect(() => buildFleet([broken], AGGREGATION, NOW)).toThrow();
    expect(() => buildFleet([broken], AGGREGATION, NOW, memo)).toThrow();
    expect(() => buildFleet([broken], AGGREGATION, NOW, memo)).toThrow();
  });
});
