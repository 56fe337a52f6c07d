import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import { nameProblem } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterSource, KubernetesClusterSource } from './ClusterSource';

const AUTH_PROVIDER_METADATA_KEY = 'kubernetes.io/auth-provider';

/**
 * Why a configured cluster name cannot be used, or undefined when it can. Cluster names become
 * part of generated resource names, `topology.istio.io/cluster` label values and the policy
 * repository's `rendered/<cluster>/` paths, so they must be DNS-1123 labels; a name that is
 * not is refused here, where it enters, with how to fix it.
 */
export function clusterNameProblem(
  name: string,
  where: string,
): string | undefined {
  const problem = nameProblem('cluster name', name, 'dns1123-label');
  if (!problem) return undefined;
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return `Mesh discovery skips cluster ${JSON.stringify(
    name,
  )} (${where}): ${problem}; rename it${
    suggestion ? `, e.g. to "${suggestion}"` : ''
  }`;
}

function readKubernetesClusters(
  config: Config,
  logger: LoggerService,
): KubernetesClusterSource[] {
  const out: KubernetesClusterSource[] = [];
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  methods.forEach((method, m) => {
    if (method.getString('type') !== 'config') return;
    (method.getOptionalConfigArray('clusters') ?? []).forEach((cluster, c) => {
      const name = cluster.getString('name');
      const problem = clusterNameProblem(
        name,
        `kubernetes.clusterLocatorMethods[${m}].clusters[${c}].name`,
      );
      if (problem) {
        logger.error(problem);
        return;
      }
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
        return;
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
    });
  });
  return out;
}

/** Each sub-directory of `mesh.snapshot.directory` is one cluster, named after it. */
function readSnapshotClusters(config: Config, logger: LoggerService) {
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
    .filter(entry => {
      const problem = clusterNameProblem(
        entry.name,
        `a directory of mesh.snapshot.directory ${root}`,
      );
      if (problem) logger.error(problem);
      return !problem;
    })
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
    ...readSnapshotClusters(config, logger),
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
