import { ANNOTATION_ORIGIN_LOCATION, Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  compile,
  loadSchemaValidator,
  parsePolicy,
  Policy,
  renderRepository,
  SchemaValidator,
  TrafficPolicy,
  fleetTopology,
  verifyCompiled,
} from '@meshport/backstage-plugin-mesh-policy';
import {
  createRenderPolicyAction,
  PolicyRenderers,
} from '@meshport/backstage-plugin-scaffolder-backend-module-mesh';
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
  /** The verification compile runs, timed alone on the same output. */
  verifyMs: number;
  verified: number;
  refused: number;
  renderMs: number;
  resources: number;
  files: number;
  errors: number;
  conflicts: number;
  /** One request's PR files through the action's handler, warm: median of the runs. */
  actionMs: number;
  /** The first request, which fills the warm renderer (reads, parses, compiles everything). */
  actionFirstMs: number;
  /** Files the request wrote for its pull request, and what its render computed again. */
  actionFiles: number;
  actionUnits: number;
  actionObjects: number;
  /**
   * The two renders the action makes through its warm memo (the repository, the repository +
   * the request), replayed alone with the same renderer (median), and the rest of the action:
   * reading policies/, the difference and the rendered files it names, checks, summary, writing.
   */
  warmRenderMs: number;
  restOfActionMs: number;
  peakRssMiB: number;
}

function time<T>(f: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = f();
  return { ms: performance.now() - start, value };
}

async function timeAsync<T>(
  f: () => Promise<T>,
): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await f();
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

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * A request for a service no policy is about yet: shift its traffic between two clusters it
 * runs in, as the request-mesh-route template asks.
 */
function routeRequest(fleet: Fleet, index: number): TrafficPolicy {
  const service = fleet.services[fleet.services.length - 1 - index];
  const [a, b] = service.instances.map(i => i.cluster);
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name: `${service.name}-shift`, namespace: service.namespace },
    spec: {
      destination: {
        service: service.name,
        namespace: service.namespace,
        port: 8080,
      },
      route: [
        { cluster: a, weight: 90 },
        { cluster: b, weight: 10 },
      ],
    },
  };
}

/** The catalog as the Meshport catalog module fills it: one Component per service, its Group. */
function benchCatalog(fleet: Fleet): CatalogService {
  const component = (service: string): Entity => {
    const [namespace, name] = service.split('/');
    const owner =
      fleet.services.find(s => s.namespace === namespace && s.name === name)
        ?.owner ?? `group:default/${namespace}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `${name}.${namespace}`,
        namespace: 'default',
        annotations: {
          'meshport.dev/service': service,
          // what mesh-common's isPublishedByMeshport recognises
          [ANNOTATION_ORIGIN_LOCATION]: 'meshport-provider:bench',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner },
    };
  };
  const catalog: Pick<CatalogService, 'getEntities' | 'getEntityByRef'> = {
    async getEntities(request) {
      const filter = request?.filter as Record<string, string>;
      return {
        items: [component(filter['metadata.annotations.meshport.dev/service'])],
      };
    },
    async getEntityByRef(ref) {
      const name = String(ref).split('/').pop()!;
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: {
          name,
          namespace: 'default',
          annotations: { 'github.com/team-slug': `acme/${name}` },
        },
        spec: { type: 'team', children: [] },
      };
    },
  };
  // The two calls the action makes; the rest of the service is never reached.
  return catalog as CatalogService;
}

/** The repository as fetch:plain leaves it in a task workspace: every file under policy-repo/. */
function writeWorkspace(files: Record<string, string>): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-action-'));
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(workspace, 'policy-repo', file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return workspace;
}

/**
 * The scaffolder action's own path: `meshport:policy:render` (the handler the route and access
 * actions share) on a workspace holding a policy repository of every bench policy and its
 * rendered files, as fetch:plain leaves it. The deps are the module's: one warm renderer for the
 * repository, kept between requests. The first request fills it; each later one asks for a new
 * route on another service, into a fresh output folder, and is timed from handler call to the
 * last file written.
 */
async function actionPath(
  fleet: Fleet,
  policies: Policy[],
  workspace: string,
  validateSchema: SchemaValidator,
  runs: number,
) {
  try {
    const renderers = new PolicyRenderers(2);
    const action = createRenderPolicyAction({
      fleet: { getFleet: async () => fleet },
      catalog: benchCatalog(fleet),
      schemaValidator: async () => validateSchema,
      renderers,
    });
    const request = async (index: number) => {
      const outputs: Record<string, unknown> = {};
      const ctx = {
        input: {
          policy: routeRequest(fleet, index),
          repositoryPath: 'policy-repo',
          outputPath: `pull-request-${index}`,
        },
        workspacePath: workspace,
        isDryRun: false,
        logger: { info: () => {} },
        getInitiatorCredentials: async () => ({
          $$type: '@backstage/BackstageCredentials',
          principal: { type: 'user', userEntityRef: 'user:default/bench' },
        }),
        output: (key: string, value: unknown) => {
          outputs[key] = value;
        },
      };
      // The members of ActionContext the handler reads; the scaffolder builds the rest.
      const run = await timeAsync(() =>
        action.handler(ctx as unknown as Parameters<typeof action.handler>[0]),
      );
      return { ms: run.ms, files: (outputs.files as string[]).length };
    };
    const first = await request(0);
    const warm: number[] = [];
    let written = 0;
    for (let i = 1; i <= runs; i++) {
      const r = await request(i);
      warm.push(r.ms);
      written = r.files;
    }
    // Read before the replay below compiles through the same memo.
    const stats = { ...renderers.forRepository().memo.stats };
    const renderMs = replayRenders(
      fleet,
      policies,
      validateSchema,
      renderers,
      runs,
    );
    return {
      renderMs,
      firstMs: first.ms,
      ms: median(warm),
      files: written,
      units: stats.recompiledUnits,
      objects: stats.recomputedObjects,
    };
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

/**
 * The two renders one request makes, replayed through the same warm renderer: what the memo
 * costs a request, apart from reading and writing the workspace.
 */
function replayRenders(
  fleet: Fleet,
  policies: Policy[],
  validateSchema: SchemaValidator,
  renderers: PolicyRenderers,
  runs: number,
) {
  const memo = renderers.forRepository().memo;
  const render: number[] = [];
  for (let i = 0; i < runs; i++) {
    const request = routeRequest(fleet, runs + 1 + i);
    const options = { validateSchema, memo };
    render.push(
      time(() => {
        renderRepository(policies, fleet, options);
        renderRepository([...policies, request], fleet, options);
      }).ms,
    );
  }
  return median(render);
}

/**
 * What the policy repository's CI and the CLI do: validate every policy, compile against the
 * fleet with the Istio CRD schemas, and render the repository's YAML, cold. Then what the
 * scaffolder action does for one request on that repository, warm, on its own path.
 */
/** The cold figures, and the workspace holding the rendered repository for the action. */
async function cold(
  args: CompileArgs,
  fleet: Fleet,
  policies: Policy[],
  validateSchema: SchemaValidator,
) {
  const compiled = best(args.runs, () =>
    compile(policies, fleet, { validateSchema }),
  );
  if (compiled.value.errors.length > 0)
    console.error('compile errors, e.g.', compiled.value.errors.slice(0, 3));
  // The verifier as compile calls it, on that compile's objects and non-verification errors.
  const topo = fleetTopology(fleet).topo;
  const compileErrors = compiled.value.errors.filter(
    e => !e.message.startsWith('verification: '),
  );
  const verification = best(args.runs, () =>
    verifyCompiled(
      policies,
      topo,
      compiled.value.resources,
      compileErrors,
      compiled.value.conflicts,
      { validateSchema },
    ),
  );
  const rendered = best(args.runs, () =>
    renderRepository(policies, fleet, { validateSchema }),
  );
  return {
    compileMs: compiled.ms,
    verifyMs: verification.ms,
    verified: verification.value.verifications.filter(
      v => v.status === 'verified',
    ).length,
    refused: verification.value.verifications.filter(
      v => v.status === 'refused',
    ).length,
    renderMs: rendered.ms,
    resources: Object.values(compiled.value.resources).reduce(
      (n, l) => n + l.length,
      0,
    ),
    files: Object.keys(rendered.value.files).length,
    errors: compiled.value.errors.length,
    conflicts: compiled.value.conflicts.length,
    workspace: writeWorkspace(rendered.value.files),
  };
}

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
  // In a function of its own, so that the cold results are garbage before the action runs: a
  // backend does not hold three full renders while it serves a request.
  const { workspace, ...coldFigures } = await cold(
    args,
    fleet,
    policies,
    validateSchema,
  );

  const runs = Math.max(args.runs, 5);
  const action = await actionPath(
    fleet,
    policies,
    workspace,
    validateSchema,
    runs,
  );

  const figures: CompileFigures = {
    policies: policies.length,
    clusters: args.clusters,
    services: args.services,
    parseMs: parsed.ms,
    ...coldFigures,
    actionMs: action.ms,
    actionFirstMs: action.firstMs,
    actionFiles: action.files,
    actionUnits: action.units,
    actionObjects: action.objects,
    warmRenderMs: action.renderMs,
    restOfActionMs: Math.max(0, action.ms - action.renderMs),
    peakRssMiB: peakRssMiB(),
  };
  await answer(figures);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
