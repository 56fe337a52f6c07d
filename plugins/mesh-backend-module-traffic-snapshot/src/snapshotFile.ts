import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The demo's traffic snapshot: edges between services as a mesh would report them, with
 * clusters named by their Istio CLUSTER_ID (mapped through the fleet like real metrics), and
 * which proxy received each edge, since that decides what the metrics can say about it.
 */
const endpoint = z.object({
  namespace: z.string().min(1),
  service: z.string().min(1),
  clusterId: z.string().min(1),
});

const ratio = z.number().min(0).max(1);

const edge = z
  .object({
    source: endpoint,
    destination: endpoint,
    /**
     * The proxy on the receiving side: a `sidecar` or a `waypoint` reports requests and
     * connections; `ztunnel` (ambient, no waypoint) reports only TCP connections, so the
     * requests are the caller's report; `none` (callee outside the mesh) reports nothing.
     */
    receiver: z
      .enum(['sidecar', 'waypoint', 'ztunnel', 'none'])
      .default('sidecar'),
    /**
     * The proxy on the calling side: `envoy` (a sidecar or a gateway) reports the requests it
     * sent; `ztunnel` (an ambient caller) only its TCP connections; `none` nothing.
     */
    sender: z.enum(['envoy', 'ztunnel', 'none']).default('envoy'),
    /** HTTP requests; 0 for a TCP-only edge. */
    requestsPerSecond: z.number().min(0).default(0),
    errorRatio: ratio.default(0),
    latencyMs: z
      .object({
        p50: z.number().min(0),
        p95: z.number().min(0),
        p99: z.number().min(0),
      })
      .optional(),
    tcp: z
      .object({
        connectionsOpenedPerSecond: z.number().min(0),
        bytesSentPerSecond: z.number().min(0),
      })
      .optional(),
    /** Fraction the receiver accepted over mutual TLS; the rest arrived in plaintext. */
    mtlsShare: ratio.default(1),
  })
  .refine(e => e.sender !== 'none' || e.receiver !== 'none', {
    message:
      'with no proxy on either side (sender and receiver "none") no metric reports this edge: name the proxy that sees it',
    path: ['receiver'],
  })
  .refine(e => e.requestsPerSecond > 0 || e.tcp !== undefined, {
    message:
      'the edge carries no traffic: give requestsPerSecond (HTTP) or tcp (connections)',
    path: ['requestsPerSecond'],
  });

export const snapshotFileSchema = z.object({
  description: z.string().optional(),
  edges: z.array(edge),
});

export type TrafficSnapshot = z.infer<typeof snapshotFileSchema>;
export type SnapshotEdge = TrafficSnapshot['edges'][number];

/** Reads and validates a snapshot; errors name the file and the offending field. */
export async function readSnapshotFile(path: string): Promise<TrafficSnapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the traffic snapshot ${path} (mesh.traffic.snapshot.file, resolved from ${process.cwd()}): ${
        (error as Error).message
      }`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `traffic snapshot ${path} is not JSON: ${(error as Error).message}`,
    );
  }
  const parsed = snapshotFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `traffic snapshot ${path} is invalid at ${
        issue.path.join('.') || '(root)'
      }: ${issue.message}`,
    );
  }
  return parsed.data;
}
