import fs from 'node:fs';
import path from 'node:path';
import { buildFleet } from '../aggregation/buildFleet';
import { AGGREGATION, demoClusterInputs } from './demoFleet';

/**
 * examples/policy-repo/fleet.json is what `GET /api/mesh/fleet` answers for the demo fleet:
 * the sample policy repository, the CLI examples and the scaffolder's integration test all
 * compile against the same fleet the demo app discovers. After changing the demo fleet,
 * refresh it with `MESHPORT_UPDATE_FLEET_EXPORT=1` and run prettier on the file.
 */
const EXPORT_FILE = path.resolve(
  __dirname,
  '../../../../examples/policy-repo/fleet.json',
);
const AT = '2026-01-01T00:00:00.000Z';

it('examples/policy-repo/fleet.json is the export of the demo fleet', async () => {
  const fleet = buildFleet(
    await demoClusterInputs(AT),
    AGGREGATION,
    new Date(AT),
  );
  // what the endpoint serialises: undefined fields vanish
  const exported = JSON.parse(JSON.stringify(fleet));
  if (process.env.MESHPORT_UPDATE_FLEET_EXPORT) {
    fs.writeFileSync(EXPORT_FILE, `${JSON.stringify(exported, null, 2)}\n`);
  }
  expect(JSON.parse(fs.readFileSync(EXPORT_FILE, 'utf8'))).toEqual(exported);
});
