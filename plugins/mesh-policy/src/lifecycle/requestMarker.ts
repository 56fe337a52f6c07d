import type {
  PolicyRef,
  PolicyRequest,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * The request marker: one HTML comment in a pull request's description naming the policies it
 * requests and who asked, written by the scaffolder actions and read back by the lifecycle
 * sync. The SCM keeps it with the pull request, so every replica reads the same record and
 * nothing else has to be stored. HTML comments are not shown by GitHub or GitLab.
 */
const OPEN = '<!-- meshport-request ';
const CLOSE = ' -->';

export interface PolicyRequestMarker extends PolicyRequest {
  policies: PolicyRef[];
  /**
   * The services the policies are about (`<namespace>/<name>`): what tells who may read a
   * policy that is only in a pull request, before any branch renders it.
   */
  destinations?: string[];
}

/**
 * The marker's line. `<`, `>` and `-` are escaped inside the JSON (as `\u003c`, `\u003e`,
 * `\u002d`), so no value can close the comment early or open another.
 */
export function formatPolicyRequestMarker(marker: PolicyRequestMarker): string {
  const json = JSON.stringify({
    policies: marker.policies,
    destinations: marker.destinations,
    taskId: marker.taskId,
    requester: marker.requester,
    team: marker.team,
    requestedAt: marker.requestedAt,
  }).replace(
    /[<>-]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${OPEN}${json}${CLOSE}`;
}

const POLICY_REF =
  /^(trafficpolicy|accesspolicy|virtualdestination)\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** `<namespace>/<name>`, both Kubernetes DNS labels. */
const SERVICE_ID =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const optionalString = (v: unknown, max: number) =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;

/**
 * The marker in a pull request description, or undefined when there is none or it is malformed
 * (a pull request anyone can edit is input: only well-formed policy refs and short strings are
 * kept). The last marker wins, as an edit appends.
 */
export function parsePolicyRequestMarker(
  body: string | null | undefined,
): PolicyRequestMarker | undefined {
  if (!body) return undefined;
  const at = body.lastIndexOf(OPEN);
  if (at < 0) return undefined;
  const end = body.indexOf(CLOSE, at + OPEN.length);
  if (end < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.slice(at + OPEN.length, end));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const policies = Array.isArray(v.policies)
    ? v.policies.filter(
        (p): p is string => typeof p === 'string' && POLICY_REF.test(p),
      )
    : [];
  if (policies.length === 0) return undefined;
  const requestedAt = optionalString(v.requestedAt, 40);
  const destinations = Array.isArray(v.destinations)
    ? v.destinations.filter(
        (d): d is string =>
          typeof d === 'string' && d.length <= 127 && SERVICE_ID.test(d),
      )
    : [];
  return {
    policies: [...new Set(policies)].sort(),
    ...(destinations.length > 0 && {
      destinations: [...new Set(destinations)].sort(),
    }),
    taskId: optionalString(v.taskId, 100),
    requester: optionalString(v.requester, 300),
    team: optionalString(v.team, 300),
    requestedAt:
      requestedAt && !Number.isNaN(Date.parse(requestedAt))
        ? requestedAt
        : undefined,
  };
}
