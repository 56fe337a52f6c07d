import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { mockCredentials } from '@backstage/backend-test-utils';
import { answer, childArgs } from '../lib/child';
import { percentile, round } from '../lib/stats';

export interface LoadScenario {
  name: string;
  /** Paths to request, cycled through. */
  paths: string[];
}

export interface LoadArgs {
  port: number;
  concurrency: number;
  requests: number;
  warmup: number;
  scenarios: LoadScenario[];
}

export interface LoadFigures {
  name: string;
  requests: number;
  errors: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  perSecond: number;
  bytesPerResponse: number;
}

/**
 * A closed-loop load generator: `concurrency` keep-alive connections, each sending its next
 * request when the previous answer is read. Latency is measured per request, from write to
 * last byte. Runs in its own process so it never shares an event loop with the server.
 */
async function main() {
  const args = childArgs<LoadArgs>();
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: args.concurrency,
  });
  const authorization = mockCredentials.user.header();

  const get = (path: string) =>
    new Promise<{ status: number; bytes: number }>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port: args.port,
            path,
            agent,
            headers: { authorization },
          },
          res => {
            let bytes = 0;
            res.on('data', c => {
              bytes += c.length;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, bytes }),
            );
            res.on('error', reject);
          },
        )
        .on('error', reject);
    });

  const out: LoadFigures[] = [];
  for (const scenario of args.scenarios) {
    let next = 0;
    const run = async (count: number, record: boolean) => {
      const latencies: number[] = [];
      let errors = 0;
      let bytes = 0;
      const worker = async () => {
        while (next < count) {
          const path = scenario.paths[next++ % scenario.paths.length];
          const start = performance.now();
          const res = await get(path);
          if (record) latencies.push(performance.now() - start);
          if (res.status !== 200) errors++;
          bytes += res.bytes;
        }
      };
      const start = performance.now();
      await Promise.all(Array.from({ length: args.concurrency }, worker));
      return { latencies, errors, bytes, wallMs: performance.now() - start };
    };
    next = 0;
    await run(args.warmup, false);
    next = 0;
    const r = await run(args.requests, true);
    out.push({
      name: scenario.name,
      requests: r.latencies.length,
      errors: r.errors,
      p50Ms: round(percentile(r.latencies, 50), 2),
      p90Ms: round(percentile(r.latencies, 90), 2),
      p99Ms: round(percentile(r.latencies, 99), 2),
      maxMs: round(Math.max(...r.latencies), 2),
      perSecond: round((r.latencies.length / r.wallMs) * 1000, 0),
      bytesPerResponse: Math.round(r.bytes / Math.max(1, r.latencies.length)),
    });
  }
  agent.destroy();
  await answer(out);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
