import type {
  Fleet,
  Finding,
  FindingObject,
  PolicyClusterStatus,
  PolicyFieldDifference,
  PolicyLifecycle,
  PolicyObjectStatus,
  PolicyOrphan,
} from '@meshport/backstage-plugin-mesh-common';
import { compareFindings } from '../analyze/analyzeFleet';
import type { CheckInfo } from '../analyze/types';
import { compareStrings } from '../diagnostics';
import type { LifecycleResult } from './types';

/**
 * The lifecycle's findings, as the README's findings table lists them (MESH8xx: the policy
 * lifecycle). They are the lifecycle's view of the same clusters the analysis reads: MESH205
 * (a managed object edited by hand) still comes from the analysis, and MESH802 says which
 * policy the edit departs from and by which fields.
 */
export const LIFECYCLE_CHECKS: readonly CheckInfo[] = [
  {
    code: 'MESH801',
    severity: 'error',
    title: 'Istio rejected an object a policy rendered',
  },
  {
    code: 'MESH802',
    severity: 'warning',
    title: 'A cluster differs from what a policy renders (drift)',
  },
  {
    code: 'MESH803',
    severity: 'error',
    title: 'A policy that was applied is missing from a cluster',
  },
  {
    code: 'MESH804',
    severity: 'info',
    title: 'A Meshport-managed object that no policy renders (orphan)',
  },
];

const INFO = new Map(LIFECYCLE_CHECKS.map(c => [c.code, c]));

/** How many fields a drift message names before "and N more". */
const NAMED_FIELDS = 5;

interface Owners {
  service(id: string): string[];
  namespace(ns: string): string[];
}

/**
 * The owners, indexed on first use: `/findings` lists these findings on every request, and
 * while no policy fails (the usual case) none needs an owner — indexing 50,000 services each
 * time was ~16 ms of every request.
 */
function ownersOf(fleet: Fleet): Owners {
  let indexed: Owners | undefined;
  const owners = () => (indexed ??= indexOwners(fleet));
  return {
    service: id => owners().service(id),
    namespace: ns => owners().namespace(ns),
  };
}

function indexOwners(fleet: Fleet): Owners {
  const byService = new Map<string, string>();
  const byNamespace = new Map<string, Set<string>>();
  for (const s of fleet.services) {
    if (!s.owner) continue;
    byService.set(`${s.namespace}/${s.name}`, s.owner);
    const set = byNamespace.get(s.namespace) ?? new Set<string>();
    set.add(s.owner);
    byNamespace.set(s.namespace, set);
  }
  return {
    service: id => {
      const owner = byService.get(id);
      return owner ? [owner] : [];
    },
    namespace: ns => [...(byNamespace.get(ns) ?? [])],
  };
}

const unique = (xs: Iterable<string>) => [...new Set(xs)].sort(compareStrings);

type Describe = (
  p: PolicyLifecycle,
  c: PolicyClusterStatus,
  objects: PolicyObjectStatus[],
) => { message: string; fix: string };

function finding(
  code: string,
  p: PolicyLifecycle,
  c: PolicyClusterStatus,
  objects: PolicyObjectStatus[],
  describe: Describe,
  owners: Owners,
): Finding {
  const info = INFO.get(code)!;
  const refs: FindingObject[] = objects.map(o => ({
    cluster: c.cluster,
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    meshportPolicy: p.ref,
  }));
  const services = unique(p.destinations.filter(d => d.includes('/')));
  const { message, fix } = describe(p, c, objects);
  return {
    code,
    severity: info.severity,
    title: info.title,
    message: c.stale
      ? `${message} (Cluster ${c.cluster} is stale: this is its last-known config.)`
      : message,
    fix,
    objects: refs,
    clusters: [c.cluster],
    services,
    owners: unique(
      services.length > 0
        ? services.flatMap(owners.service)
        : owners.namespace(p.namespace),
    ),
    key: [
      code,
      unique(
        refs.map(o => `${o.cluster}/${o.kind}/${o.namespace}/${o.name}`),
      ).join(','),
      p.ref,
    ].join('|'),
  };
}

const describeObject = (o: { kind: string; namespace: string; name: string }) =>
  `${o.kind} ${o.namespace}/${o.name}`;

/** Lists `a`, `a and b`, `a, b and c`. */
function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const rejected: Describe = (p, c, objects) => ({
  message: `Istio reports an error on ${list(
    objects.map(
      o =>
        `${describeObject(o)} (${(o.messages ?? [])
          .filter(m => m.level === 'ERROR')
          .map(m => (m.code ? `${m.code}: ${m.description}` : m.description))
          .join('; ')})`,
    ),
  )} in cluster ${c.cluster}, rendered from policy ${
    p.ref
  }: the cluster holds the object, but Istio does not apply it as written.`,
  fix:
    `Change ${p.ref} so that what it renders is valid (Istio's message names the field or ` +
    `the missing reference) and open a pull request, or create what the message says is ` +
    `missing; \`istioctl analyze\` in cluster ${c.cluster} shows the same message.`,
});

function value(v: unknown): string {
  if (v === undefined) return 'absent';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function fields(differences: PolicyFieldDifference[]): string {
  const named = differences
    .slice(0, NAMED_FIELDS)
    .map(
      d => `${d.path}: rendered ${value(d.rendered)}, live ${value(d.live)}`,
    );
  const more = differences.length - named.length;
  return more > 0
    ? `${named.join('; ')} and ${more} more field${more > 1 ? 's' : ''}`
    : named.join('; ');
}

const drifted: Describe = (p, c, objects) => ({
  message: `${list(
    objects.map(o => `${describeObject(o)} (${fields(o.differences ?? [])})`),
  )} in cluster ${c.cluster} ${
    objects.length > 1 ? 'differ' : 'differs'
  } from what policy ${
    p.ref
  } renders on the branch: it was changed in the cluster, so the policy does not say what the cluster does.`,
  fix:
    `To revert, apply ${list(
      objects.map(o => o.path),
    )} from the policy repository again (sync the cluster's GitOps application); ` +
    `if the change is wanted, make it in ${p.ref} and open a pull request, so it is ` +
    `reviewed and rendered for every cluster.`,
});

const missing: Describe = (p, c, objects) => ({
  message: `Policy ${p.ref} was applied in cluster ${c.cluster}${
    c.appliedAt ? ` (first at ${c.appliedAt})` : ''
  }, but ${list(objects.map(describeObject))} ${
    objects.length > 1 ? 'are' : 'is'
  } gone from the cluster: the traffic the policy describes is not what the cluster does.`,
  fix:
    `Apply ${list(
      objects.map(o => o.path),
    )} from the policy repository again (sync the cluster's GitOps application); if the ` +
    `objects were deleted on purpose, remove ${p.ref} from the repository with a pull request.`,
});

function orphan(o: PolicyOrphan, owners: Owners): Finding {
  const info = INFO.get('MESH804')!;
  const object: FindingObject = {
    cluster: o.cluster,
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    meshportPolicy: o.policy,
  };
  return {
    code: info.code,
    severity: info.severity,
    title: info.title,
    message:
      `${describeObject(o)} in cluster ${o.cluster} carries the policy label ${
        o.policy
      }, ` +
      `but no policy on a configured repository's branch renders it: it was left behind ` +
      `when its policy was removed, or applied by hand.`,
    fix:
      `If ${o.policy} was removed, delete the object from cluster ${o.cluster} and let your ` +
      `GitOps tool prune what the repository no longer holds; if it is still wanted, add ` +
      `its policy to the policy repository with a pull request.`,
    objects: [object],
    clusters: [o.cluster],
    services: [],
    owners: unique(owners.namespace(o.namespace)),
    key: [
      info.code,
      `${o.cluster}/${o.kind}/${o.namespace}/${o.name}`,
      o.policy,
    ].join('|'),
  };
}

/**
 * Findings for the policies whose state is a failure: rejected (MESH801), drifted (MESH802),
 * missing (MESH803), one per policy and cluster, and one per orphan (MESH804). Owners are the
 * catalog owners the fleet resolved for the policy's destination services, or, for an orphan,
 * for the services of its namespace. Pure; sorted worst first, then by code and key.
 */
export function lifecycleFindings(
  result: LifecycleResult,
  fleet: Fleet,
): Finding[] {
  const owners = ownersOf(fleet);
  const findings: Finding[] = [];
  for (const p of result.policies) {
    for (const c of p.clusters) {
      const failing = c.objects.filter(o => o.state === c.state);
      switch (c.state) {
        case 'rejected':
          findings.push(finding('MESH801', p, c, failing, rejected, owners));
          break;
        case 'drifted':
          findings.push(finding('MESH802', p, c, failing, drifted, owners));
          break;
        case 'missing':
          findings.push(finding('MESH803', p, c, failing, missing, owners));
          break;
        default:
      }
    }
  }
  for (const o of result.orphans) findings.push(orphan(o, owners));
  return findings.sort(compareFindings);
}
