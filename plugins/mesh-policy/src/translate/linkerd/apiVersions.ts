/**
 * Which API versions a Linkerd control plane serves, by its discovered version
 * (`ControlPlane.version`: `stable-2.14.10`, `edge-24.7.4`, `enterprise-2.15.4`, `version-2.17`).
 *
 * Read from the `served:` versions of the CRDs in charts/linkerd-crds/templates/ at each release
 * tag of linkerd/linkerd2 (stable-2.13.7, stable-2.14.10, edge-24.7.3, edge-24.7.4, version-2.15
 * to version-2.19):
 *
 * - Server (policy/server.yaml): v1alpha1 and v1beta1 in 2.13 and 2.14; v1beta2 added in 2.15;
 *   v1beta3 added in edge-24.7.4 (2.16 and later).
 * - HTTPRoute, policy.linkerd.io (policy/httproute.yaml): v1alpha1, v1beta1, v1beta2 in 2.13;
 *   v1beta3, with `timeouts` and ResponseHeaderModifier, added in edge-23.6.1 (2.14 and later).
 * - HTTPRoute, gateway.networking.k8s.io (gateway.networking.k8s.io_httproutes.yaml): v1beta1
 *   only up to 2.17, v1 from 2.18; installed only with `enableHttpRoutes` / `installGatewayAPI`.
 * - AuthorizationPolicy, MeshTLSAuthentication (policy/authorization-policy.yaml,
 *   policy/meshtls-authentication.yaml): v1alpha1 in every release.
 *
 * So Routes use Linkerd's own `policy.linkerd.io` HTTPRoute: always installed with Linkerd, and
 * its policy controller reads it beside the Gateway API one (policy-controller/src/main.rs
 * watches both), whereas the Gateway API CRD is optional and served as v1 only from 2.18.
 */

export const LINKERD_POLICY_V1ALPHA1 = 'policy.linkerd.io/v1alpha1';

/** The versions Meshport emits on one Linkerd control plane. */
export interface LinkerdApiVersions {
  server: string;
  httpRoute: string;
  /**
   * Whether that HTTPRoute is v1beta3, whose rules have `timeouts` and the
   * ResponseHeaderModifier filter; v1beta2 (Linkerd 2.13) has neither.
   */
  routeV1beta3: boolean;
  /** Why the versions are a guess, when the control plane's version was not recognised. */
  warning?: string;
}

/** A release, reduced to what orders it against the thresholds below. */
type Release =
  | { line: 'stable'; minor: number }
  | { line: 'edge'; year: number; month: number; patch: number };

const SERVER_V1BETA3: { minor: number; edge: [number, number, number] } = {
  minor: 16,
  edge: [24, 7, 4],
};
const HTTPROUTE_V1BETA3: { minor: number; edge: [number, number, number] } = {
  minor: 14,
  edge: [23, 6, 1],
};
/** The oldest release whose CRDs were checked; older ones are treated as unknown. */
const OLDEST_CHECKED_MINOR = 13;

/**
 * `stable-2.14.10`, `enterprise-2.15.4` and `version-2.17` are numbered by Linkerd minor;
 * `edge-24.7.4` by year, month and build. A suffix after the number (an image variant) is
 * tolerated; anything else is unknown.
 */
function parseLinkerdRelease(version: string | undefined): Release | undefined {
  const v = (version ?? '').trim();
  const stable =
    /^(?:stable|enterprise|version)-2\.(\d+)(?:\.[0-9x]+)*(?:-.*)?$/.exec(v);
  if (stable) return { line: 'stable', minor: Number(stable[1]) };
  const edge = /^edge-(\d{2})\.(\d{1,2})\.(\d+)(?:-.*)?$/.exec(v);
  if (edge)
    return {
      line: 'edge',
      year: Number(edge[1]),
      month: Number(edge[2]),
      patch: Number(edge[3]),
    };
  return undefined;
}

function atLeast(
  r: Release,
  threshold: { minor: number; edge: [number, number, number] },
): boolean {
  if (r.line === 'stable') return r.minor >= threshold.minor;
  const [y, m, p] = threshold.edge;
  return (
    r.year > y ||
    (r.year === y && (r.month > m || (r.month === m && r.patch >= p)))
  );
}

function tooOld(r: Release): boolean {
  // stable-2.13.0 was cut from the edge-23.4 builds; earlier ones were not checked
  return r.line === 'stable'
    ? r.minor < OLDEST_CHECKED_MINOR
    : r.year < 23 || (r.year === 23 && r.month < 4);
}

/**
 * The versions to emit for a control plane. An unknown or unchecked version gets the oldest
 * versions every checked release serves (Server v1beta1, HTTPRoute v1beta2, which has no
 * timeouts), with a warning naming the version so the reviewer can check.
 */
export function linkerdApiVersions(
  version: string | undefined,
): LinkerdApiVersions {
  const release = parseLinkerdRelease(version);
  if (!release || tooOld(release)) {
    return {
      server: 'policy.linkerd.io/v1beta1',
      httpRoute: 'policy.linkerd.io/v1beta2',
      routeV1beta3: false,
      warning: `Linkerd version ${
        version ? `"${version}"` : '(not discovered)'
      } is not one Meshport knows, so it emits the oldest API versions Linkerd 2.13 and later serve (Server v1beta1, HTTPRoute v1beta2); check them against the cluster's CRDs`,
    };
  }
  const routeV1beta3 = atLeast(release, HTTPROUTE_V1BETA3);
  return {
    server: atLeast(release, SERVER_V1BETA3)
      ? 'policy.linkerd.io/v1beta3'
      : 'policy.linkerd.io/v1beta1',
    httpRoute: routeV1beta3
      ? 'policy.linkerd.io/v1beta3'
      : 'policy.linkerd.io/v1beta2',
    routeV1beta3,
  };
}
