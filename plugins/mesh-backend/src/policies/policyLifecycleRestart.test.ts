import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { PoliciesResponse } from '@meshport/backstage-plugin-mesh-common';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend } from '../metrics/__testUtils__/meshTestBackend';
import { createMeshPlugin } from '../plugin';
import { DEMO_FLEET_DIR } from '../__testUtils__/demoFleet';
import { FakeScm } from './__testUtils__/fakeScm';
import { POLICY_SYNC_TASK_ID } from './schedulePolicySync';
import { PolicyRepositoryReadError } from './scm/PolicyRepositoryScm';

jest.setTimeout(120_000);

const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });
const REPO = 'github.com?owner=acme&repo=mesh-policies';
const EXAMPLE = path.resolve(__dirname, '../../../../examples/policy-repo');

/** The example policy repository's files, as its branch holds them. */
function exampleFiles(dir = EXAMPLE, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${entry.name}`;
    if (entry.isDirectory())
      Object.assign(files, exampleFiles(path.join(dir, entry.name), `${rel}/`));
    else if (/^(policies|rendered)\//.test(rel))
      files[rel] = fs.readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return files;
}

/** The demo fleet's mesh backend on `knex`, reading the policy repository through `scm`. */
async function start(knex: unknown, scm: FakeScm) {
  let scheduler: SchedulerService | undefined;
  const backend = await startMeshBackend({
    plugin: createMeshPlugin({ policyRepositoryScm: scm }),
    config: {
      mesh: {
        snapshot: { directory: DEMO_FLEET_DIR },
        policyRepositories: [REPO],
      },
    },
    features: [
      mockServices.database.factory({ knex: knex as never }),
      createBackendModule({
        pluginId: 'mesh',
        moduleId: 'capture-policy-scheduler',
        register(env) {
          env.registerInit({
            deps: { s: coreServices.scheduler },
            async init({ s }) {
              scheduler = s;
            },
          });
        },
      }),
    ],
  });
  return {
    backend,
    sync: () => scheduler!.triggerTask(POLICY_SYNC_TASK_ID),
    policies: async () =>
      (await request(backend.server).get('/api/mesh/policies').expect(200))
        .body as PoliciesResponse,
  };
}

describe('a restarted backend', () => {
  it('serves the states it stored, also while the SCM refuses it', async () => {
    const knex = await sqlite.init('SQLITE_3');
    const scm = new FakeScm();
    scm.branches.set(REPO, { commit: 'c1', files: exampleFiles() });
    const first = await start(knex, scm);
    await first.sync();
    const before = await first.policies();
    expect(before.items.length).toBeGreaterThan(0);
    expect(before.repositories[0]).toMatchObject({
      status: 'ok',
      commit: 'c1',
    });
    await first.backend.stop();

    // the token was revoked while the backend was down
    const refused = new FakeScm();
    refused.fail = new PolicyRepositoryReadError(
      'unauthorized',
      'GitHub refused the token (401); renew integrations.github[0].token',
    );
    const second = await start(knex, refused);
    try {
      expect(await second.policies()).toEqual(before);
      await second.sync();
      const after = await second.policies();
      expect(after.repositories[0]).toMatchObject({
        status: 'unauthorized',
        commit: 'c1',
        lastSyncAt: before.repositories[0].lastSyncAt,
      });
      expect(after.items).toEqual(before.items);
    } finally {
      await second.backend.stop();
    }
  });
});
