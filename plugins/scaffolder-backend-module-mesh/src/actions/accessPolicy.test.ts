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
  ) {
    const ctx = createMockActionContext<Input>({
      // Deliberately loose: the handler must refuse what the schema would.
      input: input as Input,
      workspacePath: workspace.path,
      isDryRun,
    });
    await createAccessPolicyAction(deps).handler(ctx);
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
  }
  const written = () => readTree(path.join(workspace.path, 'pull-request'));

  it('writes the grant and an AuthorizationPolicy per serving cluster, for anyone, reviewed by the owners', async () => {
    // Anyone may ask for access: a permission policy denying routes does not matter here.
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async () => [{ result: AuthorizeResult.DENY }]),
    });
    const outputs = await run(grant, testDeps({ permissions }));
    expect(permissions.authorize).not.toHaveBeenCalled();
    expect(Object.keys(written())).toEqual([
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
    // reviews has no AuthorizationPolicy in the fleet yet: the reviewer is told what the
    // first ALLOW grant does to every other caller; warnings of merged policies are not repeated
    const warnings = (outputs.description as string)
      .split('\n')
      .filter(l => l.includes('denies every caller it does not name'));
    expect(warnings).toEqual([
      expect.stringContaining(
        'accesspolicy.bookinfo.bookinfo-reviews-cluster-2-to-reviews:spec: no AuthorizationPolicy selects reviews.bookinfo in cluster-1 yet',
      ),
      expect.stringContaining(
        'accesspolicy.bookinfo.bookinfo-reviews-cluster-2-to-reviews:spec: no AuthorizationPolicy selects reviews.bookinfo in cluster-2 yet',
      ),
    ]);
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
