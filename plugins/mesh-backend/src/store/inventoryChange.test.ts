import fc from 'fast-check';
import type { ClusterInventory } from '../aggregation/inventory';
import { demoClusterInputs } from '../__testUtils__/demoFleet';
import {
  applyInventoryChange,
  changedObjects,
  INVENTORY_LISTS,
  inventoryChange,
  inventoryObjects,
} from './inventoryChange';

const AT = '2026-01-01T00:00:00.000Z';

/** As the database gives it back: every object a new one. */
const reread = <T>(value: T): T => JSON.parse(JSON.stringify(value));

type Lists = (typeof INVENTORY_LISTS)[number];
const LISTS = INVENTORY_LISTS;

let base: ClusterInventory;
beforeAll(async () => {
  const inputs = await demoClusterInputs(AT);
  base = inputs.find(c => c.name === 'cluster-1')!.inventory!;
});

/** One edit as a watch makes it: the other objects of the list stay the same objects. */
const edit = fc.record({
  list: fc.constantFrom(...LISTS),
  kind: fc.constantFrom('replace', 'insert', 'remove', 'newArray'),
  position: fc.nat(),
});

function applyEdit(
  inventory: ClusterInventory,
  { list, kind, position }: { list: Lists; kind: string; position: number },
): ClusterInventory {
  const items: unknown[] = inventory[list].slice();
  const at = items.length === 0 ? 0 : position % items.length;
  if (kind === 'replace' && items.length > 0)
    items[at] = { ...(items[at] as object), changed: position };
  else if (kind === 'insert')
    items.splice(at, 0, { inserted: position, namespace: 'x' });
  else if (kind === 'remove' && items.length > 0) items.splice(at, 1);
  // a re-list of the kind brings equal content in new objects
  else if (kind === 'newArray') return { ...inventory, [list]: reread(items) };
  return { ...inventory, [list]: items };
}

describe('an inventory change', () => {
  it('turns the stored inventory into the next one, through JSON, whatever the edits', () => {
    fc.assert(
      fc.property(
        fc.array(edit, { maxLength: 12 }),
        fc.boolean(),
        fc.option(fc.constantFrom(['istio-system'], [] as string[]), {
          nil: undefined,
        }),
        (edits, ztunnel, forbidden) => {
          let after = base;
          for (const e of edits) after = applyEdit(after, e);
          after = { ...after, ztunnelPresent: ztunnel };
          if (forbidden) after.remoteSecretsForbidden = forbidden;
          const change = inventoryChange(base, after);
          // stored as JSON, and applied to the stored (re-read) inventory
          const applied = applyInventoryChange(reread(base), reread(change));
          expect(applied).toEqual(reread(after));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is as small as what a watch changed: one pod, one object', () => {
    const pods = base.pods.slice();
    pods[1] = { ...pods[1], ready: !pods[1].ready };
    const change = inventoryChange(base, { ...base, pods });
    expect(change.lists).toEqual({
      pods: { at: 1, remove: 1, items: [pods[1]] },
    });
    expect(changedObjects(change)).toBe(1);
    expect(inventoryObjects(base)).toBeGreaterThan(50);
  });

  it('holds nothing for lists that are the same objects, and drops members the next one lacks', () => {
    const before = { ...base, remoteSecretsForbidden: ['istio-system'] };
    const after = { ...base, nodes: base.nodes.slice() };
    const change = inventoryChange(before, after);
    expect(change).toEqual({
      lists: {},
      rest: { ztunnelPresent: base.ztunnelPresent },
    });
    expect(applyInventoryChange(before, change)).toEqual(after);
  });

  it('refuses a change that does not fit the inventory it is applied to', () => {
    const change = inventoryChange(base, {
      ...base,
      pods: base.pods.slice(0, 1),
    });
    expect(() => applyInventoryChange({ ...base, pods: [] }, change)).toThrow(
      /^the stored change of pods does not fit the stored inventory/,
    );
  });
});
