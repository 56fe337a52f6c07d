import { Diagnostic, compareStrings } from '../diagnostics';
import { Topology } from '../fleet/topology';
import {
  linkerdIdentity,
  MeshKind,
  ServiceInstance,
  spiffeIdentity,
} from '@meshport/backstage-plugin-mesh-common';
import type { Conflict } from '../conflicts';
import type { GrantedIdentity } from '../plan/types';
import type { AccessPolicy } from '../schema/accessPolicy';
import { policyRef } from '../schema/policy';
import * as checks from '../validate/fleetChecks';
import { ResourceSet } from './resources';
import { addIstioAuthorization } from './istio/authorizationPolicy';
import { linkerdApiVersions } from './linkerd/apiVersions';
import {
  addLinkerdAuthorization,
  serverCollisions,
} from './linkerd/authorization';
import { gatewayHidesCaller } from './linkerd/multicluster';

/**
 * An AccessPolicy becomes an ALLOW rule on the destination's workloads in every cluster that
 * serves it. Each source keeps the trust domain of its own cluster: a caller from cluster-1
 * presents a cluster-1 certificate wherever it calls.
 */
export function compileAccessPolicy(
  policy: AccessPolicy,
  topo: Topology,
  out: ResourceSet,
) {
  const ref = policyRef(policy);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const conflicts: Conflict[] = [];
  const { destination: dest, sources, allow } = policy.spec;
  const err = (path: string, message: string) =>
    errors.push({ policy: ref, path, message });

  const missing = checks.unknownService(topo, dest.namespace, dest.service);
  if (missing) {
    err('spec.destination.service', missing);
    return { errors, warnings, conflicts };
  }
  if (dest.port !== undefined) {
    const msg = checks.checkPort(topo, dest.namespace, dest.service, dest.port);
    if (msg) err('spec.destination.port', msg);
  }
  sources.forEach((s, i) => {
    const unknown = checks.unknownCluster(topo, s.cluster);
    if (unknown) {
      err(`spec.sources.${i}.cluster`, unknown);
    } else if (s.serviceAccount) {
      const identity = callerIdentity(
        topo,
        s.cluster,
        s.namespace,
        s.serviceAccount,
      );
      if (!topo.hasIdentity(s.cluster, identity)) {
        err(
          `spec.sources.${i}.serviceAccount`,
          `unknown identity ${identity}: no workload in ${s.cluster} runs as service account ${s.serviceAccount} in namespace ${s.namespace}; check the names or deploy the caller first`,
        );
      }
    } else if (!topo.hasNamespace(s.cluster, s.namespace)) {
      err(
        `spec.sources.${i}.namespace`,
        `no mesh workload runs in namespace ${s.namespace} of ${s.cluster}: check the namespace and cluster`,
      );
    }
  });
  if (errors.length > 0) return { errors, warnings, conflicts };

  for (const serving of topo.servingClusters(dest.namespace, dest.service)) {
    const granted: GrantedIdentity[] = [];
    sources.forEach((s, i) => {
      const path = `spec.sources.${i}.cluster`;
      if (s.cluster !== serving && !topo.reach(s.cluster, serving)) {
        warnings.push({
          policy: ref,
          path,
          message: `${s.cluster} cannot reach ${serving} (no link), so the grant is not rendered there`,
        });
        return;
      }
      const mtls =
        checks.rootMismatch(topo, s.cluster, serving) ??
        checks.trustDomainRejected(topo, s.cluster, serving);
      if (mtls) {
        err(path, mtls);
        return;
      }
      const hidden =
        topo.meshKind(serving) === 'linkerd'
          ? gatewayHidesCaller(topo, s.cluster, serving)
          : undefined;
      if (hidden) {
        err(path, hidden);
        return;
      }
      granted.push({
        source: s,
        trustDomain: topo.trustDomain(s.cluster),
        controlPlaneNamespace:
          topo.controlPlane(s.cluster)?.namespace ?? 'linkerd',
      });
    });
    if (granted.length === 0) continue;
    granted.sort((a, b) =>
      compareStrings(
        `${a.trustDomain}/${a.source.namespace}/${
          a.source.serviceAccount ?? ''
        }`,
        `${b.trustDomain}/${b.source.namespace}/${
          b.source.serviceAccount ?? ''
        }`,
      ),
    );
    const instance = topo.instance(dest.namespace, dest.service, serving)!;
    if (Object.keys(instance.selector).length === 0) {
      err(
        'spec.destination.service',
        `${dest.service}.${dest.namespace} in ${serving} has no pod selector: a grant would open the whole namespace; give the Service a selector`,
      );
      continue;
    }
    const mesh = topo.meshKind(serving);
    const closing = firstGrantWarning(instance, mesh, serving, dest);
    if (closing) warnings.push({ policy: ref, path: 'spec', message: closing });
    if (mesh === 'istio') {
      const problem = addIstioAuthorization(
        out,
        ref,
        policy,
        serving,
        instance,
        granted,
      );
      if (problem) err(problem.path, problem.message);
    } else if (mesh === 'linkerd') {
      if (allow?.methods || allow?.paths) {
        err(
          'spec.allow',
          `${serving} runs Linkerd, which authorizes by port here, not by method or path: drop allow.methods and allow.paths, or split the policy`,
        );
        continue;
      }
      const collisions = serverCollisions(ref, policy, serving, instance);
      if (collisions.length > 0) {
        conflicts.push(...collisions);
        continue;
      }
      const versions = linkerdApiVersions(topo.controlPlane(serving)?.version);
      if (versions.warning)
        warnings.push({
          policy: ref,
          path: 'spec.destination',
          message: `${serving}: ${versions.warning}`,
        });
      addLinkerdAuthorization(
        out,
        ref,
        policy,
        serving,
        instance,
        granted,
        versions.server,
      );
    } else {
      warnings.push({
        policy: ref,
        path: 'spec.destination',
        message: `${serving} runs no mesh, so it cannot enforce the grant; nothing is rendered there`,
      });
    }
  }
  return { errors, warnings, conflicts };
}

/**
 * The identity a caller presents, in its own mesh's format: Linkerd's proxy identity name on a
 * Linkerd cluster, the SPIFFE ID elsewhere. Discovery records workloads the same way.
 */
function callerIdentity(
  topo: Topology,
  cluster: string,
  namespace: string,
  serviceAccount: string,
): string {
  const cp = topo.controlPlane(cluster);
  return cp?.kind === 'linkerd'
    ? linkerdIdentity(cp.namespace, cp.trustDomain, namespace, serviceAccount)
    : spiffeIdentity(topo.trustDomain(cluster), namespace, serviceAccount);
}

/**
 * An ALLOW rule is not only additive. In Istio, once any ALLOW AuthorizationPolicy selects a
 * workload, requests that no ALLOW rule matches are denied; in Linkerd, once a Server covers
 * a port, callers no AuthorizationPolicy names are refused. So a grant on a service that had
 * none cuts off every caller it does not list — say so, the reviewer must know.
 */
function firstGrantWarning(
  instance: ServiceInstance,
  mesh: MeshKind | undefined,
  serving: string,
  dest: { service: string; namespace: string },
): string | undefined {
  const service = `${dest.service}.${dest.namespace}`;
  const has = (kind: string) => instance.config.some(c => c.kind === kind);
  if (mesh === 'istio' && !has('AuthorizationPolicy')) {
    return `no AuthorizationPolicy selects ${service} in ${serving} yet: with this ALLOW grant, Istio denies every caller it does not name there; grant each caller that must keep access (the service page lists who calls it today)`;
  }
  if (mesh === 'linkerd' && !has('Server')) {
    return `no Linkerd Server covers ${service} in ${serving} yet: the Server this grant creates refuses every caller it does not name there; grant each caller that must keep access (the service page lists who calls it today)`;
  }
  return undefined;
}
