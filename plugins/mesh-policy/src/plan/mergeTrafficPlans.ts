import { stableStringify } from '../canonical';
import type { Conflict } from '../conflicts';
import { compareStrings } from '../diagnostics';
import { orderRoutes, strictlyCovers } from './routeCoverage';
import type {
  ClientPlan,
  DestinationPlan,
  RouteGroup,
  SourceMatch,
} from './types';

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
