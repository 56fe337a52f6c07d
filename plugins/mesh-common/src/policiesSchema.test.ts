import type { z } from 'zod';
import {
  policiesResponseSchema,
  policyClusterStatusSchema,
  policyLifecycleSchema,
  policyObjectStatusSchema,
  policyOrphanSchema,
  policyPullRequestSchema,
  policyRepositoryStatusSchema,
} from './policiesSchema';
import type {
  PoliciesResponse,
  PolicyClusterStatus,
  PolicyLifecycle,
  PolicyObjectStatus,
  PolicyOrphan,
  PolicyPullRequest,
  PolicyRepositoryStatus,
} from './policyLifecycle';

/*
 * The schema and the types of policyLifecycle.ts must describe the same data; these
 * assertions are checked by `yarn tsc`, with the same meaning as in fleetSchema.test.ts:
 * `Accepts<S, T>`: every value of type T passes S. `Fits<S, T>`: what S lets through has, for
 * every field S names, the type T gives it, and S names no field T lacks.
 */
type Accepts<S extends z.ZodType, T> = T extends Declared<z.input<S>>
  ? true
  : false;
type Fits<S extends z.ZodType, T> = [keyof Declared<z.output<S>>] extends [
  keyof T,
]
  ? Declared<z.output<S>> extends Pick<T, keyof Declared<z.output<S>> & keyof T>
    ? true
    : false
  : false;
type Declared<T> = T extends readonly (infer E)[]
  ? Declared<E>[]
  : T extends object
  ? { [K in keyof T as string extends K ? never : K]: Declared<T[K]> }
  : T;

function policy(overrides: Partial<PolicyLifecycle> = {}): PolicyLifecycle {
  return {
    ref: 'trafficpolicy.bookinfo.reviews-canary',
    kind: 'TrafficPolicy',
    namespace: 'bookinfo',
    name: 'reviews-canary',
    repository: 'github.com?owner=acme&repo=mesh-policies',
    path: 'services/bookinfo/reviews/trafficpolicy-reviews-canary.yaml',
    destinations: ['bookinfo/reviews'],
    owner: 'group:default/team-reviews',
    state: 'drifted',
    pullRequest: {
      url: 'https://github.com/acme/mesh-policies/pull/7',
      number: 7,
      title: 'Route reviews: canary',
      state: 'merged',
      reviewers: ['team-reviews'],
      approvedBy: ['alice'],
      createdAt: '2026-01-01T00:00:00Z',
      mergedAt: '2026-01-01T01:00:00Z',
    },
    onBranch: true,
    clusters: [
      {
        cluster: 'west',
        state: 'drifted',
        objects: [
          {
            apiVersion: 'networking.istio.io/v1',
            kind: 'VirtualService',
            namespace: 'bookinfo',
            name: 'reviews',
            path: 'rendered/west/virtualservice-reviews.yaml',
            state: 'drifted',
            differences: [
              { path: 'spec.http[0].route[0].weight', rendered: 90, live: 50 },
            ],
          },
        ],
      },
    ],
    timings: { requestedToMerged: 3_600_000 },
    ...overrides,
  };
}

function response(items: PolicyLifecycle[]): PoliciesResponse {
  return {
    repositories: [
      {
        url: 'github.com?owner=acme&repo=mesh-policies',
        webUrl: 'https://github.com/acme/mesh-policies',
        provider: 'github',
        branch: 'main',
        clusters: ['east', 'west'],
        status: 'ok',
        codeOwners: 'current',
      },
    ],
    items,
    totalCount: items.length,
    counts: { drifted: items.length },
    orphans: [],
  };
}

describe('policiesResponseSchema', () => {
  it('describes the types of policyLifecycle.ts', () => {
    const holds: true[] = [
      true satisfies Accepts<typeof policiesResponseSchema, PoliciesResponse>,
      true satisfies Fits<typeof policiesResponseSchema, PoliciesResponse>,
      true satisfies Accepts<typeof policyLifecycleSchema, PolicyLifecycle>,
      true satisfies Fits<typeof policyLifecycleSchema, PolicyLifecycle>,
      true satisfies Fits<typeof policyPullRequestSchema, PolicyPullRequest>,
      true satisfies Fits<
        typeof policyClusterStatusSchema,
        PolicyClusterStatus
      >,
      true satisfies Fits<typeof policyObjectStatusSchema, PolicyObjectStatus>,
      true satisfies Fits<
        typeof policyRepositoryStatusSchema,
        PolicyRepositoryStatus
      >,
      true satisfies Fits<typeof policyOrphanSchema, PolicyOrphan>,
    ];
    expect(holds.every(Boolean)).toBe(true);
  });

  it('reads a well-formed answer whole', () => {
    const answer = response([policy()]);
    expect(policiesResponseSchema.parse(answer)).toEqual(answer);
  });

  it('reads an answer with no policies and no repositories', () => {
    const answer: PoliciesResponse = {
      repositories: [],
      items: [],
      totalCount: 0,
      counts: {},
      orphans: [],
    };
    expect(policiesResponseSchema.parse(answer)).toEqual(answer);
  });

  it('passes fields a newer backend adds through', () => {
    const answer = { ...response([policy()]), nextCursor: 'abc' };
    expect(policiesResponseSchema.parse(answer)).toMatchObject({
      nextCursor: 'abc',
    });
  });

  it.each([
    ['a state it does not know', { state: 'exploded' }, 'items.0.state'],
    ['an empty ref', { ref: '' }, 'items.0.ref'],
    ['a missing onBranch', { onBranch: undefined }, 'items.0.onBranch'],
    [
      'destinations that are not a list',
      { destinations: 'bookinfo/reviews' },
      'items.0.destinations',
    ],
  ])('refuses %s, naming the field', (_, overrides, path) => {
    const result = policiesResponseSchema.safeParse(
      response([{ ...policy(), ...overrides } as PolicyLifecycle]),
    );
    expect(result.success).toBe(false);
    expect(result.error!.issues.map(i => i.path.join('.'))).toContain(path);
  });

  it('refuses a count under a state it does not know', () => {
    const result = policiesResponseSchema.safeParse({
      ...response([]),
      counts: { exploded: 1 },
    });
    expect(result.success).toBe(false);
  });
});
