import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import type { ClusterSource, KubernetesClusterSource } from './ClusterSource';

const AUTH_PROVIDER_METADATA_KEY = 'kubernetes.io/auth-provider';

function readKubernetesClusters(
  config: Config,
  logger: LoggerService,
): KubernetesClusterSource[] {
  const out: KubernetesClusterSource[] = [];
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      // the metadata key holds dots and a slash, so it is read from the object, not as a path
      const metadata =
        cluster.getOptional<Record<string, unknown>>('authMetadata');
      const fromMetadata = metadata?.[AUTH_PROVIDER_METADATA_KEY];
      const authProvider =
        cluster.getOptionalString('authProvider') ??
        (typeof fromMetadata === 'string' ? fromMetadata : undefined);
      if (authProvider !== 'serviceAccount') {
        // other providers (aws, google, oidc…) need the Kubernetes plugin's auth strategies
        logger.warn(
          `Mesh discovery skips cluster ${name}: authProvider '${authProvider}' is not supported, use 'serviceAccount'`,
        );
        continue;
      }
      out.push({
        type: 'kubernetes',
        name,
        url: cluster.getString('url'),
        serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      });
    }
  }
  return out;
}

/** Each sub-directory of `mesh.snapshot.directory` is one cluster, named after it. */
function readSnapshotClusters(config: Config) {
  const directory = config.getOptionalString('mesh.snapshot.directory');
  if (!directory) return [];
  const root = path.resolve(directory);
  if (!fs.existsSync(root)) {
    throw new Error(
      `mesh.snapshot.directory ${root} does not exist; it is resolved from the backend's working directory`,
    );
  }
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => ({
      type: 'snapshot' as const,
      name: entry.name,
      directory: path.join(root, entry.name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The clusters to discover: the Kubernetes plugin's config clusters plus any snapshot ones. */
export function readClusterSources(
  config: Config,
  logger: LoggerService,
): ClusterSource[] {
  const sources: ClusterSource[] = [
    ...readKubernetesClusters(config, logger),
    ...readSnapshotClusters(config),
  ];
  const seen = new Set<string>();
  for (const source of sources) {
    if (seen.has(source.name)) {
      throw new Error(
        `Cluster name ${source.name} is configured twice (kubernetes.clusterLocatorMethods and/or mesh.snapshot.directory); names must be unique`,
      );
    }
    seen.add(source.name);
  }
  return sources;
}
