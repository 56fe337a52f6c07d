import {
  sameJson,
  type Fleet,
  type FleetCluster,
} from '@meshport/backstage-plugin-mesh-common';

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
            sameJson,
            SYNC_TIMES,
          )
        : sameJson(x, y),
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
      if (key !== 'clusters') return sameJson(x, y);
      const [p, q] = [x as FleetCluster[], y as FleetCluster[]];
      return p.length === q.length && p.every((c, i) => sameCluster(c, q[i]));
    },
    FLEET_TIME,
  );
}
