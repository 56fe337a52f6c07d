import type { ServiceInstance } from '@meshport/backstage-plugin-mesh-common';
import { dnsLabel } from '../../names';
import type { AccessPolicy } from '../../schema/accessPolicy';
import type { GrantedIdentity } from '../../plan/types';
import { targetPorts } from '../targetPorts';
import { ResourceSet } from '../resources';
import { SECURITY } from './apiVersions';

/**
 * The pod ports a grant covers. Istio matches `to.operation.ports` against the port the
 * connection reaches on the pod, and its webhook takes only numbers there
 * (`security.ValidatePorts`, pkg/config/security/security.go: "bad port"); a Service whose
 * `targetPort` names a container port (`http`) gives a name the fleet cannot turn into a number.
 */
export function grantPorts(
  instance: ServiceInstance,
  ports: number[],
): { ports: string[] } | { error: string } {
  const targets = targetPorts(instance.ports, ports);
  const named = ports.filter((_, i) => typeof targets[i] !== 'number');
  if (named.length > 0) {
    return {
      error: `port ${named.join(', ')} of the service in ${
        instance.cluster
      } targets the container port named "${named
        .map(p => targets[ports.indexOf(p)])
        .join(
          '", "',
        )}", and an AuthorizationPolicy can only name port numbers (Istio rejects a name as "bad port"): give the Service a numeric targetPort, or drop allow.ports and destination.port to grant every port`,
    };
  }
  return { ports: targets.map(String) };
}

/** Whether ztunnel, not a sidecar, receives traffic for some of the instance's pods. */
function ambient(instance: ServiceInstance): boolean {
  return (
    instance.dataPlaneMode === 'ambient' ||
    instance.workloads.some(w => w.dataPlaneMode === 'ambient')
  );
}

/**
 * Where Istio enforces the grant. Sidecars enforce a `selector` policy at L4 and L7. In
 * ambient mode a `selector` policy is enforced by the destination's ztunnel, which sees no
 * HTTP: an ALLOW rule with methods or paths never matches there, so once it applies every
 * caller is denied ("Use Layer 4 security policy", istio.io/latest/docs/ambient/usage/l4-policy/).
 * With a waypoint, ztunnel sees the waypoint's identity instead of the caller's, so the policy
 * must attach to the Service through `targetRefs` for the waypoint to enforce it, L4 or L7
 * ("Migrate policies", istio.io/latest/docs/ambient/migrate/migrate-policies/; Istio's
 * `allowedTargetRefs` includes core/Service).
 */
type Attachment =
  | { selector: { matchLabels: Record<string, string> } }
  | { targetRefs: { group: string; kind: string; name: string }[] };

function attachment(
  policy: AccessPolicy,
  cluster: string,
  instance: ServiceInstance,
): Attachment | { error: string } {
  const allow = policy.spec.allow;
  const dest = policy.spec.destination;
  if (!ambient(instance))
    return { selector: { matchLabels: { ...instance.selector } } };
  if (instance.waypoint) {
    return {
      targetRefs: [{ group: '', kind: 'Service', name: dest.service }],
    };
  }
  if (allow?.methods || allow?.paths) {
    return {
      error: `${dest.service}.${dest.namespace} runs in ambient mode in ${cluster} without a waypoint: ztunnel enforces this grant and cannot see methods or paths, so its ALLOW rule would never match and Istio would deny every caller; deploy a waypoint for the service (istioctl waypoint apply -n ${dest.namespace} --enroll-namespace) and rediscover, or drop allow.methods and allow.paths for a port-level grant`,
    };
  }
  return { selector: { matchLabels: { ...instance.selector } } };
}

/**
 * An ALLOW AuthorizationPolicy for the destination: on its pods, or on its Service when a
 * waypoint enforces it. Principals are `<trust domain>/ns/<ns>/sa/<sa>`; a whole namespace is
 * the `sa/*` suffix wildcard, which, unlike `namespaces`, still pins the caller's trust domain.
 */
export function addIstioAuthorization(
  out: ResourceSet,
  ref: string,
  policy: AccessPolicy,
  cluster: string,
  instance: ServiceInstance,
  granted: GrantedIdentity[],
): { path: string; message: string } | undefined {
  const allow = policy.spec.allow;
  const principals = [
    ...new Set(
      granted.map(
        g =>
          `${g.trustDomain}/ns/${g.source.namespace}/sa/${
            g.source.serviceAccount ?? '*'
          }`,
      ),
    ),
  ];
  const ports =
    allow?.ports ??
    (policy.spec.destination.port !== undefined
      ? [policy.spec.destination.port]
      : undefined);
  const attach = attachment(policy, cluster, instance);
  if ('error' in attach) return { path: 'spec.allow', message: attach.error };
  // A waypoint receives requests for the Service's address and port, not the pod's.
  const resolved =
    ports &&
    ('targetRefs' in attach
      ? { ports: ports.map(String) }
      : grantPorts(instance, ports));
  if (resolved && 'error' in resolved)
    return {
      path: allow?.ports ? 'spec.allow.ports' : 'spec.destination.port',
      message: resolved.error,
    };
  const operation = {
    methods: allow?.methods,
    paths: allow?.paths,
    ports: resolved?.ports,
  };
  const hasOperation = Object.values(operation).some(v => v !== undefined);
  out.upsert(
    cluster,
    {
      apiVersion: SECURITY,
      kind: 'AuthorizationPolicy',
      namespace: policy.spec.destination.namespace,
      name: dnsLabel(
        'meshport',
        policy.metadata.namespace,
        policy.metadata.name,
      ),
    },
    ref,
    () => ({
      action: 'ALLOW',
      ...attach,
      rules: [
        {
          from: [{ source: { principals } }],
          to: hasOperation ? [{ operation }] : undefined,
        },
      ],
    }),
  );
  return undefined;
}
