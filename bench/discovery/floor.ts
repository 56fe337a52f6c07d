import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { runBounded } from '../../plugins/mesh-backend/src/discovery/boundedPool';
import type { ResourceType } from '../../plugins/mesh-backend/src/readers/ClusterReader';
import {
  MESH_CONFIG_RESOURCES,
  RESOURCES,
} from '../../plugins/mesh-backend/src/readers/resources';
import { answer, childArgs, peakRssMiB } from '../lib/child';
import { clusterName } from '../lib/fleetObjects';

export interface FloorArgs {
  port: number;
  clusters: number;
  concurrency: number;
  pageSize: number;
}

export interface FloorResult {
  wallMs: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  requests: number;
  bytes: number;
  items: number;
}

const METADATA_ONLY_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/**
 * The floor: the same requests discovery makes (same lists, same pages, same per-cluster
 * parallelism, same pool of clusters), answered by the same server, doing nothing but reading
 * each body and JSON.parse-ing it. Whatever discovery spends beyond this is its own overhead.
 */
async function main() {
  const args = childArgs<FloorArgs>();
  let requests = 0;
  let bytes = 0;
  let items = 0;

  const get = (url: string, accept = 'application/json') =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON
      http
        .get(
          url,
          { headers: { accept, authorization: 'Bearer bench-token' } },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', c => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              requests++;
              bytes += text.length;
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
            });
            res.on('error', reject);
          },
        )
        .on('error', reject);
    });

  const readCluster = async (base: string) => {
    const groups = new Map<string, Promise<boolean>>();
    const served = (group: string) => {
      if (!groups.has(group))
        groups.set(
          group,
          get(`${base}/apis/${group}`).then(r => r.status === 200),
        );
      return groups.get(group)!;
    };
    const list = async (
      r: ResourceType,
      extra: { namespace?: string; labelSelector?: string } = {},
    ) => {
      if (r.optional && !(await served(r.group))) return;
      const prefix = r.group ? `/apis/${r.group}/${r.version}` : '/api/v1';
      const scope = extra.namespace ? `/namespaces/${extra.namespace}` : '';
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ limit: String(args.pageSize) });
        if (token) query.set('continue', token);
        if (extra.labelSelector)
          query.set('labelSelector', extra.labelSelector);
        const { body } = await get(
          `${base}${prefix}${scope}/${r.plural}?${query}`,
          r.metadataOnly ? METADATA_ONLY_ACCEPT : undefined,
        );
        items += body.items.length;
        token = body.metadata?.continue || undefined;
      } while (token);
    };
    await Promise.all([
      list(RESOURCES.namespaces),
      list(RESOURCES.nodes),
      list(RESOURCES.services),
      list(RESOURCES.endpointSlices),
      list(RESOURCES.pods),
      list(RESOURCES.deployments),
      list(RESOURCES.statefulSets),
      ...MESH_CONFIG_RESOURCES.map(r => list(r)),
    ]);
    // discovery then reads config maps and remote secrets of the control-plane namespace it
    // found (the farm's clusters run one istiod, in istio-system)
    await Promise.all([
      list(RESOURCES.configMaps, { namespace: 'istio-system' }),
      list(RESOURCES.secrets, {
        namespace: 'istio-system',
        labelSelector: 'istio/multiCluster=true',
      }),
    ]);
  };

  const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
  const start = performance.now();
  await runBounded(
    Array.from({ length: args.clusters }, (_, i) => clusterName(i)),
    args.concurrency,
    name => readCluster(`http://127.0.0.1:${args.port}/clusters/${name}`),
  );
  const wallMs = performance.now() - start;
  const result: FloorResult = {
    wallMs,
    peakRssMiB: peakRssMiB(),
    baselineRssMiB,
    requests,
    bytes,
    items,
  };
  await answer(result);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
