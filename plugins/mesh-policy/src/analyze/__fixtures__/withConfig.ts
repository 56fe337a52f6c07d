import type {
  Fleet,
  LiveConfigObject,
} from '@meshport/backstage-plugin-mesh-common';
import type { ClusterObject } from '../../verify/types';

/**
 * The fleet with each named cluster's live mesh config set to the given objects (every
 * other cluster's config left as it was). Objects without a namespace get `default`, as
 * Kubernetes would give them.
 */
export function withConfig(
  fleet: Fleet,
  config: Record<string, ClusterObject[]>,
): Fleet {
  return {
    ...fleet,
    clusters: fleet.clusters.map(c =>
      config[c.name]
        ? {
            ...c,
            config: config[c.name].map(
              (o): LiveConfigObject => ({
                apiVersion: o.apiVersion ?? 'networking.istio.io/v1',
                kind: o.kind,
                metadata: {
                  ...o.metadata,
                  namespace: o.metadata.namespace ?? 'default',
                },
                spec: o.spec ?? {},
              }),
            ),
          }
        : c,
    ),
  };
}
