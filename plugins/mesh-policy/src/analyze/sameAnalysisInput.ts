import type {
  Fleet,
  FleetCluster,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * Equal as plain data: members compared by identity first, so two fleets that share their
 * unchanged parts (the fleet builder hands on the same service and config objects while
 * their inputs are unchanged) compare in one pass over their lists. Keys must come in the
 * same order: a check may list what it finds in that order.
 */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
      return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  return sameMembers(
    a as Record<string, unknown>,
    b as Record<string, unknown>,
    sameData,
  );
}

/** Equal members but for those `ignored`: the same keys in the same order, each `same`. */
function sameMembers(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  same: (x: unknown, y: unknown, key: string) => boolean,
  ignored?: ReadonlySet<string>,
): boolean {
  const kept = (o: Record<string, unknown>) =>
    ignored ? Object.keys(o).filter(k => !ignored.has(k)) : Object.keys(o);
  const keys = kept(a);
  const other = kept(b);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++)
    if (keys[i] !== other[i] || !same(a[keys[i]], b[keys[i]], keys[i]))
      return false;
  return true;
}

/**
 * What no check reads of a cluster's sync status: when it last synced. The backend stamps
 * every successful sync, so a polled pass that read the same content would otherwise make
 * a new analysis of an unchanged fleet. The state (a stale or never-synced cluster) and the
 * error are compared.
 */
const SYNC_TIMES = new Set(['lastSuccessAt', 'lastAttemptAt']);

/** When the fleet was assembled: no check reads it, and every build stamps it. */
const FLEET_TIME = new Set(['generatedAt']);

function sameCluster(a: FleetCluster, b: FleetCluster): boolean {
  return sameMembers(
    a as unknown as Record<string, unknown>,
    b as unknown as Record<string, unknown>,
    (x, y, key) =>
      key === 'sync'
        ? sameMembers(
            x as Record<string, unknown>,
            y as Record<string, unknown>,
            sameData,
            SYNC_TIMES,
          )
        : sameData(x, y),
  );
}

/**
 * Whether `analyzeFleet` gives the same result for both fleets: they are equal in all but
 * what no check reads, `generatedAt` (when the fleet was assembled) and the times of each
 * cluster's last sync. Every other member is compared, so a member added to the fleet later
 * is part of the comparison until someone shows no check reads it; `analyzeFleet.test.ts`
 * fails if a check starts reading what is left out.
 */
export function sameAnalysisInput(a: Fleet, b: Fleet): boolean {
  if (a === b) return true;
  return sameMembers(
    a as unknown as Record<string, unknown>,
    b as unknown as Record<string, unknown>,
    (x, y, key) => {
      if (key !== 'clusters') return sameData(x, y);
      const [p, q] = [x as FleetCluster[], y as FleetCluster[]];
      return p.length === q.length && p.every((c, i) => sameCluster(c, q[i]));
    },
    FLEET_TIME,
  );
}
