/**
 * Starts a real Prometheus on loopback over backfilled data, for tests. Uses Debian's
 * `prometheus` package (its `prometheus` and `promtool`); nothing is downloaded.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrometheusHarness {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

function findBinary(name: string): string | undefined {
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Both binaries, or an error that says how to get them. */
export function findPrometheusBinaries(): {
  prometheus: string;
  promtool: string;
} {
  const prometheus = findBinary('prometheus');
  const promtool = findBinary('promtool');
  if (!prometheus || !promtool) {
    throw new Error(
      `The metrics tests need a real Prometheus: ${
        prometheus ? '' : 'prometheus '
      }${
        promtool ? '' : 'promtool '
      }not found in /usr/bin or on PATH. Install Debian's package: apt-get install -y prometheus`,
    );
  }
  return { prometheus, promtool };
}

/** A loopback port nothing listens on (just released): for "Prometheus down" tests too. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForReady(
  url: string,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `prometheus exited with code ${child.exitCode}:\n${stderr()}`,
      );
    }
    try {
      const res = await fetch(`${url}/-/ready`, {
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(
    `prometheus was not ready within ${timeoutMs} ms:\n${stderr()}`,
  );
}

/**
 * Backfills `openMetrics` into a fresh TSDB with promtool, then serves it with Prometheus on
 * a free loopback port. Scrapes nothing: the backfilled blocks are all it holds.
 */
export async function startPrometheus(
  openMetrics: string,
): Promise<PrometheusHarness> {
  const bins = findPrometheusBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'meshport-prometheus-'));
  const data = join(dir, 'data');
  const input = join(dir, 'metrics.om');
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(input, openMetrics);
  await writeFile(
    configFile,
    'global:\n  scrape_interval: 15s\nscrape_configs: []\n',
  );
  try {
    await run(bins.promtool, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      input,
      data,
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const e = error as { stderr?: string; message: string };
    throw new Error(
      `promtool could not backfill the test data: ${e.stderr || e.message}`,
    );
  }

  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(
    bins.prometheus,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Backfilled data may be older than the default 15 days in a long-lived CI cache; keep it all.
      '--storage.tsdb.retention.time=10y',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', chunk => {
    log = (log + String(chunk)).slice(-4000);
  });

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>(r => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForReady(url, child, () => log, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
