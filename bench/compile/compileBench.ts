import { performance } from 'node:perf_hooks';
import {
  compile,
  loadSchemaValidator,
  parsePolicy,
  Policy,
  renderRepository,
  TrafficPolicy,
} from '../../plugins/mesh-policy/src';
import { answer, childArgs, peakRssMiB } from '../lib/child';
import { benchPolicies, policyFleet } from './policyFleet';

export interface CompileArgs {
  perKind: number;
  clusters: number;
  services: number;
  runs: number;
}

export interface CompileFigures {
  policies: number;
  clusters: number;
  services: number;
  parseMs: number;
  compileMs: number;
  renderMs: number;
  resources: number;
  files: number;
  errors: number;
  conflicts: number;
  changedFullMs: number;
  changedSliceMs: number;
  changedSlicePolicies: number;
  peakRssMiB: number;
}

function time<T>(f: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = f();
  return { ms: performance.now() - start, value };
}

function best<T>(runs: number, f: () => T): { ms: number; value: T } {
  let result = time(f);
  for (let i = 1; i < runs; i++) {
    const next = time(f);
    if (next.ms < result.ms) result = next;
  }
  return result;
}

/**
 * What the policy repository's CI and the scaffolder action do: validate every policy, compile
 * against the fleet with the Istio CRD schemas, and render the repository's YAML. Then one
 * policy changes, and the repository is rendered again.
 */
async function main() {
  const args = childArgs<CompileArgs>();
  const fleet = policyFleet(args.clusters, args.services);
  const raw = benchPolicies(args.perKind, args.clusters);
  const validateSchema = await loadSchemaValidator();

  const parsed = best(args.runs, () =>
    raw.map(p => {
      const r = parsePolicy(JSON.parse(JSON.stringify(p)));
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.policy;
    }),
  );
  const policies = parsed.value;
  const compiled = best(args.runs, () =>
    compile(policies, fleet, { validateSchema }),
  );
  if (compiled.value.errors.length > 0)
    console.error('compile errors, e.g.', compiled.value.errors.slice(0, 3));
  const rendered = best(args.runs, () =>
    renderRepository(policies, fleet, { validateSchema }),
  );

  // one TrafficPolicy changes its timeout or its weights: the PR re-renders the repository
  const index = policies.findIndex(
    (p, i) => p.kind === 'TrafficPolicy' && i >= policies.length / 2,
  );
  const old = policies[index] as TrafficPolicy;
  const changed: TrafficPolicy = {
    ...old,
    spec: old.spec.route
      ? {
          ...old.spec,
          route: old.spec.route.map((t, i) => ({
            ...t,
            weight: i === 0 ? 70 : 30,
          })),
        }
      : { ...old.spec, timeout: '7s' },
  };
  const after: Policy[] = policies.map((p, i) => (i === index ? changed : p));
  const full = best(args.runs, () =>
    renderRepository(after, fleet, { validateSchema }),
  );

  // what one change touches: the policies about the same destination service
  const dest = changed.spec.destination;
  const slice = after.filter(
    p =>
      p.spec.destination.namespace === dest.namespace &&
      p.spec.destination.service === dest.service,
  );
  const sliced = best(Math.max(args.runs, 5), () =>
    renderRepository(slice, fleet, { validateSchema }),
  );

  const figures: CompileFigures = {
    policies: policies.length,
    clusters: args.clusters,
    services: args.services,
    parseMs: parsed.ms,
    compileMs: compiled.ms,
    renderMs: rendered.ms,
    resources: Object.values(compiled.value.resources).reduce(
      (n, l) => n + l.length,
      0,
    ),
    files: Object.keys(rendered.value.files).length,
    errors: compiled.value.errors.length,
    conflicts: compiled.value.conflicts.length,
    changedFullMs: full.ms,
    changedSliceMs: sliced.ms,
    changedSlicePolicies: slice.length,
    peakRssMiB: peakRssMiB(),
  };
  await answer(figures);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
