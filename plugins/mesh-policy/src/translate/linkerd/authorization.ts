import type { ServiceInstance } from '@meshport/backstage-plugin-mesh-common';
import { dnsLabel } from '../../names';
import type { AccessPolicy } from '../../schema/accessPolicy';
import type { GrantedIdentity } from '../access';
import { ResourceSet } from '../resources';
import { targetPorts } from '../targetPorts';
import { LINKERD_POLICY_V1ALPHA1, LINKERD_SERVER } from './apiVersions';

/**
 * Linkerd authorizes traffic to a Server (pods + port), so the grant is a Server per port, a
 * MeshTLSAuthentication listing the callers' identities, and an AuthorizationPolicy tying them.
 * A whole namespace is the `*.` prefix wildcard on the identity.
 */
export function addLinkerdAuthorization(
  out: ResourceSet,
  ref: string,
  policy: AccessPolicy,
  cluster: string,
  instance: ServiceInstance,
  granted: GrantedIdentity[],
) {
  const dest = policy.spec.destination;
  const ports =
    policy.spec.allow?.ports ??
    (dest.port !== undefined
      ? [dest.port]
      : instance.ports.map(p => p.port).sort((a, b) => a - b));
  const authName = dnsLabel(
    'meshport',
    policy.metadata.namespace,
    policy.metadata.name,
  );
  const identities = [
    ...new Set(
      granted.map(
        g =>
          `${g.source.serviceAccount ?? '*'}.${
            g.source.namespace
          }.serviceaccount.identity.${g.controlPlaneNamespace}.${
            g.trustDomain
          }`,
      ),
    ),
  ];
  out.upsert(
    cluster,
    {
      apiVersion: LINKERD_POLICY_V1ALPHA1,
      kind: 'MeshTLSAuthentication',
      namespace: dest.namespace,
      name: authName,
    },
    ref,
    () => ({
      identities,
    }),
  );
  ports.forEach((port, i) => {
    const serverName = dnsLabel('meshport', dest.service, String(port));
    out.upsert(
      cluster,
      {
        apiVersion: LINKERD_SERVER,
        kind: 'Server',
        namespace: dest.namespace,
        name: serverName,
      },
      ref,
      () => ({
        podSelector: { matchLabels: { ...instance.selector } },
        port: targetPorts(instance.ports, [port])[0],
      }),
    );
    out.upsert(
      cluster,
      {
        apiVersion: LINKERD_POLICY_V1ALPHA1,
        kind: 'AuthorizationPolicy',
        namespace: dest.namespace,
        name:
          ports.length > 1 ? dnsLabel(authName, String(ports[i])) : authName,
      },
      ref,
      () => ({
        targetRef: {
          group: 'policy.linkerd.io',
          kind: 'Server',
          name: serverName,
        },
        requiredAuthenticationRefs: [
          {
            group: 'policy.linkerd.io',
            kind: 'MeshTLSAuthentication',
            name: authName,
          },
        ],
      }),
    );
  });
}
