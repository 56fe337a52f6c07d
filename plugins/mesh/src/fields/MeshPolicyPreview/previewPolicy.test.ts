import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import {
  createCompileMemo,
  toYaml,
} from '@meshport/backstage-plugin-mesh-policy';
// The sample policy repository's rendered files, written by the mesh-policy CLI from
// examples/policy-repo/policies; they belong to no package, hence the imports from outside.
// Jest's YAML transform hands over the parsed documents.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import seedDestinationRule from '../../../../../examples/policy-repo/rendered/cluster-1/bookinfo/reviews/destinationrule-meshport-reviews.yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import seedVirtualService from '../../../../../examples/policy-repo/rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml';
import { demoFleet } from '../../__testUtils__/demoFleet';
import { PolicyPreview, previewPolicy } from './previewPolicy';
import { seedRouteForm } from '../../__testUtils__/templateForms';

/** The seed route with its third target's weight changed, as the split editor stores it. */
const withThirdWeight = (weight: unknown) => ({
  ...seedRouteForm,
  route: seedRouteForm.route.map((row, i) =>
    i === 2 ? { ...row, weight } : row,
  ),
});

function compiled(preview: PolicyPreview) {
  if (preview.state !== 'compiled') {
    throw new Error(
      `expected a compiled preview, got ${JSON.stringify(preview)}`,
    );
  }
  return preview;
}

const paths = (preview: PolicyPreview) =>
  Object.fromEntries(
    compiled(preview).clusters.map(c => [c.cluster, c.files.map(f => f.path)]),
  );

describe('previewPolicy', () => {
  const fleet = demoFleet();

  it('renders the seed route where the action renders it, under the name it derives', () => {
    const preview = compiled(
      previewPolicy('TrafficPolicy', seedRouteForm, fleet),
    );
    expect(preview.problems).toEqual([]);
    // The same files as the action's golden pull request
    // (scaffolder-backend-module-mesh/src/__fixtures__/golden/seed-route).
    expect(preview.policy.path).toBe(
      'policies/bookinfo/reviews/trafficpolicy-reviews-from-cluster-1.yaml',
    );
    expect(paths(preview)).toEqual({
      'cluster-1': [
        'rendered/cluster-1/bookinfo/reviews/destinationrule-meshport-reviews.yaml',
        'rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml',
      ],
      'cluster-2': [
        'rendered/cluster-2/bookinfo/reviews/destinationrule-meshport-reviews.yaml',
      ],
      'cluster-3': [],
      'cluster-4': [],
    });
    expect(preview.policy.yaml).toContain('name: reviews-from-cluster-1');
  });

  it('previews the same through the form memo as without it, edit after edit', () => {
    const memo = createCompileMemo();
    const edits = [
      seedRouteForm,
      withThirdWeight(5),
      withThirdWeight('x'),
      seedRouteForm,
      { ...seedRouteForm, name: 'other-name' },
    ];
    for (const form of edits) {
      expect(previewPolicy('TrafficPolicy', form, fleet, memo)).toEqual(
        previewPolicy('TrafficPolicy', form, fleet),
      );
    }
    // back to a form compiled before: nothing to compile again
    previewPolicy('TrafficPolicy', seedRouteForm, fleet, memo);
    previewPolicy('TrafficPolicy', seedRouteForm, fleet, memo);
    expect(memo.stats.recompiledUnits).toBe(0);
  });

  it('writes the bytes the policy repository holds for the same policy', () => {
    const preview = compiled(
      previewPolicy(
        'TrafficPolicy',
        {
          ...seedRouteForm,
          name: 'reviews-shift',
          timeout: '5s',
          retries: {
            attempts: 2,
            perTryTimeout: '2s',
            retryOn: ['5xx', 'connect-failure'],
          },
        },
        fleet,
      ),
    );
    const [destinationRule, virtualService] = preview.clusters[0].files;
    expect(virtualService.yaml).toBe(toYaml(seedVirtualService));
    expect(destinationRule.yaml).toBe(toYaml(seedDestinationRule));
  });

  it('says, in the words of the form, that the weights must add up to 100', () => {
    expect(previewPolicy('TrafficPolicy', withThirdWeight(5), fleet)).toEqual({
      state: 'invalid',
      problems: [
        'Targets and weights: weights add up to 95, they must add up to 100',
      ],
    });
  });

  it('names the form row even when an earlier row was left empty', () => {
    const preview = previewPolicy(
      'TrafficPolicy',
      {
        service: 'bookinfo/reviews',
        target2: { cluster: 'cluster-1', subset: { version: 'v1' } },
      },
      fleet,
    );
    expect(preview).toEqual({
      state: 'invalid',
      problems: [expect.stringMatching(/^Weight 2: /)],
    });
  });

  it('explains what the fleet refuses: a subset a cluster does not run', () => {
    const preview = compiled(
      previewPolicy(
        'TrafficPolicy',
        {
          service: 'bookinfo/reviews',
          sourceCluster: 'cluster-1',
          target1: { cluster: 'cluster-1', subset: { version: 'v3' } },
          weight1: 100,
        },
        fleet,
      ),
    );
    expect(preview.problems.join('\n')).toMatch(
      /unknown subset version=v3 of reviews\.bookinfo in cluster-1/,
    );
  });

  it('renders an access grant to every cluster serving the service, as the action names it', () => {
    const preview = previewPolicy(
      'AccessPolicy',
      {
        service: 'bookinfo/reviews',
        source1: {
          cluster: 'cluster-2',
          namespace: 'bookinfo',
          serviceAccount: 'bookinfo-reviews',
        },
        methods: ['GET'],
        paths: ['/reviews/*'],
      },
      fleet,
    );
    expect(compiled(preview).policy.path).toBe(
      'policies/bookinfo/reviews/accesspolicy-bookinfo-reviews-cluster-2-to-reviews.yaml',
    );
    expect(paths(preview)).toMatchObject({
      'cluster-1': [
        'rendered/cluster-1/bookinfo/reviews/authorizationpolicy-meshport-bookinfo-bookinfo-reviews-cluster-2-to-reviews.yaml',
      ],
      'cluster-2': [
        'rendered/cluster-2/bookinfo/reviews/authorizationpolicy-meshport-bookinfo-bookinfo-reviews-cluster-2-to-reviews.yaml',
      ],
    });
  });

  it('says what to fill in first, and which service the fleet lacks', () => {
    expect(previewPolicy('TrafficPolicy', {}, fleet).state).toBe('incomplete');
    expect(
      previewPolicy('AccessPolicy', { service: 'bookinfo/reviews' }, fleet),
    ).toEqual({
      state: 'incomplete',
      message: expect.stringMatching(/at least one caller/),
    });
    expect(
      previewPolicy(
        'TrafficPolicy',
        { ...seedRouteForm, service: 'bookinfo/nope' },
        fleet,
      ),
    ).toEqual({
      state: 'invalid',
      problems: [
        expect.stringMatching(
          /^Service: no service bookinfo\/nope in any cluster/,
        ),
      ],
    });
  });

  it('reports a compiler failure instead of throwing', () => {
    expect(
      previewPolicy('TrafficPolicy', seedRouteForm, {} as Fleet).state,
    ).toBe('failed');
  });
});
