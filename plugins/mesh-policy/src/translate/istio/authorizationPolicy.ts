import type { ServiceInstance } from '@meshport/backstage-plugin-mesh-common';
import { dnsLabel } from '../../names';
import type { AccessPolicy } from '../../schema/accessPolicy';
import type { GrantedIdentity } from '../access';
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

/**
 * An ALLOW AuthorizationPolicy on the destination's pods. Principals are
 * `<trust domain>/ns/<ns>/sa/<sa>`; a whole namespace is the `sa/*` suffix wildcard, which,
 * unlike `namespaces`, still pins the caller's trust domain.
 */
export function addIstioAuthorization(
  out: ResourceSet,
  ref: string,
  policy: AccessPolicy,
  cluster: string,
  instance: ServiceInstance,
  granted: GrantedIdentity[],
): string | undefined {
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
  const resolved = ports && grantPorts(instance, ports);
  if (resolved && 'error' in resolved) return resolved.error;
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
      selector: { matchLabels: { ...instance.selector } },
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
