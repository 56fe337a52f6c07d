import { Entity } from '@backstage/catalog-model';
import {
  demoPolicies,
  policiesResponse,
  policy,
  REPOSITORY,
  repository,
} from '../__fixtures__/policies';
import { policiesToView, policyKey } from './policiesView';

/** A policy entity as the provider published it and the catalog hands it back. */
function published(ref: string, repo = REPOSITORY): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: ref,
      uid: 'a-uid',
      etag: 'an-etag',
      annotations: {
        'meshport.dev/policy': ref,
        'meshport.dev/policy-repository': repo,
      },
    },
    spec: { type: 'mesh-policy', owner: 'group:default/team-reviews' },
  };
}

const keys = (view: ReturnType<typeof policiesToView>) => ({
  current: view.current.map(c => c.policy.ref),
  retained: view.retained.map(r => r.entity.metadata.name),
});

describe('policiesToView', () => {
  it('publishes the policies on the branch or in an open pull request, not a closed one', () => {
    const closed = policy('bookinfo/reviews-abandoned', {
      state: 'closed',
      onBranch: false,
      states: {},
      pullRequest: { ...policy('x/y').pullRequest!, state: 'closed' },
    });
    const removed = policy('bookinfo/reviews-removed', {
      onBranch: false,
      states: {},
    });
    const view = policiesToView(
      {
        status: 'ok',
        response: policiesResponse([...demoPolicies(), closed, removed]),
      },
      [],
    );
    expect(keys(view)).toEqual({
      current: [
        'accesspolicy.shop.cart-callers',
        'trafficpolicy.bookinfo.ratings-timeout',
        'trafficpolicy.bookinfo.reviews-canary',
        'trafficpolicy.bookinfo.reviews-retries',
      ],
      retained: [],
    });
    expect(view.current.every(c => c.staleReasons.length === 0)).toBe(true);
    expect(view.current[0].repository?.webUrl).toBe(
      'https://github.com/acme/mesh-policies',
    );
  });

  it('removes a policy a readable repository no longer holds, or whose pull request closed', () => {
    const view = policiesToView(
      {
        status: 'ok',
        response: policiesResponse([
          policy('bookinfo/reviews-canary', {
            state: 'closed',
            onBranch: false,
            pullRequest: { ...policy('x/y').pullRequest!, state: 'closed' },
          }),
        ]),
      },
      [
        published('trafficpolicy.bookinfo.reviews-retries'),
        published('trafficpolicy.bookinfo.reviews-canary'),
      ],
    );
    expect(keys(view)).toEqual({ current: [], retained: [] });
  });

  it('keeps every policy entity when the mesh backend did not answer', () => {
    const view = policiesToView({ status: 'unavailable' }, [
      published('trafficpolicy.bookinfo.reviews-retries'),
      published('accesspolicy.shop.cart-callers', 'gitlab.com?owner=b&repo=c'),
      // not a policy entity of this provider: the cluster Resource
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: 'east', annotations: {} },
        spec: { type: 'kubernetes-cluster' },
      },
    ]);
    expect(keys(view)).toEqual({
      current: [],
      // by repository, then ref
      retained: [
        'trafficpolicy.bookinfo.reviews-retries',
        'accesspolicy.shop.cart-callers',
      ],
    });
    expect(view.retained[0].reason).toBe(
      'the mesh backend did not answer for policies: the state is the last one read',
    );
  });

  it('keeps the entities of a repository that could not be read, and says why', () => {
    const gitlab = 'gitlab.example?owner=platform&repo=policies';
    const view = policiesToView(
      {
        status: 'ok',
        response: policiesResponse(
          [policy('bookinfo/reviews-retries')],
          [
            repository(),
            repository({
              url: gitlab,
              webUrl: 'https://gitlab.example/platform/policies',
              provider: 'gitlab',
              status: 'unauthorized',
              lastSyncAt: undefined,
            }),
          ],
        ),
      },
      [
        published('trafficpolicy.bookinfo.reviews-retries'),
        // gone from the readable repository: removed
        published('trafficpolicy.bookinfo.reviews-old'),
        // in the repository whose token was revoked: kept
        published('accesspolicy.shop.cart-callers', gitlab),
        // in a repository no longer configured: removed
        published('accesspolicy.shop.cart-old', 'github.com?owner=x&repo=y'),
      ],
    );
    expect(keys(view)).toEqual({
      current: ['trafficpolicy.bookinfo.reviews-retries'],
      retained: ['accesspolicy.shop.cart-callers'],
    });
    expect(view.retained[0].reason).toBe(
      'policy repository https://gitlab.example/platform/policies could not be read (unauthorized; never read since the mesh backend started)',
    );
  });

  it('marks the last known states of an unreadable repository, or of unreachable clusters, as stale', () => {
    const view = policiesToView(
      {
        status: 'ok',
        response: policiesResponse(
          [
            policy('bookinfo/reviews-retries'),
            policy('bookinfo/ratings-timeout', {
              repository: 'gitlab.example?owner=p&repo=q',
              clusters: [
                { cluster: 'west', state: 'applied', stale: true, objects: [] },
                { cluster: 'east', state: 'applied', stale: true, objects: [] },
              ],
            }),
          ],
          [
            repository({ status: 'rate-limited' }),
            repository({
              url: 'gitlab.example?owner=p&repo=q',
              webUrl: 'https://gitlab.example/p/q',
            }),
          ],
        ),
      },
      [],
    );
    expect(
      Object.fromEntries(view.current.map(c => [c.policy.ref, c.staleReasons])),
    ).toEqual({
      'trafficpolicy.bookinfo.reviews-retries': [
        'policy repository https://github.com/acme/mesh-policies could not be read (rate-limited; states from 2026-01-01T00:05:00Z)',
      ],
      'trafficpolicy.bookinfo.ratings-timeout': [
        'clusters west, east unreachable: states judged on the last-known config',
      ],
    });
  });

  it('tells the same ref in two repositories apart, and publishes a duplicate item once', () => {
    const other = 'gitlab.example?owner=p&repo=q';
    const first = policy('bookinfo/reviews-retries', {
      owner: 'group:default/a',
    });
    const view = policiesToView(
      {
        status: 'ok',
        response: policiesResponse(
          [
            first,
            { ...first, owner: 'group:default/second-claimant' },
            { ...first, repository: other },
          ],
          [repository(), repository({ url: other })],
        ),
      },
      [],
    );
    expect(view.current.map(c => c.key)).toEqual(
      [policyKey(REPOSITORY, first.ref), policyKey(other, first.ref)].sort(),
    );
    expect(
      view.current.find(c => c.policy.repository === REPOSITORY)!.policy.owner,
    ).toBe('group:default/a');
  });

  it('publishes nothing, and keeps nothing, when there are no policies by design', () => {
    expect(
      policiesToView({ status: 'none' }, [
        published('trafficpolicy.bookinfo.reviews-retries'),
      ]),
    ).toEqual({ current: [], retained: [] });
  });
});
