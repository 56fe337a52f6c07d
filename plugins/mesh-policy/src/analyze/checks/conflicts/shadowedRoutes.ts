import { compareStrings } from '../../../diagnostics';
import { canonicalSpecJson } from '../../../specHash';
import { asArray } from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import type { Check, FindingDraft } from '../../types';
import { describeMatch, matchCovers, matchesAll } from './matchCoverage';
import {
  list,
  namespaceOwners,
  nsOf,
  serviceIdOf,
  specOf,
  virtualServiceHosts,
} from './lookups';

type Route = Record<string, unknown>;

interface Shadow {
  route: number;
  routeName?: string;
  /** Why, naming the earlier route(s). */
  reason: string;
  /** The earliest route that makes it unreachable. */
  by: number;
}

const routeLabel = (i: number, r: Route) =>
  `HTTP route ${i + 1}${typeof r.name === 'string' ? ` (${r.name})` : ''}`;

/** The HTTP routes of a VirtualService that are never taken, and why. */
export function shadowedRoutes(spec: Record<string, unknown>): Shadow[] {
  const routes = asArray<unknown>(spec.http).filter(
    (r): r is Route => typeof r === 'object' && !Array.isArray(r),
  );
  const shadows: Shadow[] = [];
  const earlierMatches: { route: number; match: unknown }[] = [];
  let catchAll: number | undefined;
  routes.forEach((route, i) => {
    const matches = Array.isArray(route.match)
      ? (route.match as unknown[])
      : undefined;
    if (route.match !== undefined && route.match !== null && !matches) return; // malformed: say nothing about it, and let it shadow nothing
    const takesAll =
      !matches || matches.length === 0 || matches.some(matchesAll);
    if (catchAll !== undefined) {
      shadows.push({
        route: i,
        ...(typeof route.name === 'string' ? { routeName: route.name } : {}),
        reason: `${routeLabel(
          catchAll,
          routes[catchAll],
        )} has no match, so it takes every request first`,
        by: catchAll,
      });
    } else if (!takesAll) {
      const coveredBy = matches!.map(m =>
        earlierMatches.find(e => matchCovers(e.match, m)),
      );
      if (coveredBy.every(c => c !== undefined)) {
        const pairs = matches!.map(
          (m, k) =>
            `its match {${describeMatch(m)}} is taken first by ${routeLabel(
              coveredBy[k]!.route,
              routes[coveredBy[k]!.route],
            )}'s {${describeMatch(coveredBy[k]!.match)}}`,
        );
        shadows.push({
          route: i,
          ...(typeof route.name === 'string' ? { routeName: route.name } : {}),
          reason: list(pairs),
          by: Math.min(...coveredBy.map(c => c!.route)),
        });
      }
    }
    if (takesAll) catchAll ??= i;
    else for (const match of matches!) earlierMatches.push({ route: i, match });
  });
  return shadows;
}

/**
 * MESH203. An HTTP route of a VirtualService that no request reaches: an earlier route takes
 * every request it would (its matches are covered, or an earlier route has no match). Istio
 * reports the exact cases (a repeated match, a route after one without matches) as IST0130
 * (`analyzeUnreachableHTTPRules`, pkg/config/validation); this check also finds matches
 * covered by broader earlier ones (prefix /api before prefix /api/v2; a match without a
 * method before one with a method), see matchCoverage.ts for what "covers" means. The same
 * VirtualService (same namespace, name and spec) in several clusters is one finding.
 */
export const shadowedRoute: Check = {
  code: 'MESH203',
  severity: 'warning',
  title: 'An HTTP route is never taken: an earlier route takes its requests',
  istio: 'IST0130',
  run(ctx) {
    const found = new Map<
      string,
      { vs: ClusterObject; shadow: Shadow; clusters: string[] }
    >();
    for (const cluster of ctx.clustersWithConfig()) {
      for (const vs of ctx.config(cluster).ofKind('VirtualService')) {
        const shadows = shadowedRoutes(specOf(vs));
        if (shadows.length === 0) continue;
        const spec = canonicalSpecJson(specOf(vs));
        for (const shadow of shadows) {
          const key = `${nsOf(vs)}/${vs.metadata.name}|${spec}|${shadow.route}`;
          const entry = found.get(key) ?? { vs, shadow, clusters: [] };
          entry.clusters.push(cluster);
          found.set(key, entry);
        }
      }
    }
    const drafts: FindingDraft[] = [];
    for (const key of [...found.keys()].sort(compareStrings)) {
      const { vs, shadow, clusters } = found.get(key)!;
      const name = `VirtualService ${nsOf(vs)}/${vs.metadata.name}`;
      const where = `${clusters.length > 1 ? 'clusters' : 'cluster'} ${list(
        clusters,
      )}`;
      const label = `HTTP route ${shadow.route + 1}${
        shadow.routeName ? ` (${shadow.routeName})` : ''
      }`;
      const services = virtualServiceHosts(vs)
        .map(h => serviceIdOf(ctx, h))
        .filter((s): s is string => s !== undefined);
      drafts.push({
        message: `The ${label} of ${name} in ${where} is never taken: ${shadow.reason}.`,
        fix: `In ${name}, move ${label} above HTTP route ${
          shadow.by + 1
        }, or narrow the match of HTTP route ${
          shadow.by + 1
        } so it no longer takes these requests; delete ${label} if it is not needed.`,
        objects: clusters.map(c => ctx.ref(c, vs)),
        services,
        owners: namespaceOwners(ctx, [vs]),
        keyParts: [`route-${shadow.route + 1}`],
      });
    }
    return drafts;
  },
};
