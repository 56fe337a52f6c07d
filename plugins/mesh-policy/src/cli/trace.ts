import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../diagnostics';
import { formatTrace } from '../verify/format';
import type { Caller, ClusterObject, TraceRequest } from '../verify/types';
import { Verifier } from '../verify/verifier';
import { listFiles, readFiles } from './repository';

export interface TraceArgs {
  fleet: string;
  from: string;
  to: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  repo?: string;
}

/** Parses `trace` options; a string is what was wrong. */
export function parseTraceArgs(rest: string[]): TraceArgs | string {
  const out: Partial<TraceArgs> & { headers: Record<string, string> } = {
    headers: {},
  };
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      switch (flag) {
        case '--fleet':
          out.fleet = value();
          break;
        case '--from':
          out.from = value();
          break;
        case '--to':
          out.to = value();
          break;
        case '--path':
          out.path = value();
          break;
        case '--method':
          out.method = value().toUpperCase();
          break;
        case '--repo':
          out.repo = value();
          break;
        case '--header': {
          const h = value();
          const eq = h.indexOf('=');
          if (eq <= 0)
            return `--header "${h}" must be name=value, e.g. --header x-user=beta`;
          out.headers[h.slice(0, eq).toLowerCase()] = h.slice(eq + 1);
          break;
        }
        default:
          return `unknown option "${rest[i]}"`;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (!out.fleet)
    return 'missing --fleet <fleet.json>: a fleet export (GET /api/mesh/fleet)';
  if (!out.from)
    return 'missing --from <cluster>/<namespace>/<workload>: the caller, e.g. cluster-1/bookinfo/productpage';
  if (!out.to)
    return 'missing --to <host>:<port>: the destination, e.g. reviews.bookinfo:9080';
  return {
    fleet: out.fleet,
    from: out.from,
    to: out.to,
    path: out.path ?? '/',
    method: out.method ?? 'GET',
    headers: out.headers,
    repo: out.repo,
  };
}

/**
 * The caller named by `<cluster>/<namespace>/<workload>`: a service (its first workload, a
 * meshed one first), a workload or a service account of that namespace.
 */
export function findCaller(fleet: Fleet, from: string): Caller | string {
  const parts = from.split('/');
  if (parts.length !== 3 || parts.some(p => p.length === 0))
    return `--from "${from}" must be <cluster>/<namespace>/<workload>, e.g. cluster-1/bookinfo/productpage`;
  const [cluster, namespace, name] = parts;
  if (!fleet.clusters.some(c => c.name === cluster))
    return `--from: no cluster ${cluster} in the fleet (it has ${fleet.clusters
      .map(c => c.name)
      .join(', ')})`;
  const candidates = fleet.services
    .filter(s => s.namespace === namespace)
    .flatMap(s =>
      s.instances
        .filter(i => i.cluster === cluster)
        .flatMap(i => i.workloads.map(w => ({ service: s.name, w }))),
    );
  const rank = (x: (typeof candidates)[number]) =>
    `${x.w.dataPlaneMode === 'none' ? 1 : 0}/${x.w.name}`;
  candidates.sort((a, b) => compareStrings(rank(a), rank(b)));
  const hit =
    candidates.find(c => c.service === name) ??
    candidates.find(c => c.w.name === name) ??
    candidates.find(c => c.w.serviceAccount === name);
  if (!hit)
    return `--from: no service, workload or service account ${name} in ${cluster}/${namespace}`;
  return {
    cluster,
    namespace,
    serviceAccount: hit.w.serviceAccount,
    labels: hit.w.labels,
    mode: hit.w.dataPlaneMode,
  };
}

/** `rendered/<cluster>/…` of a policy repository: what each cluster would hold. */
async function renderedObjects(
  repo: string,
): Promise<{ resources: Record<string, ClusterObject[]>; problems: string[] }> {
  const root = path.resolve(repo);
  const files = await readFiles(root, await listFiles(root, 'rendered'));
  const resources: Record<string, ClusterObject[]> = {};
  const problems: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const cluster = file.split('/')[1];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        problems.push(`${file}: not YAML (${doc.errors[0].message}); skipped`);
        continue;
      }
      const o = doc.toJS() as ClusterObject | null;
      if (!o || typeof o.kind !== 'string' || !o.metadata?.name) {
        problems.push(
          `${file}: not a Kubernetes object (kind, metadata.name); skipped`,
        );
        continue;
      }
      (resources[cluster] ??= []).push(o);
    }
  }
  return { resources, problems };
}

/** `meshport-policy trace`: prints the chain one leg per line; 1 when a leg fails. */
export async function runTrace(
  args: TraceArgs,
  fleet: Fleet,
  io: { stdout(line: string): void; stderr(line: string): void },
): Promise<number> {
  const caller = findCaller(fleet, args.from);
  if (typeof caller === 'string') {
    io.stderr(caller);
    return 2;
  }
  const m = args.to.match(/^([^:\s]+):(\d{1,5})$/);
  if (!m)
    return (
      io.stderr(
        `--to "${args.to}" must be <host>:<port>, e.g. reviews.bookinfo:9080`,
      ),
      2
    );
  const rendered = args.repo
    ? await renderedObjects(args.repo)
    : { resources: {}, problems: [] };
  rendered.problems.forEach(p => io.stderr(`warning: ${p}`));
  const request: TraceRequest = {
    from: caller,
    host: m[1],
    port: Number(m[2]),
    path: args.path,
    method: args.method,
    headers: args.headers,
  };
  const trace = new Verifier(fleet, { resources: rendered.resources }).trace(
    request,
  );
  formatTrace(trace).forEach(line => io.stdout(line));
  return trace.ok ? 0 : 1;
}
