import {
  linkerdIdentity,
  type ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import type { Conflict } from '../../conflicts';
import { dnsLabel } from '../../names';
import type { AccessPolicy } from '../../schema/accessPolicy';
import type { GrantedIdentity } from '../../plan/types';
import { ResourceSet } from '../resources';
import { targetPorts } from '../targetPorts';
import { LINKERD_POLICY_V1ALPHA1 } from './apiVersions';

/** The service ports a grant covers: `allow.ports`, else the destination port, else all. */
export function grantedPorts(
  policy: AccessPolicy,
  instance: ServiceInstance,
): number[] {
  const dest = policy.spec.destination;
  return (
    policy.spec.allow?.ports ??
    (dest.port !== undefined
      ? [dest.port]
      : instance.ports.map(p => p.port).sort((a, b) => a - b))
  );
}

/**
 * Hand-written Servers the grant's new Servers would collide with. Up to Linkerd 2.17 the
 * admission webhook rejects a Server whose port equals another's and whose pod selector
 * overlaps it (policy-controller/src/admission.rs, `Validate<ServerSpec>`); from 2.18 the
 * webhook no longer checks, and when two Servers select one pod port the policy controller
 * uses the oldest and skips the other (policy-controller/k8s/index/src/inbound/index.rs, "Port
 * already matched by another server; skipping"), so a new one would be silently ignored.
 * Every Server listed on the instance selects its pods (discovery lists only those), so one on
 * the same port is a conflict. Linkerd compares ports literally, but a name and a number can
 * still name one container port, and the fleet has no container port names: a name against a
 * number, or a Server whose port the snapshot lacks, counts as a collision.
 */
export function serverCollisions(
  ref: string,
  policy: AccessPolicy,
  cluster: string,
  instance: ServiceInstance,
): Conflict[] {
  const dest = policy.spec.destination;
  const wanted = targetPorts(instance.ports, grantedPorts(policy, instance));
  const conflicts: Conflict[] = [];
  for (const c of instance.config) {
    if (c.kind !== 'Server' || c.meshportPolicy) continue;
    const port =
      typeof c.port === 'number' || typeof c.port === 'string'
        ? c.port
        : undefined;
    const hit = wanted.find(
      w => port === undefined || w === port || typeof w !== typeof port,
    );
    if (hit === undefined) continue;
    const existing = `Server ${c.namespace}/${c.name}`;
    let why = `its port ${port} may be the same container port as ${hit}`;
    if (port === undefined)
      why = `its port is not in this fleet snapshot, so it may cover port ${hit}`;
    else if (port === hit)
      why = `it already covers port ${hit} of the same pods`;
    conflicts.push({
      kind: 'existing-config',
      policies: [ref],
      existing,
      clusters: [cluster],
      message: `hand-written ${existing} in ${cluster} selects the pods of ${dest.service}.${dest.namespace} and ${why}: Linkerd applies one Server per pod port (it rejects or ignores a second), so Meshport will not add another; grant the callers through an AuthorizationPolicy on ${c.name}, or delete it and render again`,
    });
  }
  return conflicts;
}

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
  serverApiVersion: string,
) {
  const dest = policy.spec.destination;
  const ports = grantedPorts(policy, instance);
  const authName = dnsLabel(
    'meshport',
    policy.metadata.namespace,
    policy.metadata.name,
  );
  const identities = [
    ...new Set(
      granted.map(g =>
        linkerdIdentity(
          g.controlPlaneNamespace,
          g.trustDomain,
          g.source.namespace,
          g.source.serviceAccount ?? '*',
        ),
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
        apiVersion: serverApiVersion,
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
