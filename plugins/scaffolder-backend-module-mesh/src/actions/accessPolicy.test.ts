import type { UserEntity } from '@backstage/catalog-model';
import { parsePolicyRequestMarker } from '@meshport/backstage-plugin-mesh-policy';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import path from 'node:path';
import { readTree, seedWorkspace, testDeps } from '../__testUtils__/fixtures';
import type { MeshActionDeps } from '../service/renderPolicyRequest';
import { createAccessPolicyAction } from './accessPolicy';

const grant = {
  service: 'bookinfo/reviews',
  port: 9080,
  sources: [
    {
      cluster: 'cluster-2',
      namespace: 'bookinfo',
      serviceAccount: 'bookinfo-reviews',
    },
  ],
  methods: ['GET'],
  paths: ['/reviews/*'],
};

type Input = Parameters<
  ReturnType<typeof createAccessPolicyAction>['handler']
>[0]['input'];

describe('meshport:policy:access', () => {
  const workspace = createMockDirectory();
  beforeEach(() => {
    workspace.clear();
    seedWorkspace(workspace.path);
  });

  async function run(
    input: Record<string, unknown>,
    deps: MeshActionDeps = testDeps(),
    isDryRun = false,
    user?: { ref: string; entity: UserEntity },
  ) {
    const ctx = createMockActionContext<Input>({
      // Deliberately loose: the handler must refuse what the schema would.
      input: input as Input,
      workspacePath: workspace.path,
      isDryRun,
      user,
    });
    await createAccessPolicyAction(deps).handler(ctx);
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
  }
  const written = () => readTree(path.join(workspace.path, 'pull-request'));

  it("records the caller's team in the marker: the requester's first group, as none owns the destination", async () => {
    const outputs = await run(grant, testDeps(), false, {
      ref: 'user:default/jane',
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'jane', namespace: 'default' },
        spec: { memberOf: ['productpage-team', 'frontend'] },
      },
    });
    expect(parsePolicyRequestMarker(outputs.description)).toEqual({
      policies: [expect.stringMatching(/^accesspolicy\.bookinfo\./)],
      destinations: [expect.stringMatching(/^bookinfo\//)],
      taskId: 'mock-task-id',
      requester: 'user:default/jane',
      team: 'group:default/frontend',
      requestedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it("records the destination's owner as the team when the requester belongs to it", async () => {
    const outputs = await run(grant, testDeps(), false, {
      ref: 'user:default/jane',
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'jane', namespace: 'default' },
        spec: { memberOf: ['a-team', 'bookinfo-team'] },
      },
    });
    expect(parsePolicyRequestMarker(outputs.description)?.team).toBe(
      'group:default/bookinfo-team',
    );
  });

  it('writes the grant and an AuthorizationPolicy per serving cluster, for anyone, reviewed by the owners', async () => {
    // Anyone may ask for access: a permission policy denying routes does not matter here.
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async () => [{ result: AuthorizeResult.DENY }]),
    });
    const outputs = await run(grant, testDeps({ permissions }));
    expect(permissions.authorize).not.toHaveBeenCalled();
    expect(Object.keys(written())).toEqual([
      // the destination's owners get its folders in CODEOWNERS
      'CODEOWNERS',
      'policies/bookinfo/reviews/accesspolicy-bookinfo-reviews-cluster-2-to-reviews.yaml',
      'rendered/cluster-1/bookinfo/reviews/authorizationpolicy-meshport-bookinfo-bookinfo-reviews-cluster-2-to-reviews.yaml',
      'rendered/cluster-2/bookinfo/reviews/authorizationpolicy-meshport-bookinfo-bookinfo-reviews-cluster-2-to-reviews.yaml',
    ]);
    expect(outputs).toMatchObject({
      branchName:
        'meshport/accesspolicy-bookinfo-bookinfo-reviews-cluster-2-to-reviews',
      title:
        'Allow cluster-2/bookinfo/bookinfo-reviews to call bookinfo/reviews (AccessPolicy bookinfo/bookinfo-reviews-cluster-2-to-reviews)',
      teamReviewers: ['bookinfo-team'],
      clusters: ['cluster-1', 'cluster-2'],
    });
    expect(outputs.description).toContain(
      '| Allowed | methods GET; paths `/reviews/*` |',
    );
    // reviews already has an ALLOW policy live in both clusters (the demo's applied
    // productpage-reads-reviews), so this grant switches nothing to default-deny and the
    // reviewer gets no such warning (mesh-policy's translate/access.test.ts covers the warning)
    expect(outputs.description).not.toContain(
      'denies every caller it does not name',
    );
  });

  it('drops the empty rows a template renders for callers left blank', async () => {
    const outputs = await run({
      ...grant,
      sources: [...grant.sources, '', ''],
    });
    expect(outputs.branchName).toBe(
      'meshport/accesspolicy-bookinfo-bookinfo-reviews-cluster-2-to-reviews',
    );
  });

  it('previews the same files in a dry run', async () => {
    const outputs = await run(grant, testDeps(), true);
    expect(Object.keys(written())).toEqual(outputs.files);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an unknown caller cluster',
      { ...grant, sources: [{ cluster: 'cluster-9', namespace: 'bookinfo' }] },
      /cluster-9/,
    ],
    [
      'no caller',
      { ...grant, sources: [] },
      /name at least one caller identity/,
    ],
    [
      'the same caller twice',
      { ...grant, sources: [...grant.sources, '', grant.sources[0]] },
      /sources.2: caller 3 repeats caller 1 \(cluster cluster-2, namespace bookinfo, service account bookinfo-reviews\); name each caller once/,
    ],
    [
      'a service account with path metacharacters',
      {
        ...grant,
        sources: [
          {
            cluster: 'cluster-1',
            namespace: 'bookinfo',
            serviceAccount: '../x',
          },
        ],
      },
      /serviceAccount/,
    ],
    [
      'a path with a newline',
      { ...grant, paths: ['/reviews\n- evil'] },
      /path/,
    ],
    [
      'too many callers',
      {
        ...grant,
        sources: Array.from({ length: 33 }, (_, i) => ({
          cluster: 'cluster-1',
          namespace: `ns-${i}`,
        })),
      },
      /at most 32 caller identities/,
    ],
    ['an unknown method', { ...grant, methods: ['BREW'] }, /methods/],
  ])('refuses %s and writes nothing', async (_, input, message) => {
    await expect(run(input)).rejects.toThrow(message);
    await expect(run(input)).rejects.toMatchObject({ name: 'InputError' });
    expect(written()).toEqual({});
  });
});
