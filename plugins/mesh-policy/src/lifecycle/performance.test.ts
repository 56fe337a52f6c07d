import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { CLUSTERS, POLICIES, scaleRepository } from './__fixtures__/scale';
import {
  computePolicyStates,
  createLifecycleCache,
} from './computePolicyStates';
import type { LifecycleInput } from './types';

describe('computePolicyStates at scale', () => {
  it('judges 3,000 policies over 20 clusters', () => {
    const { files, fleet } = scaleRepository();
    const input = (commit: string, f: Fleet = fleet): LifecycleInput => ({
      repositories: [
        {
          status: {
            url: 'https://github.com?owner=acme&repo=mesh-policies',
            webUrl: 'https://github.com/acme/mesh-policies',
            provider: 'github',
            branch: 'main',
            clusters: [],
            status: 'ok',
            codeOwners: 'current',
          },
          branch: { commit, files: { ...files } },
          pullRequests: [],
        },
      ],
      fleet: f,
      memory: {},
      now: '2026-12-01T12:00:00.000Z',
    });
    const cache = createLifecycleCache();
    // Wall and CPU time: on a shared machine the CPU time says more.
    const timed = (what: string, run: () => unknown) => {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const out = run();
      const used = process.cpuUsage(cpu);
      // eslint-disable-next-line no-console
      console.log(
        `${what}: ${(performance.now() - start).toFixed(0)} ms wall, ${(
          (used.user + used.system) /
          1000
        ).toFixed(0)} ms CPU`,
      );
      return out as ReturnType<typeof computePolicyStates>;
    };
    const cold = timed('first computation (parses every file)', () =>
      computePolicyStates(input('a'), cache),
    );
    expect(cold.policies).toHaveLength(POLICIES);
    expect(cold.policies.every(p => p.state === 'applied')).toBe(true);
    expect(cold.policies[0].clusters).toHaveLength(CLUSTERS);

    // the next sync: a new fleet (every live object new), the same commit
    const next = structuredClone(fleet);
    const edited = next.clusters[3].config!.find(
      o => o.kind === 'VirtualService',
    )!;
    (edited.spec.http as any)[0].route[0].weight = 50;
    const warm = timed('after a sync, same commit', () =>
      computePolicyStates({ ...input('a', next), memory: cold.memory }, cache),
    );
    expect(warm.policies[0].state).toBe('drifted');
    expect(warm.policies.slice(1).every(p => p.state === 'applied')).toBe(true);

    // a new commit changing nothing the computation reads: files are reused by text
    const commit = timed('after a sync, new commit', () =>
      computePolicyStates({ ...input('b', next), memory: warm.memory }, cache),
    );
    expect(commit.policies[0].state).toBe('drifted');
  }, 180_000);
});
