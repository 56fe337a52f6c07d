import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { readPolicyRepositories } from '@meshport/backstage-plugin-mesh-node';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { catalogCodeOwners } from './catalogCodeOwners';
import { readPolicyLifecycleOptions } from './PolicyLifecycleOptions';
import { SnapshotPolicyRepositoryScm } from './scm/SnapshotPolicyRepositoryScm';

const ROOT = path.resolve(__dirname, '../../../..');
const EXAMPLES = path.join(ROOT, 'examples');

/** What the Meshport catalog module publishes for a bookinfo service of the demo fleet. */
const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `${name}.bookinfo`,
    namespace: 'default',
    annotations: {
      'meshport.dev/service': `bookinfo/${name}`,
      'backstage.io/managed-by-origin-location': 'meshport-provider:fleet',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/bookinfo-team',
  },
});

// The demo (app-config.yaml, the snapshot SCM of examples/demo-scm, the teams of
// examples/org.yaml) finds its policy repository's CODEOWNERS current, and serves the owners
// file the example keeps beside it.
it('the demo policy repository CODEOWNERS is current against the demo catalog', async () => {
  const appConfig = new ConfigReader(
    YAML.parse(fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8')),
  );
  const [repository] = readPolicyRepositories(appConfig);
  const { defaultOwners } = readPolicyLifecycleOptions(appConfig);
  const scm = new SnapshotPolicyRepositoryScm({
    directory: path.join(EXAMPLES, 'demo-scm'),
    rootDirectory: EXAMPLES,
  });
  const read = await scm.readBranch(repository);
  if (read === 'unchanged') throw new Error('a first read is never unchanged');
  const org = YAML.parseAllDocuments(
    fs.readFileSync(path.join(EXAMPLES, 'org.yaml'), 'utf8'),
  ).map(
    d =>
      ({
        ...d.toJSON(),
        metadata: { namespace: 'default', ...d.toJSON().metadata },
      } as Entity),
  );
  const check = await catalogCodeOwners({
    catalog: catalogServiceMock({
      entities: [...org, component('reviews'), component('details')],
    }),
    auth: mockServices.auth(),
    fleet: async () => ({ services: [] } as unknown as Fleet),
    defaultOwners,
  })(repository, read.snapshot, await scm.listPullRequests(repository));
  expect(check).toEqual({
    status: 'current',
    owners: JSON.parse(
      fs.readFileSync(
        path.join(EXAMPLES, 'policy-repo', 'owners.json'),
        'utf8',
      ),
    ),
  });
});
