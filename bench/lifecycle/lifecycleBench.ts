import type { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  Fleet,
  LiveConfigObject,
} from '@meshport/backstage-plugin-mesh-common';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import {
  compile,
  parsePolicy,
  renderRepository,
  type BranchSnapshot,
} from '@meshport/backstage-plugin-mesh-policy';
import knexFactory from 'knex';
import { performance } from 'node:perf_hooks';
import { PolicyLifecycleStore } from '../../plugins/mesh-backend/src/policies/PolicyLifecycleStore';
import { PolicyLifecycleSync } from '../../plugins/mesh-backend/src/policies/PolicyLifecycleSync';
import { policyStatesComputation } from '../../plugins/mesh-backend/src/policies/policyStatesComputation';
import type { PolicyRepositoryScm } from '../../plugins/mesh-backend/src/policies/scm/PolicyRepositoryScm';
import type { FleetStore } from '../../plugins/mesh-backend/src/store/FleetStore';
import { benchPolicies, policyFleet } from '../compile/policyFleet';
import { answer, childArgs, peakRssMiB } from '../lib/child';
import { median } from '../lib/stats';

export interface LifecycleArgs {
  perKind: number;
  clusters: number;
  services: number;
  runs: number;
}

export interface LifecycleFigures {
  policies: number;
  clusters: number;
  /** Files on the branch (policies/ and rendered/). */
  files: number;
  /** Live mesh config objects in the fleet, every cluster together. */
  liveObjects: number;
  /** Floor: one sync of the repository (the branch read from memory and stored in SQLite), median. */
  syncMs: number;
  /** The first computation of a process: every branch file parsed, median. */
  coldMs: number;
  /** The states after the next sync, a commit changing one rendered file (warm), median. */
  afterCommitMs: number;
  /** The states for a new fleet version with one live object edited by hand (warm), median. */
  afterDiscoveryMs: number;
  /** Of `afterCommitMs` and `afterDiscoveryMs`, mesh-policy's `computePolicyStates` alone. */
  computeAfterCommitMs: number;
  computeAfterDiscoveryMs: number;
  /** What the computation found, as a check that it judged what it was given. */
  applied: number;
  drifted: number;
  peakRssMiB: number;
}

const REPOSITORY: PolicyRepositoryConfig = {
  url: 'github.com?owner=acme&repo=mesh-policies',
  host: 'github.com',
  owner: 'acme',
  repo: 'mesh-policies',
  provider: 'github',
  branch: 'main',
  webUrl: 'https://github.com/acme/mesh-policies',
};

/** What a cluster holds once GitOps applied the branch: each rendered object as served. */
function appliedFleet(fleet: Fleet, resources: Record<string, unknown[]>) {
  return {
    ...fleet,
    clusters: fleet.clusters.map(c => ({
      ...c,
      config: (resources[c.name] ?? []).map(
        r => JSON.parse(JSON.stringify(r)) as LiveConfigObject,
      ),
    })),
  };
}

/** The fleet after a discovery pass that found one object of one cluster edited by hand. */
function withOneEdit(fleet: Fleet, run: number): Fleet {
  const [first, ...rest] = fleet.clusters;
  const config = [...(first.config ?? [])];
  const index = config.findIndex(o => o.kind === 'VirtualService');
  config[index] = {
    ...config[index],
    spec: { ...config[index].spec, exportTo: [`edit-${run}`] },
  };
  return { ...fleet, clusters: [{ ...first, config }, ...rest] };
}

/** Warnings and errors on stderr (a bench run should have none), the rest dropped. */
const logger: LoggerService = {
  error: message => console.error(message),
  warn: message => console.error(message),
  info: () => {},
  debug: () => {},
  child: () => logger,
};

async function main() {
  const args = childArgs<LifecycleArgs>();
  const baseFleet = policyFleet(args.clusters, args.services);
  const policies = benchPolicies(args.perKind, args.clusters).map(p => {
    const r = parsePolicy(JSON.parse(JSON.stringify(p)));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.policy;
  });
  const { files } = renderRepository(policies, baseFleet);
  const applied0: Fleet = appliedFleet(
    baseFleet,
    compile(policies, baseFleet).resources,
  );
  let fleet = applied0;
  const liveObjects = applied0.clusters.reduce(
    (n, c) => n + (c.config?.length ?? 0),
    0,
  );

  const syncs: number[] = [];
  const cold: number[] = [];
  const afterCommit: number[] = [];
  const afterDiscovery: number[] = [];
  const pureAfterCommit: number[] = [];
  const pureAfterDiscovery: number[] = [];
  let computeMs = 0;
  let applied = 0;
  let drifted = 0;
  const touched = Object.keys(files).find(f => f.startsWith('rendered/'))!;
  for (let run = 0; run < args.runs; run++) {
    fleet = applied0;
    // each run a fresh database and computation, as a backend starting up has
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    const store = await PolicyLifecycleStore.create(
      mockServices.database({ knex }),
    );
    const computation = policyStatesComputation();
    let branch: BranchSnapshot = { commit: `c${run}`, files };
    const scm: PolicyRepositoryScm = {
      readBranch: async () => ({
        snapshot: branch,
        etag: `"${branch.commit}"`,
      }),
      listPullRequests: async () => [],
    };
    const sync = new PolicyLifecycleSync({
      repositories: [REPOSITORY],
      scm,
      store,
      fleetStore: { getFleet: async () => fleet } as FleetStore,
      // the production computation, timed: the rest of `current()` is the sync's own work
      compute: input => {
        const t0 = performance.now();
        const result = computation(input);
        computeMs = performance.now() - t0;
        return result;
      },
      logger,
    });

    await sync.syncRepositories();
    let t = performance.now();
    const first = await sync.current();
    cold.push(performance.now() - t);
    applied = first.result.policies.filter(p => p.state === 'applied').length;

    // a merge that changes one rendered file (a comment: the same objects, a new text)
    branch = {
      commit: `c${run}-next`,
      files: { ...files, [touched]: `# touched ${run}\n${files[touched]}` },
    };
    t = performance.now();
    await sync.syncRepositories();
    syncs.push(performance.now() - t);
    t = performance.now();
    await sync.current();
    afterCommit.push(performance.now() - t);
    pureAfterCommit.push(computeMs);

    fleet = withOneEdit(applied0, run);
    t = performance.now();
    const next = await sync.current();
    afterDiscovery.push(performance.now() - t);
    pureAfterDiscovery.push(computeMs);
    drifted = next.result.policies.filter(p => p.state === 'drifted').length;
    await knex.destroy();
  }

  const figures: LifecycleFigures = {
    policies: policies.length,
    clusters: args.clusters,
    files: Object.keys(files).length,
    liveObjects,
    syncMs: median(syncs),
    coldMs: median(cold),
    afterCommitMs: median(afterCommit),
    computeAfterCommitMs: median(pureAfterCommit),
    computeAfterDiscoveryMs: median(pureAfterDiscovery),
    afterDiscoveryMs: median(afterDiscovery),
    applied,
    drifted,
    peakRssMiB: peakRssMiB(),
  };
  await answer(figures);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
