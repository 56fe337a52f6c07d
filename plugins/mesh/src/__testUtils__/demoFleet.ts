import { type Fleet, parseFleet } from '@meshport/backstage-plugin-mesh-common';
// The demo fleet's real export (GET /api/mesh/fleet for examples/demo-fleet), shared with the
// backend and CLI tests; it belongs to no package, hence the import from outside this one.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import demoFleetExport from '../../../../examples/policy-repo/fleet.json';

/** Four clusters (Istio multi-primary cluster-1 + cluster-2, …), bookinfo and more. */
export function demoFleet(): Fleet {
  const parsed = parseFleet(demoFleetExport);
  if (!parsed.ok) {
    throw new Error(
      `examples/policy-repo/fleet.json is not a fleet: ${JSON.stringify(
        parsed.errors,
      )}`,
    );
  }
  return parsed.fleet;
}
