import { POLICY_API_VERSION } from './constants';
import { defaultPolicyName } from './names';

/**
 * What a team asks for in the request templates, as the policy document the pull request will
 * hold. One implementation for the scaffolder actions (`meshport:policy:traffic` /
 * `meshport:policy:access`, after they bound their input) and the live preview in the browser
 * (from the template form), so the preview compiles exactly what the action will write.
 *
 * These only arrange values; content rules (names, durations, weights adding up to 100) are
 * mesh-policy's schema's, which judges the result and names the path that is wrong.
 */

/** One weighted target as a form or an action input holds it; `''` is a field left empty. */
export interface RouteRequestRow {
  cluster?: unknown;
  subset?: unknown;
  weight?: unknown;
}

export interface TrafficRequest {
  /** `<namespace>/<name>` of the destination. */
  service: string;
  /** The policy's name; derived from the request when empty. */
  name?: string;
  sourceClusters?: string[];
  port?: number;
  route?: RouteRequestRow[];
  timeout?: string;
  retries?: { attempts?: unknown; perTryTimeout?: string; retryOn?: unknown[] };
}

export interface AccessRequest {
  service: string;
  name?: string;
  port?: number;
  /** At least one caller; no serviceAccount means the whole namespace. */
  sources: Array<{
    cluster: unknown;
    namespace: unknown;
    serviceAccount?: unknown;
  }>;
  methods?: unknown[];
  paths?: unknown[];
  ports?: unknown[];
}

/**
 * The route rows that make it into the policy, with their positions in `rows`: rows left
 * entirely empty (a template's fixed target/weight rows) are dropped; a half-filled row stays,
 * so the schema can say which half is missing.
 */
export function routeFromRequest(
  rows: RouteRequestRow[] | undefined,
): Array<{ row: number; target: RouteRequestRow }> {
  const kept: Array<{ row: number; target: RouteRequestRow }> = [];
  (rows ?? []).forEach((r, row) => {
    const target = {
      cluster: r.cluster === '' ? undefined : r.cluster,
      subset: r.subset === '' ? undefined : r.subset,
      weight: r.weight === '' ? undefined : r.weight,
    };
    if (
      target.cluster !== undefined ||
      target.subset !== undefined ||
      target.weight !== undefined
    )
      kept.push({ row, target });
  });
  return kept;
}

/** A TrafficPolicy document for the request. */
export function trafficPolicyFromRequest(request: TrafficRequest): unknown {
  const [namespace, service] = request.service.split('/');
  const sources = request.sourceClusters?.filter(Boolean) ?? [];
  const route = routeFromRequest(request.route).map(r => r.target);
  const retries = request.retries;
  return withoutUndefined({
    apiVersion: POLICY_API_VERSION,
    kind: 'TrafficPolicy',
    metadata: {
      name:
        request.name ||
        defaultPolicyName(
          'TrafficPolicy',
          namespace,
          sources.length > 0
            ? [service, 'from', ...sources]
            : [service, 'route'],
        ),
      namespace,
    },
    spec: {
      sources:
        sources.length > 0 ? sources.map(cluster => ({ cluster })) : undefined,
      destination: { service, namespace, port: request.port },
      route: route.length > 0 ? route : undefined,
      timeout: request.timeout || undefined,
      retries:
        retries?.attempts !== undefined
          ? {
              attempts: retries.attempts,
              perTryTimeout: retries.perTryTimeout || undefined,
              retryOn: nonEmpty(retries.retryOn),
            }
          : undefined,
    },
  });
}

/** An AccessPolicy document for the request. */
export function accessPolicyFromRequest(request: AccessRequest): unknown {
  const [namespace, service] = request.service.split('/');
  const { sources } = request;
  const first = sources[0];
  const allow = withoutUndefined({
    methods: nonEmpty(request.methods),
    paths: nonEmpty(request.paths),
    ports: nonEmpty(request.ports),
  });
  return withoutUndefined({
    apiVersion: POLICY_API_VERSION,
    kind: 'AccessPolicy',
    metadata: {
      name:
        request.name ||
        defaultPolicyName('AccessPolicy', namespace, [
          String(first.serviceAccount || first.namespace),
          String(first.cluster),
          ...(sources.length > 1 ? [`and-${sources.length - 1}-more`] : []),
          'to',
          service,
        ]),
      namespace,
    },
    spec: {
      sources: sources.map(s =>
        withoutUndefined({
          cluster: s.cluster,
          namespace: s.namespace,
          serviceAccount: s.serviceAccount || undefined,
        }),
      ),
      destination: { service, namespace, port: request.port },
      allow: Object.keys(allow).length > 0 ? allow : undefined,
    },
  });
}

function nonEmpty(list: unknown[] | undefined): unknown[] | undefined {
  return Array.isArray(list) && list.length > 0 ? list : undefined;
}

/** Drops absent optional fields, so the policy file holds only what was asked for. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    ) as T;
  }
  return value;
}
