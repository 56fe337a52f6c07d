import { nameProblem } from '@meshport/backstage-plugin-mesh-common';

/**
 * Why a cluster name cannot be used, or undefined when it can. Cluster names become part of
 * generated resource names, `topology.istio.io/cluster` label values and the policy
 * repository's `rendered/<cluster>/` paths, so they must be DNS-1123 labels; a name that is
 * not is refused where it enters, with how to fix it.
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
