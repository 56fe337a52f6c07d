import type {
  ControlPlane,
  FindingObject,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import type { Topology } from '../../../fleet/topology';
import type { Check, FindingDraft } from '../../types';

/** `istioctl create-remote-secret --name <cluster>` names its Secret `istio-remote-secret-<cluster>` (istioctl/pkg/multicluster/remote_secret.go). */
const secretName = (cluster: string) => `istio-remote-secret-${cluster}`;

function secretRef(
  cluster: string,
  plane: ControlPlane,
  remote: string,
): FindingObject {
  return {
    cluster,
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: plane.namespace,
    name: secretName(remote),
  };
}

/** Whether two clusters belong to one Istio mesh: the same mesh id, else one mesh of the fleet holding both. */
function sameMesh(
  topo: Topology,
  a: string,
  b: string,
  meshOf: Map<string, Set<string>>,
): boolean {
  const ia = topo.controlPlane(a)?.meshId;
  const ib = topo.controlPlane(b)?.meshId;
  if (ia && ib) return ia === ib;
  return [...(meshOf.get(a) ?? [])].some(m => meshOf.get(b)?.has(m));
}

/**
 * MESH404: a control plane without the remote secret its mesh implies. In a multi-primary mesh
 * each istiod learns another cluster's services and endpoints only from a remote secret for it
 * (Istio docs, "Install Multi-Primary": "Enable Endpoint Discovery" in both directions;
 * pkg/kube/multicluster/secretcontroller.go watches Secrets labelled istio/multiCluster=true).
 * Two cases: one of two primaries of one mesh on a shared root reads the other but not back,
 * and a remote secret naming a cluster that matches none of the fleet.
 */
export const missingRemoteSecretCheck: Check = {
  code: 'MESH404',
  severity: 'warning',
  title: 'Control plane lacks the remote secret its mesh implies',
  run(ctx) {
    const topo = ctx.topology;
    const meshOf = new Map<string, Set<string>>();
    for (const m of ctx.fleet.meshes ?? [])
      for (const c of m?.clusters ?? []) {
        const set = meshOf.get(c) ?? new Set<string>();
        set.add(m.id);
        meshOf.set(c, set);
      }
    const primary = (c: string) => {
      const p = topo.controlPlane(c);
      return p && p.kind === 'istio' && !p.external ? p : undefined;
    };
    const drafts: FindingDraft[] = [];
    for (const reader of topo.clusterNames()) {
      const readerPlane = primary(reader);
      if (!readerPlane) continue;
      const reads = [...new Set(readerPlane.readsEndpointsFrom ?? [])]
        .filter(r => typeof r === 'string' && r !== reader)
        .sort(compareStrings);
      for (const read of reads) {
        const plane = primary(read);
        // A remote cluster (external istiod) needs no secret of its own; a control plane
        // whose secrets could not be listed may well have it.
        if (!plane || plane.remoteClustersUnknown) continue;
        if (topo.reach(read, reader) === 'shared-endpoint-discovery') continue;
        if (!sameMesh(topo, reader, read, meshOf)) continue;
        if (topo.mutuallyTrusted(reader, read) !== true) continue;
        const id = topo.clusterId(reader);
        drafts.push({
          message: `Control plane ${plane.namespace} of cluster ${read} has no remote secret for cluster ${reader}, though ${reader}'s control plane reads ${read}'s endpoints and both are one mesh on a shared root: ${read}'s proxies never learn ${reader}'s endpoints, so services that run only in ${reader} do not resolve from ${read}, and those in both are served from ${read} alone (no failover, no traffic shift to ${reader}).`,
          fix: `Create the remote secret in cluster ${read}: istioctl create-remote-secret --context=<${reader}> --name=${id} | kubectl apply -f - --context=<${read}> (the Secret ${
            plane.namespace
          }/${secretName(
            id,
          )}, labelled istio/multiCluster=true); or, if ${read} is meant to stay out of the mesh, delete ${secretName(
            topo.clusterId(read),
          )} from cluster ${reader}.`,
          objects: [secretRef(read, plane, id)],
          clusters: [reader],
        });
      }
    }
    for (const cluster of topo.clusterNames())
      for (const plane of topo.cluster(cluster)?.controlPlanes ?? []) {
        if (!plane || plane.kind !== 'istio' || plane.remoteClustersUnknown)
          continue;
        const unresolved = [...new Set(plane.unresolvedRemoteClusters ?? [])]
          .filter((r): r is string => typeof r === 'string' && r !== '')
          .sort(compareStrings);
        for (const remote of unresolved)
          drafts.push({
            message: `A remote secret of control plane ${plane.namespace} (revision ${plane.revision}) in cluster ${cluster} names cluster ${remote}, which matches no cluster of the fleet by CLUSTER_ID or name: either the secret is stale (that cluster was removed or renamed, or its CLUSTER_ID differs from the name the secret was created with) and istiod keeps watching an API server that is not part of the mesh, or the cluster is missing from Backstage's kubernetes configuration and its endpoints are not analysed.`,
            fix: `If ${remote} is gone, delete its remote secret from ${plane.namespace} in cluster ${cluster} (kubectl get secret -n ${plane.namespace} -l istio/multiCluster=true); if it was created with the wrong name, recreate it with --name set to the remote cluster's CLUSTER_ID; otherwise add ${remote} to kubernetes.clusterLocatorMethods so Meshport discovers it.`,
            objects: [secretRef(cluster, plane, remote)],
            keyParts: [remote],
          });
      }
    return drafts;
  },
};
