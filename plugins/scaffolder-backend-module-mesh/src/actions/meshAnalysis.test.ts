import {
  createMockDirectory,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type {
  Fleet,
  LiveConfigObject,
} from '@meshport/backstage-plugin-mesh-common';
import { MeshApiClient } from '@meshport/backstage-plugin-mesh-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import path from 'node:path';
import { testChecks } from '../__testUtils__/checks';
import {
  readTree,
  seedWorkspace,
  testDeps,
  testFleet,
} from '../__testUtils__/fixtures';
import { RequestAnalyzer } from '../service/requestAnalysis';
import { createTrafficPolicyAction } from './trafficPolicy';

/**
 * The pull request's mesh analysis, with the mesh backend played by msw: the actions read the
 * fleet (and each cluster's live config) through the real MeshApiClient, as in production.
 */
const FLEET_URL = 'http://backstage.test/api/mesh/fleet';
const HOST = 'reviews.bookinfo.svc.cluster.local';

/** From cluster-1, 75 % of reviews to v3 in cluster-2, 15 % v1 and 10 % v2 locally. */
const seed = {
  service: 'bookinfo/reviews',
  sourceClusters: ['cluster-1'],
  route: [
    { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 75 },
    { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 15 },
    { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
  ],
};

const object = (
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  labels?: Record<string, string>,
): LiveConfigObject => ({
  apiVersion:
    kind === 'PeerAuthentication'
      ? 'security.istio.io/v1'
      : 'networking.istio.io/v1',
  kind,
  metadata: { name, namespace: 'bookinfo', ...(labels ? { labels } : {}) },
  spec,
});

/** Found in the live config and untouched by the seed route. */
const permissive = object('PeerAuthentication', 'legacy', {
  mtls: { mode: 'PERMISSIVE' },
});

/**
 * The demo fleet with exactly the given live config: clusters not named have none (unknown),
 * whatever the export on disk carries.
 */
function fleetWithConfig(config: Record<string, LiveConfigObject[]>): Fleet {
  const fleet = testFleet();
  return {
    ...fleet,
    clusters: fleet.clusters.map(({ config: _live, ...c }) =>
      config[c.name] ? { ...c, config: config[c.name] } : c,
    ),
  };
}

type Input = Parameters<
  ReturnType<typeof createTrafficPolicyAction>['handler']
>[0]['input'];

describe('the mesh analysis of a request', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const workspace = createMockDirectory();

  beforeEach(() => {
    workspace.clear();
    seedWorkspace(workspace.path);
  });

  function serveFleet(fleet: Fleet) {
    server.use(http.get(FLEET_URL, () => HttpResponse.json(fleet)));
  }

  async function run(extra: { isDryRun?: boolean } = {}) {
    const deps = testDeps({
      fleet: new MeshApiClient({
        discovery: mockServices.discovery.mock({
          getBaseUrl: async (pluginId: string) =>
            `http://backstage.test/api/${pluginId}`,
        }),
        auth: mockServices.auth({ pluginId: 'scaffolder' }),
      }),
      analyzer: new RequestAnalyzer(testChecks),
    });
    const ctx = createMockActionContext<Input>({
      input: seed as Input,
      workspacePath: workspace.path,
      user: { ref: 'user:default/guest' },
      ...extra,
    });
    await createTrafficPolicyAction(deps).handler(ctx);
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
  }

  const written = () => readTree(path.join(workspace.path, 'pull-request'));

  it('says a clean request introduces nothing, counts what was there before, and names clusters it could not analyse', async () => {
    // cluster-2's config is unknown: its objects are not judged without the config they join
    serveFleet(fleetWithConfig({ 'cluster-1': [permissive] }));
    const outputs = await run();
    expect(outputs.description).toContain(
      [
        '### Mesh analysis',
        '',
        'The live mesh config of every cluster, with this change applied to cluster-1, analysed across the fleet.',
        '',
        'It introduces no finding and resolves none.',
        '',
        "1 finding of the live config stays as it is: not this request's doing (the Mesh tab lists it).",
        '',
        'Not analysed: cluster-2, whose live mesh config is unknown to Meshport.',
        '',
        'What the analysis could not look at:',
        '',
        '- Cluster cluster-2 carries no mesh config (an older export or snapshot): it was not analysed.',
        '- Cluster cluster-3 carries no mesh config (an older export or snapshot): it was not analysed.',
        '- Cluster cluster-4 carries no mesh config (an older export or snapshot): it was not analysed.',
      ].join('\n'),
    );
    expect(outputs.description).not.toContain('PeerAuthentication');
    expect(Object.keys(written())).toEqual(outputs.files);
  });

  it('refuses a request that introduces an error, naming it, its fix and its owners, in a dry run too', async () => {
    serveFleet(
      fleetWithConfig({
        'cluster-1': [
          permissive,
          object('VirtualService', 'reviews-by-hand', {
            hosts: [HOST],
            http: [{ route: [{ destination: { host: HOST } }] }],
          }),
        ],
        'cluster-2': [],
      }),
    );
    for (const isDryRun of [false, true]) {
      await expect(run({ isDryRun })).rejects.toMatchObject({
        name: 'InputError',
        message: [
          'TrafficPolicy bookinfo/reviews-from-cluster-1 cannot be added: with it, the mesh analysis of cluster-1, cluster-2 finds an error the live config does not have:',
          `- MESH981 VirtualService bookinfo/meshport-reviews and VirtualService bookinfo/reviews-by-hand in cluster cluster-1 both route ${HOST}. Fix: Merge them into one VirtualService for ${HOST}. Owners: group:default/bookinfo-team.`,
          'Change the request so that it does not cause it, or have the owners named fix their side first.',
        ].join('\n'),
      });
      expect(written()).toEqual({});
    }
  });

  it('lists the findings a request resolves', async () => {
    // an older render of the route, applied by hand: it names a subset no DestinationRule has
    const stale = object(
      'VirtualService',
      'meshport-reviews',
      {
        hosts: [HOST],
        http: [
          { route: [{ destination: { host: HOST, subset: 'cluster-1-v9' } }] },
        ],
      },
      {
        'meshport.dev/policy': 'trafficpolicy.bookinfo.reviews-from-cluster-1',
      },
    );
    serveFleet(
      fleetWithConfig({ 'cluster-1': [permissive, stale], 'cluster-2': [] }),
    );
    const outputs = await run();
    expect(outputs.description).toContain(
      [
        '**Resolves**',
        '',
        `- **error** \`MESH982\` VirtualService bookinfo/meshport-reviews in cluster cluster-1 routes to subset cluster-1-v9 of ${HOST}, which no DestinationRule defines. Fix: Define subset cluster-1-v9 in the DestinationRule for ${HOST}. Owners: group:default/bookinfo-team.`,
        '',
        "1 finding of the live config stays as it is: not this request's doing (the Mesh tab lists it).",
      ].join('\n'),
    );
    expect(outputs.description).not.toContain('**Introduces**');
  });

  it('says so when no cluster it changes has a known live config', async () => {
    serveFleet(fleetWithConfig({}));
    const outputs = await run();
    expect(outputs.description).toContain(
      '### Mesh analysis\n\nNot analysed: the live mesh config of cluster-1, cluster-2 is unknown to Meshport (never synced, or a mesh backend that does not report it).',
    );
  });
});
