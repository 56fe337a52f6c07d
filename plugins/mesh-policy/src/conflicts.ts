import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { stableStringify } from './canonical';
import { compareStrings } from './diagnostics';
import { orderRoutes, strictlyCovers } from './routeCoverage';
import type { RequestMatch, TrafficPolicy } from './schema/trafficPolicy';
import type {
  ClientPlan,
  ResolvedTarget,
  SourceMatch,
} from './translate/trafficPlan';
import type { MeshKind } from '@meshport/backstage-plugin-mesh-common';
import type { Destination } from './schema/common';

/** Two policies, or a policy and hand-written config, that cannot both take effect. */
export interface Conflict {
  kind: 'field' | 'existing-config' | 'hostname';
  /** Refs (`<kind>.<namespace>.<name>`) of the policies involved, sorted. */
  policies: string[];
  /** The contested field, for `field` conflicts. */
  field?: string;
  /** The hand-written object, for `existing-config` conflicts: `<Kind> <namespace>/<name>`. */
  existing?: string;
  clusters: string[];
  message: string;
}

type Spec = TrafficPolicy['spec'];

/** The per-route fields: each is owned by one policy for a given source + match. */
const ROUTE_FIELDS = [
  'route',
  'timeout',
  'retries',
  'faultInjection',
  'mirror',
  'cors',
  'headers',
] as const;
type RouteField = (typeof ROUTE_FIELDS)[number];

/** The policies merged onto one HTTP route of one client cluster. */
export interface RouteGroup {
  key: string;
  sources: SourceMatch[];
  matches: RequestMatch[];
  port?: number;
  policies: string[];
  route?: ResolvedTarget[];
  mirror?: ResolvedTarget & { percent: number };
  timeout?: Spec['timeout'];
  retries?: Spec['retries'];
  faultInjection?: Spec['faultInjection'];
  cors?: Spec['cors'];
  headers?: Spec['headers'];
}

/** Everything the policies ask of one destination service, seen from one client cluster. */
export interface DestinationPlan {
  client: string;
  mesh: MeshKind;
  destination: Destination;
  groups: RouteGroup[];
  outlierDetection?: Spec['outlierDetection'];
  policies: string[];
}

/**
 * Merges client plans into one plan per client cluster and destination, with a field-ownership
 * registry: the first policy (in ref order) to set a field for a source + match owns it, and any
 * other policy setting it is reported instead of silently overriding or being merged.
 */
export function mergeTrafficPlans(plans: ClientPlan[]): {
  destinations: DestinationPlan[];
  conflicts: Conflict[];
} {
  const destinations = new Map<string, DestinationPlan>();
  const owners = new Map<string, string>();
  const conflicts = new Map<string, Conflict>();
  const ordered = [...plans].sort((a, b) =>
    compareStrings(
      `${a.policy}\u0000${a.client}`,
      `${b.policy}\u0000${b.client}`,
    ),
  );

  const claim = (
    scope: string,
    field: string,
    policy: string,
    client: string,
    target: string,
  ): boolean => {
    const key = `${scope}\u0000${field}`;
    const owner = owners.get(key);
    if (!owner) {
      owners.set(key, policy);
      return true;
    }
    if (owner === policy) return true;
    const id = `${field}\u0000${owner}\u0000${policy}\u0000${target}`;
    const existing = conflicts.get(id);
    if (existing) {
      if (!existing.clusters.includes(client)) existing.clusters.push(client);
    } else {
      conflicts.set(id, {
        kind: 'field',
        policies: [owner, policy].sort(compareStrings),
        field,
        clusters: [client],
        message: '',
      });
    }
    return false;
  };

  for (const plan of ordered) {
    const d = plan.destination;
    const target = `${d.service}.${d.namespace}`;
    const destKey = `${plan.client}\u0000${d.namespace}\u0000${d.service}`;
    let dp = destinations.get(destKey);
    if (!dp) {
      dp = {
        client: plan.client,
        mesh: plan.mesh,
        destination: { namespace: d.namespace, service: d.service },
        groups: [],
        policies: [],
      };
      destinations.set(destKey, dp);
    }
    if (!dp.policies.includes(plan.policy)) dp.policies.push(plan.policy);

    // A DestinationRule serves every client of the cluster, so its fields ignore sources.
    if (
      plan.policySpec.outlierDetection &&
      claim(destKey, 'outlierDetection', plan.policy, plan.client, target)
    ) {
      dp.outlierDetection = plan.policySpec.outlierDetection;
    }

    const key = stableStringify({
      port: plan.scopePort ?? null,
      sources: canonicalSources(plan.sources),
      matches: plan.matches,
    });
    let group = dp.groups.find(g => g.key === key);
    const values: Partial<RouteGroup> = {
      route: plan.route,
      mirror: plan.mirror,
      timeout: plan.policySpec.timeout,
      retries: plan.policySpec.retries,
      faultInjection: plan.policySpec.faultInjection,
      cors: plan.policySpec.cors,
      headers: plan.policySpec.headers,
    };
    const setsRouteField = ROUTE_FIELDS.some(f => values[f] !== undefined);
    if (!setsRouteField) continue;
    if (!group) {
      group = {
        key,
        sources: canonicalSources(plan.sources),
        matches: plan.matches,
        port: d.port,
        policies: [],
      };
      dp.groups.push(group);
    }
    let contributed = false;
    for (const field of ROUTE_FIELDS) {
      if (values[field] === undefined) continue;
      if (
        claim(`${destKey}\u0000${key}`, field, plan.policy, plan.client, target)
      ) {
        setField(group, field, values);
        contributed = true;
      }
    }
    if (contributed && !group.policies.includes(plan.policy))
      group.policies.push(plan.policy);
  }

  const list = [...destinations.values()].sort((a, b) =>
    compareStrings(
      `${a.client}\u0000${a.destination.namespace}\u0000${a.destination.service}`,
      `${b.client}\u0000${b.destination.namespace}\u0000${b.destination.service}`,
    ),
  );
  for (const dp of list) {
    dp.policies.sort(compareStrings);
    for (const g of dp.groups) g.policies.sort(compareStrings);
    dp.groups = orderRoutes(
      dp.groups.filter(g => g.policies.length > 0),
      compareGroups,
    );
    inheritFromBroaderRoutes(dp.groups);
  }
  const out = [...conflicts.entries()].map(([id, c]) => {
    const target = id.split('\u0000')[3];
    c.clusters.sort(compareStrings);
    c.message = `${c.policies[0]} and ${c.policies[1]} both set ${
      c.field
    } for ${target} from the same sources in ${c.clusters.join(
      ', ',
    )}: merge them into one policy, or give them different sources or matches`;
    return c;
  });
  return {
    destinations: list,
    conflicts: out.sort((a, b) => compareStrings(a.message, b.message)),
  };
}

function setField(
  group: RouteGroup,
  field: RouteField,
  values: Partial<RouteGroup>,
) {
  // A typed switch keeps each field's type instead of widening through an index signature.
  switch (field) {
    case 'route':
      group.route = values.route;
      break;
    case 'mirror':
      group.mirror = values.mirror;
      break;
    case 'timeout':
      group.timeout = values.timeout;
      break;
    case 'retries':
      group.retries = values.retries;
      break;
    case 'faultInjection':
      group.faultInjection = values.faultInjection;
      break;
    case 'cors':
      group.cors = values.cors;
      break;
    case 'headers':
      group.headers = values.headers;
      break;
    default:
      break;
  }
}

/**
 * A narrower route takes every request it matches away from the broader routes after it
 * (Istio uses the first matching route only), so a field the narrower policies leave unset
 * would silently fall back to Istio's default — the bare host, no timeout — instead of what
 * the broader policy asked for those requests. Each such field is taken from the most
 * specific broader route that sets it. `groups` must be in route order.
 */
function inheritFromBroaderRoutes(groups: RouteGroup[]) {
  const own = groups.map(g => ({ ...g }));
  groups.forEach((g, i) => {
    const broader = own.filter((b, j) => j > i && strictlyCovers(b, own[i]));
    for (const field of ROUTE_FIELDS) {
      if (own[i][field] !== undefined) continue;
      const from = broader.find(b => b[field] !== undefined);
      if (from) setField(g, field, from);
    }
  });
}

function canonicalSources(sources: SourceMatch[]): SourceMatch[] {
  const unique = new Map(sources.map(s => [stableStringify(s), s]));
  return [...unique.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, s]) => s);
}

/** Narrower routes first: Istio takes the first route whose match fits, so a catch-all goes last. */
function compareGroups(a: RouteGroup, b: RouteGroup): number {
  const weight = (g: RouteGroup) =>
    (g.matches.length > 0 ? 2 : 0) + (g.sources.length > 0 ? 1 : 0);
  return weight(b) - weight(a) || compareStrings(a.key, b.key);
}

/** Kinds that own a host's routing: a second, hand-written one would fight ours. */
const EXCLUSIVE_KINDS: Record<string, MeshKind> = {
  VirtualService: 'istio',
  DestinationRule: 'istio',
  HTTPRoute: 'linkerd',
};

/**
 * Hand-written routing config already attached to a service in a client cluster. We never
 * overwrite it: the policy is refused until someone removes it or adopts it into a policy.
 */
export function findExistingConfig(
  destinations: DestinationPlan[],
  fleet: Fleet,
): Conflict[] {
  const out: Conflict[] = [];
  for (const dp of destinations) {
    const service = fleet.services.find(
      s =>
        s.namespace === dp.destination.namespace &&
        s.name === dp.destination.service,
    );
    const instance = service?.instances.find(i => i.cluster === dp.client);
    const refs = (instance?.config ?? [])
      .filter(c => !c.meshportPolicy && EXCLUSIVE_KINDS[c.kind] === dp.mesh)
      .filter(
        c =>
          c.kind !== 'DestinationRule' ||
          dp.outlierDetection ||
          dp.groups.some(g =>
            g.route?.some(t => t.cluster || Object.keys(t.subset).length > 0),
          ),
      );
    for (const c of refs) {
      const existing = `${c.kind} ${c.namespace}/${c.name}`;
      out.push({
        kind: 'existing-config',
        policies: dp.policies,
        existing,
        clusters: [dp.client],
        message: `hand-written ${existing} in ${dp.client} already configures ${dp.destination.service}.${dp.destination.namespace}: Meshport will not overwrite it; delete it or move its settings into a policy, then render again`,
      });
    }
  }
  return out.sort((a, b) => compareStrings(a.message, b.message));
}
