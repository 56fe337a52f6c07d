import type { LiveConfigObject } from '@meshport/backstage-plugin-mesh-common';
import { accessGrant, seedPolicy } from '../__fixtures__/policies';
import { renderRepository } from '../render';
import { toYaml } from '../yaml';
import {
  applied,
  clusterState,
  fleetWith,
  GRANT,
  input,
  policy,
  pr,
  renderedFiles,
  SEED,
  seedRequest,
  status,
  URL,
} from './__fixtures__/lifecycle';
import {
  computePolicyStates,
  createLifecycleCache,
} from './computePolicyStates';
import type { PolicyPullRequestRecord } from './types';

describe('computePolicyStates', () => {
  const files = renderedFiles();

  it('follows a policy from pending to applied, drifted, missing and applied again', () => {
    // 1. merged, nothing applied yet
    const r1 = computePolicyStates(input({ 'cluster-1': [], 'cluster-2': [] }));
    const seed1 = policy(r1, SEED);
    expect(seed1).toMatchObject({
      kind: 'TrafficPolicy',
      namespace: 'bookinfo',
      name: 'reviews-shift',
      repository: URL,
      path: 'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      destinations: ['bookinfo/reviews'],
      owner: 'group:default/team-a',
      state: 'pending',
      onBranch: true,
      request: seedRequest.request,
      pullRequest: seedRequest.pullRequest,
      timings: { requestedToMerged: 90 * 60_000 },
    });
    expect(seed1.clusters.map(c => [c.cluster, c.state])).toEqual([
      ['cluster-1', 'pending'],
    ]);
    expect(seed1.clusters[0].objects.map(o => [o.kind, o.state])).toEqual([
      ['DestinationRule', 'pending'],
      ['VirtualService', 'pending'],
    ]);
    expect(r1.memory[SEED]['cluster-1']).toMatchObject({
      state: 'pending',
      since: '2026-12-01T12:00:00.000Z',
    });

    // 2. the GitOps tool applied the branch
    const live = {
      'cluster-1': applied(files, 'cluster-1'),
      'cluster-2': applied(files, 'cluster-2'),
    };
    const r2 = computePolicyStates(
      input(live, r1.memory, '2026-12-01T12:05:00.000Z'),
    );
    expect(policy(r2, SEED).state).toBe('applied');
    expect(clusterState(r2, SEED, 'cluster-1')).toMatchObject({
      state: 'applied',
      since: '2026-12-01T12:05:00.000Z',
      appliedAt: '2026-12-01T12:05:00.000Z',
    });
    expect(policy(r2, SEED).timings).toEqual({
      requestedToMerged: 90 * 60_000,
      mergedToApplied: 65 * 60_000,
      requestedToApplied: 155 * 60_000,
    });
    expect(policy(r2, GRANT).clusters.map(c => c.state)).toEqual([
      'applied',
      'applied',
    ]);
    expect(r2.orphans).toEqual([]);

    // 3. someone edits the VirtualService's weights by hand
    const edited = structuredClone(live);
    const vs = edited['cluster-1'].find(o => o.kind === 'VirtualService')!;
    const route = (vs.spec.http as any)[0].route;
    route[0].weight = 50;
    route[1].weight = 40;
    const r3 = computePolicyStates(
      input(edited, r2.memory, '2026-12-01T13:00:00.000Z'),
    );
    const c3 = clusterState(r3, SEED, 'cluster-1')!;
    expect(policy(r3, SEED).state).toBe('drifted');
    expect(c3).toMatchObject({
      state: 'drifted',
      since: '2026-12-01T13:00:00.000Z',
      appliedAt: '2026-12-01T12:05:00.000Z',
    });
    expect(c3.objects.find(o => o.kind === 'VirtualService')).toMatchObject({
      state: 'drifted',
      differences: [
        { path: 'spec.http[0].route[0].weight', rendered: 75, live: 50 },
        { path: 'spec.http[0].route[1].weight', rendered: 15, live: 40 },
      ],
    });
    expect(policy(r3, SEED).timings.mergedToApplied).toBeUndefined();

    // 4. …and then deletes both objects
    const deleted = {
      ...live,
      'cluster-1': live['cluster-1'].filter(
        o =>
          !o.metadata.labels?.['meshport.dev/policy']?.startsWith(
            'trafficpolicy',
          ),
      ),
    };
    const r4 = computePolicyStates(
      input(deleted, r3.memory, '2026-12-01T14:00:00.000Z'),
    );
    expect(clusterState(r4, SEED, 'cluster-1')).toMatchObject({
      state: 'missing',
      since: '2026-12-01T14:00:00.000Z',
    });
    expect(policy(r4, SEED).state).toBe('missing');

    // 5. the next apply restores them: applied, first applied at the first apply
    const r5 = computePolicyStates(
      input(live, r4.memory, '2026-12-01T15:00:00.000Z'),
    );
    expect(clusterState(r5, SEED, 'cluster-1')).toMatchObject({
      state: 'applied',
      since: '2026-12-01T15:00:00.000Z',
      appliedAt: '2026-12-01T12:05:00.000Z',
    });
    // the state held: since is kept
    const r6 = computePolicyStates(
      input(live, r5.memory, '2026-12-01T16:00:00.000Z'),
    );
    expect(r6.memory[SEED]['cluster-1'].since).toBe('2026-12-01T15:00:00.000Z');
  });

  it('does not claim when a policy already applied at its first judgement was applied', () => {
    const applyAll = {
      'cluster-1': applied(files, 'cluster-1'),
      'cluster-2': applied(files, 'cluster-2'),
    };
    // a backend started after GitOps applied the policy: applied, but since when is unknown
    const first = computePolicyStates(input(applyAll));
    const seen = policy(first, SEED);
    expect(seen.state).toBe('applied');
    expect(seen.clusters.map(c => c.appliedAt)).toEqual([undefined, undefined]);
    expect(seen.timings.mergedToApplied).toBeUndefined();
    // nor later: the next sync does not stamp it either
    const next = computePolicyStates(
      input(applyAll, first.memory, '2026-12-01T13:00:00.000Z'),
    );
    expect(policy(next, SEED).clusters.map(c => c.appliedAt)).toEqual([
      undefined,
      undefined,
    ]);
    // and it was applied: its objects gone, it is missing, not pending
    const gone = computePolicyStates(
      input(
        { 'cluster-1': [], 'cluster-2': applyAll['cluster-2'] },
        next.memory,
        '2026-12-01T14:00:00.000Z',
      ),
    );
    expect(
      policy(gone, SEED).clusters.find(c => c.cluster === 'cluster-1')?.state,
    ).toBe('missing');
  });

  it('starts a changed rendering over as pending, and keeps a partly applied one pending', () => {
    const live = {
      'cluster-1': applied(files, 'cluster-1'),
      'cluster-2': applied(files, 'cluster-2'),
    };
    const before = computePolicyStates(input(live));
    expect(policy(before, SEED).state).toBe('applied');

    // the policy now also sends traffic from cluster-2: new objects there
    const changed = seedPolicy();
    changed.spec.sources = [{ cluster: 'cluster-1' }, { cluster: 'cluster-2' }];
    const next = renderRepository([changed, accessGrant()], fleetWith());
    const repositories = [
      {
        status: status(),
        branch: { commit: 'def', files: next.files },
        pullRequests: [seedRequest],
      },
    ];
    const after = computePolicyStates(
      input(live, before.memory, '2026-12-01T13:00:00.000Z', repositories),
    );
    expect(clusterState(after, SEED, 'cluster-2')!.state).toBe('pending');
    expect(policy(after, SEED).state).toBe('pending');

    // one of two objects absent: missing at the rendering that was applied, pending at a new one
    const partial = {
      ...live,
      'cluster-1': live['cluster-1'].filter(o => o.kind !== 'VirtualService'),
    };
    const same = computePolicyStates(input(partial, before.memory));
    expect(clusterState(same, SEED, 'cluster-1')!.state).toBe('missing');
    const renewed = structuredClone(before.memory);
    renewed[SEED]['cluster-1'].renderedHash = 'an earlier rendering';
    const changedRendering = computePolicyStates(input(partial, renewed));
    expect(clusterState(changedRendering, SEED, 'cluster-1')).toMatchObject({
      state: 'pending',
      since: '2026-12-01T12:00:00.000Z',
    });
    expect(
      changedRendering.memory[SEED]['cluster-1'].appliedAt,
    ).toBeUndefined();
    // every object gone after a new rendering: the policy was applied, it is missing
    const none = { ...live, 'cluster-1': [] };
    expect(
      clusterState(
        computePolicyStates(input(none, renewed)),
        SEED,
        'cluster-1',
      )!.state,
    ).toBe('missing');
  });

  it('reports an object Istio rejected, with its messages, in any of the forms Istio wrote', () => {
    for (const level of ['ERROR', 3, 'Error']) {
      const live = applied(files, 'cluster-1');
      const vs = live.find(o => o.kind === 'VirtualService')!;
      vs.status = {
        validationMessages: [
          {
            type: { code: 'IST0101', name: 'ReferencedResourceNotFound' },
            level,
            description: 'Referenced host not found: "reviews"',
          },
          { code: 'IST0102', level: 'Warn', message: 'mTLS not enabled' },
        ],
      };
      const r = computePolicyStates(input({ 'cluster-1': live }));
      expect(policy(r, SEED).state).toBe('rejected');
      expect(
        clusterState(r, SEED, 'cluster-1')!.objects.find(
          o => o.kind === 'VirtualService',
        ),
      ).toEqual(
        expect.objectContaining({
          state: 'rejected',
          messages: [
            {
              code: 'IST0101',
              level: 'ERROR',
              description: 'Referenced host not found: "reviews"',
            },
            {
              code: 'IST0102',
              level: 'WARNING',
              description: 'mTLS not enabled',
            },
          ],
        }),
      );
    }
  });

  it('keeps a warning on an applied object without rejecting it', () => {
    const live = applied(files, 'cluster-1');
    live.find(o => o.kind === 'DestinationRule')!.status = {
      validationMessages: [{ level: 8, description: 'a warning' }],
    };
    const r = computePolicyStates(input({ 'cluster-1': live }));
    expect(policy(r, SEED).state).toBe('applied');
  });

  it('judges a stale cluster on its last-known config and says so', () => {
    const fleetInput = input({
      'cluster-1': applied(files, 'cluster-1'),
      'cluster-2': applied(files, 'cluster-2'),
    });
    fleetInput.fleet.clusters[1].sync = {
      state: 'stale',
      lastSuccessAt: '2026-12-01T11:00:00.000Z',
      error: { reason: 'timeout', message: 'timed out' },
    };
    const r = computePolicyStates(fleetInput);
    expect(clusterState(r, GRANT, 'cluster-2')).toMatchObject({
      state: 'applied',
      stale: true,
    });
    expect(clusterState(r, GRANT, 'cluster-1')!.stale).toBeUndefined();
  });

  it('gives a never-synced cluster no state, and keeps what was known of it', () => {
    const known = computePolicyStates(
      input({
        'cluster-1': applied(files, 'cluster-1'),
        'cluster-2': applied(files, 'cluster-2'),
      }),
    );
    const r = computePolicyStates(
      input({ 'cluster-2': applied(files, 'cluster-2') }, known.memory),
    );
    expect(policy(r, GRANT).clusters.map(c => c.cluster)).toEqual([
      'cluster-2',
    ]);
    // the seed renders only for cluster-1, which has no config
    expect(policy(r, SEED)).toMatchObject({ state: 'unknown', clusters: [] });
    expect(r.memory[SEED]['cluster-1']).toEqual(
      known.memory[SEED]['cluster-1'],
    );
  });

  it('judges only the clusters the repository feeds', () => {
    const r = computePolicyStates(
      input({ 'cluster-1': [], 'cluster-2': [] }, {}, undefined, [
        {
          status: status({ clusters: ['cluster-2'] }),
          branch: { files },
          pullRequests: [],
        },
      ]),
    );
    expect(policy(r, GRANT).clusters.map(c => c.cluster)).toEqual([
      'cluster-2',
    ]);
    expect(policy(r, SEED)).toMatchObject({ state: 'unknown', clusters: [] });
    expect(r.memory[SEED]).toEqual({});
  });

  it('lists policies that are only in pull requests', () => {
    const open: PolicyPullRequestRecord = {
      pullRequest: pr({
        number: 9,
        state: 'open',
        createdAt: '2026-12-01T11:30:00.000Z',
        mergedAt: undefined,
      }),
      policies: ['trafficpolicy.bookinfo.ratings-canary'],
      request: { team: 'group:default/team-b' },
      destinations: ['bookinfo/ratings'],
    };
    const closed: PolicyPullRequestRecord = {
      pullRequest: pr({
        number: 8,
        state: 'closed',
        mergedAt: undefined,
        closedAt: '2026-12-01T11:00:00.000Z',
      }),
      policies: ['accesspolicy.shop.cart-reads-prices'],
    };
    const merged: PolicyPullRequestRecord = {
      pullRequest: pr({ number: 10 }),
      policies: ['virtualdestination.shop.prices-global'],
    };
    const r = computePolicyStates(
      input({}, {}, undefined, [
        {
          status: status(),
          branch: { files },
          pullRequests: [open, closed, merged],
        },
      ]),
    );
    expect(policy(r, 'trafficpolicy.bookinfo.ratings-canary')).toEqual({
      ref: 'trafficpolicy.bookinfo.ratings-canary',
      kind: 'TrafficPolicy',
      namespace: 'bookinfo',
      name: 'ratings-canary',
      repository: URL,
      path: '',
      destinations: ['bookinfo/ratings'],
      owner: 'group:default/team-b',
      state: 'requested',
      request: { team: 'group:default/team-b' },
      pullRequest: open.pullRequest,
      onBranch: false,
      clusters: [],
      timings: {},
    });
    expect(policy(r, 'accesspolicy.shop.cart-reads-prices')).toMatchObject({
      state: 'closed',
      destinations: ['shop'],
      onBranch: false,
    });
    expect(policy(r, 'virtualdestination.shop.prices-global')).toMatchObject({
      state: 'pending',
      kind: 'VirtualDestination',
      onBranch: false,
      timings: { requestedToMerged: 60 * 60_000 },
    });
    // sorted by state, then ref; the branch's policies have no cluster config: unknown
    expect(r.policies.map(p => [p.state, p.ref])).toEqual([
      ['pending', 'virtualdestination.shop.prices-global'],
      ['requested', 'trafficpolicy.bookinfo.ratings-canary'],
      ['closed', 'accesspolicy.shop.cart-reads-prices'],
      ['unknown', GRANT],
      ['unknown', SEED],
    ]);
  });

  it('shows the newest pull request and an open change of a policy on the branch', () => {
    const change: PolicyPullRequestRecord = {
      pullRequest: pr({
        number: 12,
        state: 'open',
        createdAt: '2026-12-02T10:00:00.000Z',
        mergedAt: undefined,
      }),
      policies: [SEED],
    };
    const r = computePolicyStates(
      input({ 'cluster-1': applied(files, 'cluster-1') }, {}, undefined, [
        {
          status: status(),
          branch: { files },
          pullRequests: [seedRequest, change],
        },
      ]),
    );
    expect(policy(r, SEED)).toMatchObject({
      state: 'applied',
      pullRequest: { number: 12, state: 'open' },
      request: seedRequest.request,
      timings: { requestedToMerged: 90 * 60_000 },
    });
  });

  it('drops a policy removed from the branch after its merged pull request', () => {
    const before = computePolicyStates(
      input({ 'cluster-1': applied(files, 'cluster-1') }),
    );
    const without = Object.fromEntries(
      Object.entries(files).filter(
        ([p]) =>
          !p.includes('reviews-shift') && !p.includes('meshport-reviews'),
      ),
    );
    const r = computePolicyStates(
      input({ 'cluster-1': [] }, before.memory, undefined, [
        {
          status: status(),
          branch: { files: without },
          pullRequests: [seedRequest],
        },
      ]),
    );
    expect(r.policies.map(p => p.ref)).toEqual([GRANT]);
    expect(r.memory[SEED]).toEqual({});
  });

  it('lists live objects no branch renders as orphans, sorted', () => {
    const live = applied(files, 'cluster-1');
    const stray = structuredClone(live.find(o => o.kind === 'VirtualService')!);
    stray.metadata.name = 'meshport-ratings';
    stray.metadata.labels!['meshport.dev/policy'] =
      'trafficpolicy.bookinfo.ratings-old';
    const unmanaged = structuredClone(stray);
    unmanaged.metadata.name = 'hand-made';
    delete unmanaged.metadata.labels;
    const r = computePolicyStates(
      input({ 'cluster-1': [...live, unmanaged, stray], 'cluster-2': [] }),
    );
    expect(r.orphans).toEqual([
      {
        cluster: 'cluster-1',
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        namespace: 'bookinfo',
        name: 'meshport-ratings',
        policy: 'trafficpolicy.bookinfo.ratings-old',
      },
    ]);
    // a cluster also fed by a repository never read: its objects are not judged orphans
    const unread = computePolicyStates(
      input({ 'cluster-1': [stray] }, {}, undefined, [
        { status: status(), branch: { files }, pullRequests: [] },
        {
          status: status({ url: `${URL}-2`, clusters: ['cluster-1'] }),
          pullRequests: [],
        },
      ]),
    );
    expect(unread.orphans).toEqual([]);
  });

  it('leaves out what it cannot read and reports it, judging the rest', () => {
    const broken = {
      ...files,
      'policies/bookinfo/trafficpolicy-broken.yaml':
        'apiVersion: meshport.dev/v1alpha1\nkind: TrafficPolicy\nmetadata: {name: Broken Name}\n',
      'rendered/cluster-1/bookinfo/bad.yaml': 'kind: [unclosed\n',
      'rendered/cluster-1/bookinfo/unlabelled.yaml': toYaml({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'x', namespace: 'bookinfo' },
        spec: { host: 'x' },
      }),
      'rendered/loose.yaml': 'a: 1\n',
      'README.md': '# not yaml',
    };
    const live = applied(files, 'cluster-1');
    (live.find(o => o.kind === 'VirtualService') as any).spec = 'not an object';
    const r = computePolicyStates(
      input({ 'cluster-1': live }, {}, undefined, [
        { status: status(), branch: { files: broken }, pullRequests: [] },
      ]),
    );
    expect(r.problems!.map(p => [p.path, p.message.split(':')[0]])).toEqual([
      [
        'policies/bookinfo/trafficpolicy-broken.yaml',
        'not a valid policy, skipped',
      ],
      [
        'rendered/cluster-1/bookinfo/bad.yaml',
        expect.stringMatching(/^invalid YAML at line/),
      ],
      [
        'rendered/cluster-1/bookinfo/unlabelled.yaml',
        expect.stringMatching(/names no policy/),
      ],
      ['rendered/loose.yaml', 'a rendered file belongs in rendered/<cluster>/'],
    ]);
    expect(r.problems!.every(p => p.repository === URL)).toBe(true);
    const vs = clusterState(r, SEED, 'cluster-1')!.objects.find(
      o => o.kind === 'VirtualService',
    )!;
    expect(vs.state).toBe('drifted');
    expect(vs.differences!.map(d => d.path)).toEqual([
      'spec.hosts',
      'spec.http',
    ]);
  });

  it('reads two repositories, and a policy claimed by both belongs to the first', () => {
    const second = renderRepository(
      [
        accessGrant(),
        { ...seedPolicy(), metadata: { name: 'other', namespace: 'bookinfo' } },
      ],
      fleetWith(),
    );
    const r = computePolicyStates(
      input({ 'cluster-1': applied(files, 'cluster-1') }, {}, undefined, [
        { status: status(), branch: { files }, pullRequests: [] },
        {
          status: status({ url: `${URL}-2` }),
          branch: { files: second.files },
          pullRequests: [],
        },
      ]),
    );
    expect(r.policies.map(p => [p.ref, p.repository])).toEqual(
      expect.arrayContaining([
        [GRANT, URL],
        [SEED, URL],
        ['trafficpolicy.bookinfo.other', `${URL}-2`],
      ]),
    );
    expect(r.policies).toHaveLength(3);
    expect(r.problems).toEqual([
      {
        repository: `${URL}-2`,
        path: 'policies/bookinfo/reviews/accesspolicy-productpage-reads-reviews.yaml',
        message: `${GRANT} is also defined in ${URL}: a policy lives in one repository; delete it from one of them`,
      },
    ]);
  });

  it('gives the same result with a cache, and reuses parsed files', () => {
    const cache = createLifecycleCache();
    const live = { 'cluster-1': applied(files, 'cluster-1') };
    const plain = computePolicyStates(input(live));
    expect(computePolicyStates(input(live), cache)).toEqual(plain);
    expect(computePolicyStates(input(live), cache)).toEqual(plain);
  });

  it('reads a rendered object named by its label alone, and skips malformed live objects', () => {
    const labelOnly = Object.fromEntries(
      Object.entries(files).map(([path, text]) => [
        path,
        text.replace(/\n {4}meshport\.dev\/policies: [^\n]*/, ''),
      ]),
    );
    expect(Object.values(labelOnly).join('')).not.toContain(
      'meshport.dev/policies',
    );
    const live: LiveConfigObject[] = [
      ...applied(files, 'cluster-1'),
      { kind: 'VirtualService' } as unknown as LiveConfigObject,
      null as unknown as LiveConfigObject,
      { apiVersion: 'v1', metadata: { name: 'x' } } as LiveConfigObject,
    ];
    const r = computePolicyStates(
      input({ 'cluster-1': live }, {}, undefined, [
        { status: status(), branch: { files: labelOnly }, pullRequests: [] },
      ]),
    );
    expect(policy(r, SEED).state).toBe('applied');
    expect(r.problems).toEqual([]);
  });

  it('keeps only well-formed destinations a pull request record gives', () => {
    const r = computePolicyStates(
      input({}, {}, undefined, [
        {
          status: status(),
          pullRequests: [
            {
              pullRequest: pr({ state: 'open', mergedAt: undefined }),
              policies: ['trafficpolicy.shop.a', 'trafficpolicy.shop.b'],
              destinations: ['shop/cart', 'Not A Service', '../x', 'shop/cart'],
            },
          ],
        },
      ]),
    );
    expect(r.policies.map(p => [p.ref, p.destinations])).toEqual([
      ['trafficpolicy.shop.a', ['shop/cart']],
      ['trafficpolicy.shop.b', ['shop/cart']],
    ]);
  });
});
