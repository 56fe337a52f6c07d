import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { AGGREGATION, demoClusterInputs } from '../__testUtils__/demoFleet';
import {
  changes,
  digested,
  reread,
  withInventory,
} from '../__testUtils__/clusterChanges';
import { buildFleet } from '../aggregation/buildFleet';
import { deriveCluster, FleetMemo } from '../aggregation/FleetMemo';
import type { ClusterInput } from '../aggregation/inventory';
import {
  applyDerivationChange,
  derivationChange,
  derivationKey,
  derivationOf,
  derivationRecord,
  type DerivationRecord,
} from './storedDerivation';

const AT = '2025-04-01T00:00:00.000Z';
const NOW = new Date(AT);

/** The fleet a replica serves from stored records alone: clusters known by a digest. */
function fleetFromRecords(
  clusters: ClusterInput[],
  records: Map<string, DerivationRecord>,
) {
  const memo = new FleetMemo();
  const seeded = clusters.map(({ inventory: _, inventoryDigest: __, ...c }) => {
    const record = records.get(c.name);
    if (!record) return c;
    memo.seed(c.name, AGGREGATION, `stored ${c.name}`, derivationOf(record));
    return { ...c, inventoryDigest: `stored ${c.name}` };
  });
  return buildFleet(seeded, AGGREGATION, NOW, memo);
}

describe('a stored derivation', () => {
  let inputs: ClusterInput[];
  beforeAll(async () => {
    inputs = await demoClusterInputs(AT);
  });

  it('serves, read back from JSON, the fleet a cold build of the inventories gives', () => {
    const memo = new FleetMemo();
    const records = new Map(
      inputs.flatMap(c => {
        const derivation = deriveCluster(c, AGGREGATION, memo);
        return derivation
          ? [[c.name, reread(derivationRecord(derivation))] as const]
          : [];
      }),
    );
    expect(records.size).toBeGreaterThan(1);
    expect(fleetFromRecords(inputs, records)).toEqual(
      buildFleet(reread(inputs), AGGREGATION, NOW),
    );
  });

  it("follows a watched cluster's changes as splices, through JSON, whatever they are", () => {
    // what the store writes: the record of the first derivation, then per write the change
    // from the record last written; the stored record is what a restart reads back
    const step = fc.record({
      cluster: fc.nat(inputs.length - 1),
      change: fc.constantFrom(...Object.keys(changes)),
      // a watch's change (known by its objects), else a full read's (digested)
      watched: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), steps => {
        const memo = new FleetMemo();
        let current = inputs;
        const written = new Map<string, DerivationRecord>();
        const stored = new Map<string, DerivationRecord>();
        const write = (cluster: ClusterInput, whole: boolean) => {
          const derivation = deriveCluster(cluster, AGGREGATION, memo);
          if (!derivation) {
            written.delete(cluster.name);
            stored.delete(cluster.name);
            return;
          }
          const record = derivationRecord(derivation);
          const last = written.get(cluster.name);
          stored.set(
            cluster.name,
            last && !whole
              ? applyDerivationChange(
                  stored.get(cluster.name)!,
                  reread(derivationChange(last, record)),
                )
              : reread(record),
          );
          written.set(cluster.name, record);
        };
        for (const c of current) write(c, true);
        for (const { cluster, change, watched } of steps) {
          const previous = current;
          current = previous.map((c, i) => {
            if (i !== cluster) return c;
            const { inventoryDigest: _, ...changed } = changes[change](
              c,
              previous,
            );
            return watched ? changed : digested(changed);
          });
          write(current[cluster], !watched);
        }
        expect(fleetFromRecords(current, stored)).toEqual(
          buildFleet(reread(current), AGGREGATION, NOW),
        );
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it("is a splice of the services one pod's change touches", () => {
    const memo = new FleetMemo();
    const cluster = inputs.find(c => c.name === 'cluster-1')!;
    const before = derivationRecord(deriveCluster(cluster, AGGREGATION, memo)!);
    const changed = withInventory(cluster, inv => {
      const i = inv.pods.findIndex(p => p.namespace === 'bookinfo');
      inv.pods[i] = { ...inv.pods[i], ready: !inv.pods[i].ready };
    });
    const after = derivationRecord(deriveCluster(changed, AGGREGATION, memo)!);
    const change = derivationChange(before, after);
    expect(Object.keys(change.lists)).toEqual(['services']);
    const { items } = change.lists.services!;
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(before.lists.services.length / 2);
  });

  it('refuses a change that does not fit the record it is applied to', () => {
    const record = derivationRecord(
      deriveCluster(inputs[0], AGGREGATION, new FleetMemo())!,
    );
    expect(() =>
      applyDerivationChange(record, {
        lists: { services: { at: 1e6, remove: 1, items: [] } },
        rest: record.rest,
      }),
    ).toThrow(
      /^the stored change of services does not fit the stored derivation/,
    );
  });

  it('changes format when what is derived changes: bump DERIVATION_FORMAT when this fails', () => {
    // A stored derivation is served after a restart as it was derived. Should the code
    // derive something else from the same inventory, records of the old format would be
    // served until each cluster's content changed: a new format makes every replica derive
    // again, once. When this fails, bump DERIVATION_FORMAT (storedDerivation.ts) and set
    // both figures below to what the failure shows.
    const memo = new FleetMemo();
    const derived = JSON.stringify(
      inputs.map(c => {
        const derivation = deriveCluster(c, AGGREGATION, memo);
        return derivation && derivationRecord(derivation);
      }),
    );
    expect({
      format: derivationKey(AGGREGATION).split(':')[0],
      demoFleetDerived: createHash('sha256')
        .update(derived)
        .digest('hex')
        .slice(0, 16),
    }).toEqual({ format: 'v1', demoFleetDerived: 'ef7c2dc465139519' });
  });

  it('is keyed by the options it was derived with', () => {
    expect(derivationKey(AGGREGATION)).toBe(derivationKey({ ...AGGREGATION }));
    expect(derivationKey(AGGREGATION)).not.toBe(
      derivationKey({ ...AGGREGATION, subsetLabels: ['track'] }),
    );
    expect(derivationKey(AGGREGATION)).not.toBe(
      derivationKey({
        ...AGGREGATION,
        owners: { bookinfo: 'group:default/x' },
      }),
    );
  });
});
