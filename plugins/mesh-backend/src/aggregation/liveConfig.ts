import type { LiveConfigObject } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterInventory, MeshConfigObject } from './inventory';

function liveConfigObject(o: MeshConfigObject): LiveConfigObject {
  const metadata: LiveConfigObject['metadata'] = {
    name: o.name,
    namespace: o.namespace,
  };
  // empty maps are left out: the export stays small and reads like `kubectl get -o yaml`
  if (Object.keys(o.labels).length > 0) metadata.labels = o.labels;
  if (Object.keys(o.annotations).length > 0)
    metadata.annotations = o.annotations;
  const live: LiveConfigObject = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata,
    spec: o.spec,
  };
  // the lifecycle tells `rejected` by these; other status fields are not kept
  if (o.validationMessages)
    live.status = { validationMessages: o.validationMessages };
  return live;
}

/**
 * A cluster's mesh config objects in the shape Kubernetes serves them, as the fleet publishes
 * them (`FleetCluster.config`): what the analysis and the verifier read. Labels, annotations
 * (only those discovery keeps, see `projectInventory.ts`) and specs are the inventory's own
 * objects, not copies: the fleet memo keeps one derivation per inventory, so each is held once.
 */
export function liveConfig(inventory: ClusterInventory): LiveConfigObject[] {
  return inventory.meshConfig.map(liveConfigObject);
}
