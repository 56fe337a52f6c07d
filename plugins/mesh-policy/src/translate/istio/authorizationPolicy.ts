import type { ServiceInstance } from '@meshport/backstage-plugin-mesh-common';
import { dnsLabel } from '../../names';
import type { AccessPolicy } from '../../schema/accessPolicy';
import type { GrantedIdentity } from '../access';
import { targetPorts } from '../targetPorts';
import { ResourceSet } from '../resources';
import { SECURITY } from './apiVersions';

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
) {
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
  const operation = {
    methods: allow?.methods,
    paths: allow?.paths,
    ports: ports && targetPorts(instance.ports, ports).map(String),
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
}
