import {
  FleetCluster,
  LiveConfigObject,
  MESHPORT_POLICY_LABEL,
  POLICY_CLUSTER_STATES,
  POLICY_STATES,
  PolicyClusterState,
  PolicyClusterStatus,
  PolicyLifecycle,
  PolicyObjectStatus,
  PolicyOrphan,
  PolicyState,
  PolicyTimings,
  PolicyValidationMessage,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../diagnostics';
import type { Policy } from '../schema';
import { canonicalSpecJson } from '../specHash';
import {
  objectKey,
  ParsedBranch,
  ParsedFileCache,
  parseBranch,
  RenderedObject,
} from './branch';
import { policyFieldDifferences } from './differences';
import type {
  BranchSnapshot,
  LifecycleInput,
  LifecycleMemory,
  LifecycleProblem,
  LifecycleResult,
  PolicyPullRequestRecord,
} from './types';

/**
 * What `computePolicyStates` keeps between computations when the caller passes it back: parsed
 * branch files (by repository, path and text; a whole branch by commit) and the canonical
 * spec of each live object (by identity: the fleet of one sync is not mutated). The backend
 * keeps one for the process; without it every call parses every file.
 */
export class LifecycleCache {
  /** @internal */
  readonly files = new ParsedFileCache();
  /** @internal */
  readonly branches = new Map<
    string,
    { commit?: string; files: Record<string, string>; parsed: ParsedBranch }
  >();
  /** @internal */
  readonly live = new WeakMap<object, string>();
}

export function createLifecycleCache(): LifecycleCache {
  return new LifecycleCache();
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const CLUSTER_RANK = new Map(POLICY_CLUSTER_STATES.map((s, i) => [s, i]));
const POLICY_RANK = new Map(POLICY_STATES.map((s, i) => [s, i]));

const worst = (states: PolicyClusterState[]): PolicyClusterState =>
  states.reduce((a, b) =>
    CLUSTER_RANK.get(b)! < CLUSTER_RANK.get(a)! ? b : a,
  );

/** States in which the cluster held the policy's objects: losing one then is `missing`. */
const HELD: ReadonlySet<PolicyClusterState> = new Set([
  'applied',
  'drifted',
  'rejected',
  'missing',
]);

/** `<namespace>/<name>` of a mesh service: two DNS labels. */
const SERVICE_ID =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const KINDS: Record<string, PolicyLifecycle['kind']> = {
  trafficpolicy: 'TrafficPolicy',
  accesspolicy: 'AccessPolicy',
  virtualdestination: 'VirtualDestination',
};

/**
 * Every policy's state, per cluster and overall, from the configured repositories' branches
 * and pull requests, the fleet's live config and what the previous computation remembered.
 * Pure: the same input gives the same result, and `now` is the only clock. A file of a branch
 * that cannot be used is left out and reported in `problems`, never thrown.
 */
export function computePolicyStates(
  input: LifecycleInput,
  cache?: LifecycleCache,
): LifecycleResult {
  const { fleet, now } = input;
  const previous: LifecycleMemory = input.memory ?? {};
  const clusters = new Map(fleet.clusters.map(c => [c.name, c]));
  const liveIndexes = new Map<string, Map<string, LiveConfigObject>>();
  const liveIndex = (c: FleetCluster) => {
    let index = liveIndexes.get(c.name);
    if (!index) {
      index = new Map();
      for (const o of c.config ?? []) {
        // a fleet read without its schema (an old export) may hold anything
        if (!isRecord(o) || !isRecord(o.metadata)) continue;
        if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string')
          continue;
        if (typeof o.metadata.name !== 'string') continue;
        index.set(keyOfLive(o), o);
      }
      liveIndexes.set(c.name, index);
    }
    return index;
  };
  /**
   * Whether a live spec is the rendered one, in canonical form. A live object seen before (the
   * same object: the caller kept the fleet) is a string comparison; a spec written exactly as
   * rendered (keys sorted, as Meshport writes and the API server serves them) is found equal
   * without writing its canonical form.
   */
  const matches = (l: LiveConfigObject, o: RenderedObject) => {
    let canonical = cache?.live.get(l);
    if (canonical === undefined) {
      canonical =
        JSON.stringify(l.spec) === o.json
          ? o.canonical
          : canonicalSpecJson(isRecord(l.spec) ? l.spec : {}, l);
      cache?.live.set(l, canonical);
    }
    return canonical === o.canonical;
  };

  const policies: PolicyLifecycle[] = [];
  const memory: LifecycleMemory = {};
  const problems: LifecycleProblem[] = [];
  const claimedBy = new Map<string, string>();
  const branches: ParsedBranch[] = [];
  const seenRepositories = new Set<string>();
  const fresh = new Set<string>();

  for (const repository of input.repositories) {
    const url = repository.status.url;
    if (seenRepositories.has(url)) {
      problems.push({
        repository: url,
        path: '',
        message: `${url} is configured twice in mesh.policyRepositories: remove one entry`,
      });
      continue;
    }
    seenRepositories.add(url);
    const feeds =
      repository.status.clusters.length > 0
        ? new Set(repository.status.clusters)
        : undefined;
    const parsed = repository.branch
      ? parsedBranch(url, repository.branch, cache, fresh)
      : undefined;
    if (parsed) {
      branches.push(parsed);
      for (const p of parsed.problems) problems.push({ repository: url, ...p });
    }
    const records = recordsByPolicy(repository.pullRequests);

    for (const [ref, { policy, path }] of parsed?.policies ?? []) {
      const first = claimedBy.get(ref);
      if (first) {
        problems.push({
          repository: url,
          path,
          message: `${ref} is also defined in ${first}: a policy lives in one repository; delete it from one of them`,
        });
        continue;
      }
      claimedBy.set(ref, url);
      const byCluster = parsed!.rendered.get(ref) ?? new Map();
      const statuses: PolicyClusterStatus[] = [];
      const remembered: LifecycleMemory[string] = {};
      for (const cluster of [...byCluster.keys()].sort(compareStrings)) {
        if (feeds && !feeds.has(cluster)) continue;
        const prev = previous[ref]?.[cluster];
        const fc = clusters.get(cluster);
        if (!fc?.config) {
          // Never synced (or its config unknown): no state, and what was known is kept.
          if (prev) remembered[cluster] = prev;
          continue;
        }
        const objects: RenderedObject[] = byCluster.get(cluster)!;
        let renderedHash = parsed!.renderingHashes.get(objects);
        if (renderedHash === undefined) {
          renderedHash = renderingHash(objects);
          parsed!.renderingHashes.set(objects, renderedHash);
        }
        const judged = judgeCluster(
          objects,
          renderedHash,
          liveIndex(fc),
          matches,
          prev,
          now,
        );
        if (fc.sync.state === 'stale') judged.status.stale = true;
        judged.status.cluster = cluster;
        statuses.push(judged.status);
        remembered[cluster] = judged.memory;
      }
      memory[ref] = remembered;
      const prs = records.get(ref) ?? [];
      const request = prs.find(r => r.request)?.request;
      policies.push({
        ref,
        kind: policy.kind,
        namespace: policy.metadata.namespace,
        name: policy.metadata.name,
        repository: url,
        path,
        destinations: [destinationOf(policy)],
        ...(request?.team ? { owner: request.team } : {}),
        state:
          statuses.length === 0 ? 'unknown' : worst(statuses.map(s => s.state)),
        ...(request ? { request } : {}),
        ...(prs[0] ? { pullRequest: prs[0].pullRequest } : {}),
        onBranch: true,
        clusters: statuses,
        timings: timingsOf(prs, statuses),
      });
    }

    for (const [ref, prs] of records) {
      if (parsed?.policies.has(ref) || claimedBy.has(ref)) continue;
      const latest = prs[0];
      const state = stateFromPullRequest(latest);
      // A policy the branch held once (remembered) whose last pull request is merged was
      // removed from the branch since: it is gone, not pending.
      if (state === 'pending' && previous[ref] && parsed) {
        memory[ref] = {};
        continue;
      }
      const [kindKey, namespace, name] = ref.split('.');
      const kind = KINDS[kindKey];
      if (!kind || !namespace || !name) continue;
      claimedBy.set(ref, url);
      const request = prs.find(r => r.request)?.request;
      const given = prs
        .find(r => r.destinations?.length)
        ?.destinations?.filter(d => SERVICE_ID.test(d));
      policies.push({
        ref,
        kind,
        namespace,
        name,
        repository: url,
        path: '',
        destinations: given?.length
          ? [...new Set(given)].sort(compareStrings)
          : [namespace],
        ...(request?.team ? { owner: request.team } : {}),
        state,
        ...(request ? { request } : {}),
        pullRequest: latest.pullRequest,
        onBranch: false,
        clusters: [],
        timings: timingsOf(prs, []),
      });
    }
  }

  policies.sort(
    (a, b) =>
      POLICY_RANK.get(a.state)! - POLICY_RANK.get(b.state)! ||
      compareStrings(a.ref, b.ref),
  );
  if (cache) retainParsedFiles(cache, input.repositories, fresh);
  return {
    policies,
    orphans: orphansOf(input, branches, clusters, liveIndex),
    memory,
    problems: problems.sort(
      (a, b) =>
        compareStrings(a.repository, b.repository) ||
        compareStrings(a.path, b.path) ||
        compareStrings(a.message, b.message),
    ),
  };
}

function parsedBranch(
  url: string,
  branch: BranchSnapshot,
  cache: LifecycleCache | undefined,
  fresh: Set<string>,
): ParsedBranch {
  if (!cache) return parseBranch(branch);
  const kept = cache.branches.get(url);
  if (
    kept &&
    (kept.files === branch.files ||
      (branch.commit !== undefined && kept.commit === branch.commit))
  ) {
    return kept.parsed;
  }
  const parsed = parseBranch(branch, cache.files);
  cache.branches.set(url, {
    commit: branch.commit,
    files: branch.files,
    parsed,
  });
  fresh.add(url);
  return parsed;
}

/**
 * Drops parsed files no branch holds any more, once a branch was parsed again (only then can
 * files have gone): the files of branches reused whole count as read.
 */
function retainParsedFiles(
  cache: LifecycleCache,
  repositories: LifecycleInput['repositories'],
  fresh: Set<string>,
) {
  if (fresh.size === 0) return;
  for (const r of repositories)
    if (r.branch && !fresh.has(r.status.url)) cache.files.touch(r.branch);
  cache.files.retain();
  const configured = new Set(repositories.map(r => r.status.url));
  for (const url of cache.branches.keys())
    if (!configured.has(url)) cache.branches.delete(url);
}

function keyOfLive(o: LiveConfigObject): string {
  return objectKey(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
}

function destinationOf(policy: Policy): string {
  const d = policy.spec.destination;
  return `${d.namespace}/${d.service}`;
}

/** Pull requests per policy, newest first (by creation, then number). */
function recordsByPolicy(
  records: PolicyPullRequestRecord[],
): Map<string, PolicyPullRequestRecord[]> {
  const out = new Map<string, PolicyPullRequestRecord[]>();
  for (const r of records)
    for (const ref of new Set(r.policies)) {
      const list = out.get(ref) ?? [];
      list.push(r);
      out.set(ref, list);
    }
  for (const list of out.values())
    list.sort(
      (a, b) =>
        time(b.pullRequest.createdAt) - time(a.pullRequest.createdAt) ||
        b.pullRequest.number - a.pullRequest.number,
    );
  return out;
}

function time(iso: string | undefined): number {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

function stateFromPullRequest(r: PolicyPullRequestRecord): PolicyState {
  switch (r.pullRequest.state) {
    case 'open':
      return 'requested';
    case 'closed':
      return 'closed';
    default:
      // merged, and the branch as last read does not hold it yet
      return 'pending';
  }
}

/**
 * How long each step took, from the latest merged pull request: requested (the marker's
 * time, else the pull request's creation) → merged → applied in every cluster (the latest
 * `appliedAt`, only once every cluster holds the rendering). A step whose end precedes its
 * start (clocks, or an apply of an earlier rendering) is left out rather than negative.
 */
function timingsOf(
  prs: PolicyPullRequestRecord[],
  clusters: PolicyClusterStatus[],
): PolicyTimings {
  const merged = prs.find(r => r.pullRequest.state === 'merged');
  if (!merged?.pullRequest.mergedAt) return {};
  const requestedAt = time(
    merged.request?.requestedAt ?? merged.pullRequest.createdAt,
  );
  const mergedAt = time(merged.pullRequest.mergedAt);
  const timings: PolicyTimings = {};
  if (requestedAt && mergedAt >= requestedAt)
    timings.requestedToMerged = mergedAt - requestedAt;
  const everywhere =
    clusters.length > 0 &&
    clusters.every(c => c.state === 'applied' && c.appliedAt);
  if (everywhere && mergedAt) {
    const appliedAt = Math.max(...clusters.map(c => time(c.appliedAt)));
    if (appliedAt >= mergedAt) timings.mergedToApplied = appliedAt - mergedAt;
    if (requestedAt && appliedAt >= requestedAt)
      timings.requestedToApplied = appliedAt - requestedAt;
  }
  return timings;
}

/**
 * Istio's validation messages on a live object (`status.validationMessages`, Istio
 * "Configuration Status Field", https://istio.io/latest/docs/reference/config/config-status/):
 * `level` is the `istio.analysis.v1alpha1` enum, `ERROR` (3), `WARNING` (8), `INFO` (12), as a
 * name or a number; releases before 1.9 wrote `Error` / `Warn` and `message`.
 */
const NO_MESSAGES: PolicyValidationMessage[] = [];

function validationMessages(o: LiveConfigObject): PolicyValidationMessage[] {
  const list = o.status?.validationMessages;
  if (!Array.isArray(list) || list.length === 0) return NO_MESSAGES;
  const out: PolicyValidationMessage[] = [];
  for (const m of list) {
    if (!isRecord(m)) continue;
    const code =
      (isRecord(m.type) && typeof m.type.code === 'string' && m.type.code) ||
      (typeof m.code === 'string' && m.code) ||
      undefined;
    const description =
      (typeof m.description === 'string' && m.description) ||
      (typeof m.message === 'string' && m.message) ||
      (isRecord(m.type) && typeof m.type.name === 'string' && m.type.name) ||
      'Istio reported a problem without a description';
    out.push({
      ...(code ? { code } : {}),
      level: levelOf(m.level),
      description,
    });
  }
  return out;
}

function levelOf(level: unknown): string {
  if (level === 3) return 'ERROR';
  if (level === 8) return 'WARNING';
  if (level === 12) return 'INFO';
  if (typeof level !== 'string') return 'UNKNOWN';
  const upper = level.toUpperCase();
  if (upper === 'WARN') return 'WARNING';
  return ['ERROR', 'WARNING', 'INFO'].includes(upper) ? upper : 'UNKNOWN';
}

/**
 * One policy in one cluster: each rendered object against the live object of the same
 * identity. Absent is `pending`, or `missing` once the cluster held the policy (at this
 * rendering, or any rendering when every object is gone: a new rendering whose objects are
 * partly there is still being applied); present with an Istio error is `rejected`; a spec
 * whose canonical form (the text `meshport.dev/spec-hash` is the SHA-256 of) differs from the
 * rendered one is `drifted`; else `applied`. Comparing the canonical texts is comparing the
 * hashes, without hashing every live spec on every sync.
 */
function judgeCluster(
  objects: RenderedObject[],
  renderedHash: string,
  live: Map<string, LiveConfigObject>,
  matches: (l: LiveConfigObject, o: RenderedObject) => boolean,
  prev: LifecycleMemory[string][string] | undefined,
  now: string,
): {
  status: PolicyClusterStatus;
  memory: LifecycleMemory[string][string];
} {
  const sameRendering = prev?.renderedHash === renderedHash;
  let allAbsent = true;
  for (const o of objects) if (live.has(o.key)) allAbsent = false;
  const held =
    prev !== undefined &&
    (HELD.has(prev.state) || !!prev.appliedAt || !!prev.appliedBeforeObserved);
  const absentState: PolicyClusterState =
    held && (sameRendering || allAbsent) ? 'missing' : 'pending';
  const statuses: PolicyObjectStatus[] = [];
  let state: PolicyClusterState = 'applied';
  for (const o of objects) {
    const status: PolicyObjectStatus = {
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      path: o.path,
      state: absentState,
    };
    statuses.push(status);
    const l = live.get(o.key);
    if (l) {
      const messages = validationMessages(l);
      if (messages.length > 0) status.messages = messages;
      if (messages.some(m => m.level === 'ERROR')) status.state = 'rejected';
      else if (matches(l, o)) status.state = 'applied';
      else {
        status.state = 'drifted';
        status.differences = policyFieldDifferences(
          {
            apiVersion: o.apiVersion,
            kind: o.kind,
            metadata: { labels: o.labels },
            spec: o.spec,
          },
          l,
        );
      }
    }
    if (CLUSTER_RANK.get(status.state)! < CLUSTER_RANK.get(state)!)
      state = status.state;
  }
  // first held in full at this rendering; a new rendering has not been applied yet. Applied
  // already when first judged (a backend started after GitOps applied it): when is unknown,
  // and stamping `now` would report a merge-to-apply time nobody measured.
  let appliedAt = sameRendering ? prev?.appliedAt : undefined;
  let appliedBeforeObserved =
    sameRendering && !appliedAt ? prev?.appliedBeforeObserved : undefined;
  if (state === 'applied' && !appliedAt && !appliedBeforeObserved) {
    if (prev) appliedAt = now;
    else appliedBeforeObserved = true;
  }
  const since = prev && prev.state === state ? prev.since : now;
  return {
    status: {
      cluster: '',
      state,
      since,
      ...(appliedAt ? { appliedAt } : {}),
      objects: statuses,
    },
    memory: {
      state,
      since,
      renderedHash,
      ...(appliedAt ? { appliedAt } : {}),
      ...(appliedBeforeObserved ? { appliedBeforeObserved } : {}),
    },
  };
}

/**
 * A digest of a policy's rendering for a cluster: which objects, with which spec. A fast
 * 53-bit string hash (cyrb53) rather than SHA-256: it only tells a changed rendering from the
 * same one, for 60,000 policy-cluster pairs per sync.
 */
function renderingHash(objects: RenderedObject[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const mix = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  };
  for (const o of objects) {
    mix(o.key);
    mix('\u0001');
    mix(o.specHash ?? o.canonical);
    mix('\u0002');
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const value = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return value.toString(16).padStart(14, '0');
}

/**
 * Live objects carrying the policy label that no branch renders, in the clusters the
 * repositories feed. A cluster fed by a repository whose branch was never read is left out:
 * its objects would all look orphaned.
 */
function orphansOf(
  input: LifecycleInput,
  branches: ParsedBranch[],
  clusters: Map<string, FleetCluster>,
  liveIndex: (c: FleetCluster) => Map<string, LiveConfigObject>,
): PolicyOrphan[] {
  const all = [...clusters.keys()];
  const fed = new Set<string>();
  const unread = new Set<string>();
  for (const r of input.repositories) {
    const theirs = r.status.clusters.length > 0 ? r.status.clusters : all;
    for (const c of theirs) (r.branch ? fed : unread).add(c);
  }
  const orphans: PolicyOrphan[] = [];
  for (const cluster of fed) {
    const fc = clusters.get(cluster);
    if (unread.has(cluster) || !fc?.config) continue;
    for (const [key, o] of liveIndex(fc)) {
      const policy = o.metadata.labels?.[MESHPORT_POLICY_LABEL];
      if (!policy) continue;
      if (branches.some(b => b.renderedKeys.get(cluster)?.has(key))) continue;
      orphans.push({
        cluster,
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
        policy,
      });
    }
  }
  return orphans.sort(
    (a, b) =>
      compareStrings(a.cluster, b.cluster) ||
      compareStrings(a.kind, b.kind) ||
      compareStrings(a.namespace, b.namespace) ||
      compareStrings(a.name, b.name),
  );
}
