import fs from 'node:fs';
import path from 'node:path';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';

/** The demo fleet as the backend exports it: the defects reproduce on it. */
export function demoFleet(): Fleet {
  return JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '../../../../examples/policy-repo/fleet.json'),
      'utf8',
    ),
  ) as Fleet;
}
