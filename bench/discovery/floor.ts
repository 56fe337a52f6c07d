import http from 'node:http';
import { performance } from 'node:perf_hooks';
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
  pods: number;
  /** CPU time of the process over the pass (all its threads, the collector's included). */
  cpuMs: number;
}

const METADATA_ONLY_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** One list discovery makes: `group` is empty for the core API. */
interface ListedResource {
  group: string;
  version: string;
  plural: string;
  /** A custom resource: its group is asked for first and skipped when not served (404). */
  optional?: boolean;
  metadataOnly?: boolean;
}

const core = (plural: string): ListedResource => ({
  group: '',
  version: 'v1',
  plural,
});
const crd = (group: string, version: string, plural: string) => ({
  group,
  version,
  plural,
  optional: true,
});

/**
 * The lists mesh-backend's discovery reads, written out here because the plugin exports no
 * list of them (its readers are internal). The bench checks the two stay in step: it counts
 * the requests the farm answers for a floor pass and for a discovery pass and reports any
 * difference (`benchDiscovery.ts`), so a reader that starts listing another kind shows up.
 */
const CLUSTER_WIDE: ListedResource[] = [
  core('namespaces'),
  core('nodes'),
  core('services'),
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' },
  core('pods'),
  { group: 'apps', version: 'v1', plural: 'deployments' },
  { group: 'apps', version: 'v1', plural: 'statefulsets' },
  crd('networking.istio.io', 'v1', 'virtualservices'),
  crd('networking.istio.io', 'v1', 'destinationrules'),
  crd('networking.istio.io', 'v1', 'serviceentries'),
  crd('networking.istio.io', 'v1', 'gateways'),
  crd('networking.istio.io', 'v1', 'sidecars'),
  crd('security.istio.io', 'v1', 'peerauthentications'),
  crd('security.istio.io', 'v1', 'authorizationpolicies'),
  crd('multicluster.linkerd.io', 'v1alpha2', 'links'),
  crd('policy.linkerd.io', 'v1beta1', 'servers'),
  crd('policy.linkerd.io', 'v1alpha1', 'authorizationpolicies'),
  crd('policy.linkerd.io', 'v1alpha1', 'meshtlsauthentications'),
  crd('policy.linkerd.io', 'v1beta3', 'httproutes'),
  crd('gateway.networking.k8s.io', 'v1', 'gateways'),
  crd('gateway.networking.k8s.io', 'v1', 'httproutes'),
];

/** Runs `task` over `items`, at most `concurrency` at a time (discovery's pool of clusters). */
async function runBounded<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift())
        await task(item);
    }),
  );
}

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
  let pods = 0;

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
      r: ListedResource,
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
        const { status, body } = await get(
          `${base}${prefix}${scope}/${r.plural}?${query}`,
          r.metadataOnly ? METADATA_ONLY_ACCEPT : undefined,
        );
        // a kind its group does not serve (the farm's Istio has no Sidecars): not installed,
        // as discovery takes it
        if (status === 404 && r.optional) return;
        items += body.items.length;
        if (r.plural === 'pods') pods += body.items.length;
        token = body.metadata?.continue || undefined;
      } while (token);
    };
    await Promise.all(CLUSTER_WIDE.map(r => list(r)));
    // discovery then reads config maps and remote secrets of the control-plane namespace it
    // found (the farm's clusters run one istiod, in istio-system)
    await Promise.all([
      list(core('configmaps'), { namespace: 'istio-system' }),
      list(
        { ...core('secrets'), metadataOnly: true },
        {
          namespace: 'istio-system',
          labelSelector: 'istio/multiCluster=true',
        },
      ),
    ]);
  };

  const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await runBounded(
    Array.from({ length: args.clusters }, (_, i) => clusterName(i)),
    args.concurrency,
    name => readCluster(`http://127.0.0.1:${args.port}/clusters/${name}`),
  );
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const result: FloorResult = {
    wallMs,
    peakRssMiB: peakRssMiB(),
    baselineRssMiB,
    requests,
    bytes,
    items,
    pods,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  await answer(result);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
