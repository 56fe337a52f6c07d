import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import path from 'node:path';
import {
  readTree,
  seedWorkspace,
  testDeps,
  testFleet,
} from '../__testUtils__/fixtures';
import { PolicyRenderers } from '../service/policyRenderers';
import type { MeshActionDeps } from '../service/renderPolicyRequest';
import { createRenderPolicyAction } from './renderPolicy';

const failover = {
  apiVersion: 'meshport.dev/v1alpha1',
  kind: 'VirtualDestination',
  metadata: { name: 'reviews-global', namespace: 'bookinfo' },
  spec: {
    hostname: 'reviews.global',
    destination: { service: 'reviews', namespace: 'bookinfo', port: 9080 },
    clusters: ['cluster-1', 'cluster-2'],
    failover: { mode: 'locality' },
    outlierDetection: {
      consecutive5xxErrors: 5,
      interval: '10s',
      baseEjectionTime: '30s',
    },
  },
};

describe('meshport:policy:render', () => {
  const workspace = createMockDirectory();
  beforeEach(() => {
    workspace.clear();
    seedWorkspace(workspace.path);
  });

  async function run(
    input: Record<string, unknown>,
    deps: MeshActionDeps = testDeps(),
    isDryRun = false,
  ) {
    const ctx = createMockActionContext({
      input: input as never,
      workspacePath: workspace.path,
      isDryRun,
    });
    // Deliberately loose input: the handler must refuse what the schema would.
    await createRenderPolicyAction(deps).handler(ctx as never);
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
  }
  const written = () => readTree(path.join(workspace.path, 'pull-request'));

  it('renders any policy document into the pull request folder', async () => {
    const outputs = await run({ policy: failover });
    expect(outputs.policyPath).toBe(
      'policies/bookinfo/reviews/virtualdestination-reviews-global.yaml',
    );
    expect(Object.keys(written())).toEqual(outputs.files);
    expect(outputs.files).toContain(
      'policies/bookinfo/reviews/virtualdestination-reviews-global.yaml',
    );
    expect(outputs.title).toBe(
      'Serve bookinfo/reviews as reviews.global (VirtualDestination bookinfo/reviews-global)',
    );
  });

  it('previews in a dry run, into a folder of your choice', async () => {
    const outputs = await run(
      { policy: failover, outputPath: 'preview' },
      testDeps(),
      true,
    );
    expect(outputs.sourcePath).toBe('preview');
    expect(Object.keys(readTree(path.join(workspace.path, 'preview')))).toEqual(
      outputs.files,
    );
  });

  it('needs mesh.route.request for kinds that change routing', async () => {
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async () => [{ result: AuthorizeResult.DENY }]),
    });
    await expect(
      run({ policy: failover }, testDeps({ permissions })),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(written()).toEqual({});
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no policy', {}, /policy/],
    [
      'an unknown kind',
      { policy: { ...failover, kind: 'VirtualMesh' } },
      /kind must be one of AccessPolicy, TrafficPolicy, VirtualDestination, got "VirtualMesh"/,
    ],
    [
      'an unknown field',
      { policy: { ...failover, spec: { ...failover.spec, weight: 1 } } },
      /unknown field "weight"/,
    ],
    [
      'a repository folder outside the workspace',
      { policy: failover, repositoryPath: '../../etc' },
      /outside the task workspace/,
    ],
    [
      'the repository folder as output folder',
      { policy: failover, outputPath: 'policy-repo' },
      /must be separate folders/,
    ],
    [
      'a missing repository',
      { policy: failover, repositoryPath: 'nowhere' },
      /no policy repository at "nowhere"/,
    ],
  ])('refuses %s and writes nothing', async (_, input, message) => {
    await expect(run(input)).rejects.toThrow(message);
    expect(written()).toEqual({});
  });

  it('answers through the warm renderer as a fresh one would, as the repository and the fleet change', async () => {
    const repoUrl = 'github.com?owner=meshport-demo&repo=mesh-policies';
    const warm = testDeps();
    let n = 0;
    // The same request through the module's renderer and through a fresh one, in two folders.
    const same = async (deps: MeshActionDeps) => {
      n++;
      const kept = await run(
        { policy: failover, repoUrl, outputPath: `warm-${n}` },
        deps,
      );
      const fresh = await run(
        { policy: failover, repoUrl, outputPath: `fresh-${n}` },
        { ...deps, renderers: new PolicyRenderers(1) },
      );
      expect({ ...kept, sourcePath: '' }).toEqual({ ...fresh, sourcePath: '' });
      expect(readTree(path.join(workspace.path, `warm-${n}`))).toEqual(
        readTree(path.join(workspace.path, `fresh-${n}`)),
      );
      return kept;
    };

    await same(warm);
    await same(warm);
    // nothing changed: nothing compiled again
    expect(
      warm.renderers.forRepository(repoUrl).memo.stats.recompiledUnits,
    ).toBe(0);

    // another pull request merged meanwhile: a grant for ratings
    workspace.addContent({
      'policy-repo/policies/bookinfo/ratings/accesspolicy-productpage-reads-ratings.yaml': `apiVersion: meshport.dev/v1alpha1
kind: AccessPolicy
metadata:
  name: productpage-reads-ratings
  namespace: bookinfo
spec:
  sources:
    - cluster: cluster-1
      namespace: bookinfo
      serviceAccount: bookinfo-productpage
  destination:
    service: ratings
    namespace: bookinfo
    port: 9080
`,
    });
    const merged = await same(warm);
    // its rendered files are that pull request's business, not this one's
    expect(merged.files).not.toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rendered\/.*productpage-reads-ratings/),
      ]),
    );

    // the fleet lost a cluster since: everything is compiled against the new one
    const fleet = testFleet();
    fleet.clusters = fleet.clusters.filter(c => c.name !== 'cluster-4');
    await same({ ...warm, fleet: { getFleet: async () => fleet } });
    // the render of the repository as it is compiled its two policies against the new fleet;
    // the render with the request, which came last, had only the request left to compile
    expect(
      warm.renderers.forRepository(repoUrl).memo.stats.recompiledUnits,
    ).toBe(1);
  });

  it("writes the request's effect only, leaving drift elsewhere in rendered/ alone", async () => {
    const clean = await run({ policy: failover, outputPath: 'clean' });
    const drifted =
      'policy-repo/rendered/cluster-1/bookinfo/reviews/authorizationpolicy-meshport-bookinfo-productpage-reads-reviews.yaml';
    const stale =
      'policy-repo/rendered/cluster-3/bookinfo/no-policy-renders-this.yaml';
    workspace.addContent({
      [drifted]: '# edited by hand\n',
      [stale]: 'kind: Service\n',
    });

    const outputs = await run({ policy: failover, outputPath: 'drifted' });
    // the same files, with the same content, as from a repository without drift
    expect({ ...outputs, sourcePath: '' }).toEqual({
      ...clean,
      sourcePath: '',
    });
    expect(readTree(path.join(workspace.path, 'drifted'))).toEqual(
      readTree(path.join(workspace.path, 'clean')),
    );
    expect(outputs.files).toContain(
      'policies/bookinfo/reviews/virtualdestination-reviews-global.yaml',
    );
    expect(outputs.files.some((f: string) => f.startsWith('rendered/'))).toBe(
      true,
    );
  });

  it('refuses a repository holding a broken policy, naming the file', async () => {
    workspace.addContent({
      'policy-repo/policies/bookinfo/trafficpolicy-broken.yaml': 'kind: [',
    });
    await expect(run({ policy: failover })).rejects.toThrow(
      /policies\/bookinfo\/trafficpolicy-broken.yaml: invalid YAML/,
    );
    expect(written()).toEqual({});
  });
});
