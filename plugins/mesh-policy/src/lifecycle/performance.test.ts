import type {
  Fleet,
  LiveConfigObject,
} from '@meshport/backstage-plugin-mesh-common';
import { renderedSpecHash } from '../specHash';
import { toYaml } from '../yaml';
import {
  computePolicyStates,
  createLifecycleCache,
} from './computePolicyStates';
import type { LifecycleInput } from './types';

const POLICIES = 3000;
const CLUSTERS = 20;

/**
 * A repository of 3,000 traffic policies, each rendered for 20 clusters as a VirtualService and
 * a DestinationRule (the compiler's shape and stamps, written directly: compiling 3,000
 * policies is the compiler's benchmark, not this one), and a fleet that applied all of it.
 */
function generate(): { files: Record<string, string>; fleet: Fleet } {
  const files: Record<string, string> = {};
  const config = new Map<string, LiveConfigObject[]>();
  const clusters = Array.from({ length: CLUSTERS }, (_, i) => `cluster-${i}`);
  for (const c of clusters) config.set(c, []);
  for (let i = 0; i < POLICIES; i++) {
    const namespace = `team-${i % 60}`;
    const service = `svc-${i}`;
    const ref = `trafficpolicy.${namespace}.route-${i}`;
    const host = `${service}.${namespace}.svc.cluster.local`;
    files[`policies/${namespace}/${service}/trafficpolicy-route-${i}.yaml`] =
      toYaml({
        apiVersion: 'meshport.dev/v1alpha1',
        kind: 'TrafficPolicy',
        metadata: { name: `route-${i}`, namespace },
        spec: {
          destination: { service, namespace },
          route: [
            { cluster: 'cluster-0', subset: { version: 'v1' }, weight: 90 },
            { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
          ],
        },
      });
    const specs = {
      VirtualService: {
        hosts: [host],
        http: [
          {
            name: ref,
            route: [
              { destination: { host, subset: 'cluster-0-v1' }, weight: 90 },
              { destination: { host, subset: 'cluster-1-v2' }, weight: 10 },
            ],
          },
        ],
      },
      DestinationRule: {
        host,
        subsets: [
          { name: 'cluster-0-v1', labels: { version: 'v1' } },
          { name: 'cluster-1-v2', labels: { version: 'v2' } },
        ],
      },
    };
    for (const [kind, spec] of Object.entries(specs)) {
      const object = {
        apiVersion: 'networking.istio.io/v1',
        kind,
        metadata: {
          name: `meshport-${service}`,
          namespace,
          labels: {
            'app.kubernetes.io/managed-by': 'meshport',
            'meshport.dev/policy': ref,
          },
          annotations: {
            'meshport.dev/policies': ref,
            'meshport.dev/spec-hash': renderedSpecHash(spec, {
              apiVersion: 'networking.istio.io/v1',
              kind,
            }),
          },
        },
        spec,
      };
      const text = toYaml(object);
      for (const c of clusters) {
        files[
          `rendered/${c}/${namespace}/${service}/${kind.toLowerCase()}-meshport-${service}.yaml`
        ] = text;
        config.get(c)!.push(structuredClone(object));
      }
    }
  }
  return {
    files,
    fleet: {
      generatedAt: '2026-12-01T12:00:00.000Z',
      clusters: clusters.map(name => ({
        name,
        sync: { state: 'ok' },
        regions: [],
        zones: [],
        controlPlanes: [],
        eastWestGateways: [],
        config: config.get(name),
      })),
      meshes: [],
      services: [],
      links: [],
    },
  };
}

describe('computePolicyStates at scale', () => {
  it('judges 3,000 policies over 20 clusters', () => {
    const { files, fleet } = generate();
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
    const timed = (what: string, run: () => unknown) => {
      const start = performance.now();
      const out = run();
      // eslint-disable-next-line no-console
      console.log(`${what}: ${(performance.now() - start).toFixed(0)} ms`);
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
