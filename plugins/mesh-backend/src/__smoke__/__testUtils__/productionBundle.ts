/**
 * The production backend as the image holds it (packages/backend/Dockerfile): the bundle of
 * `yarn build:backend` unpacked into an install directory with the app configs and the request
 * templates beside it, started with NODE_ENV=production. One difference: instead of the
 * image's `yarn workspaces focus --all --production`, node_modules links the repository's
 * installed packages (no registry needed), the workspace packages excepted, which resolve to
 * the bundle's built copies.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ChartReplica } from './chartLayout';

export const ROOT = path.resolve(__dirname, '../../../../..');
const BUNDLE = path.join(ROOT, 'packages/backend/dist/bundle.tar.gz');

/** What the Dockerfile copies next to the bundle. */
const IMAGE_FILES = [
  'app-config.yaml',
  'app-config.production.yaml',
  'examples/templates',
];

export function installBundle(installDir: string) {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(
      `No production bundle at ${BUNDLE}: run \`yarn build:backend\` (or \`yarn build:all\`) first`,
    );
  }
  execFileSync('tar', ['xzf', BUNDLE, '-C', installDir]);
  for (const file of IMAGE_FILES) {
    fs.cpSync(path.join(ROOT, file), path.join(installDir, file), {
      recursive: true,
    });
  }
  // The bundle's workspace packages, by name, where the bundle put them.
  const workspaces = new Map<string, string>();
  for (const group of ['packages', 'plugins']) {
    for (const dir of fs.readdirSync(path.join(installDir, group))) {
      const manifest = path.join(installDir, group, dir, 'package.json');
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      workspaces.set(name, path.join(installDir, group, dir));
    }
  }
  const modules = path.join(installDir, 'node_modules');
  fs.mkdirSync(modules);
  const link = (name: string, target: string) => {
    fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
    fs.symlinkSync(target, path.join(modules, name));
  };
  const installed = path.join(ROOT, 'node_modules');
  for (const entry of fs.readdirSync(installed)) {
    if (entry === '.bin' || entry.startsWith('.')) continue;
    const names = entry.startsWith('@')
      ? fs.readdirSync(path.join(installed, entry)).map(n => `${entry}/${n}`)
      : [entry];
    for (const name of names) {
      link(name, workspaces.get(name) ?? path.join(installed, name));
    }
  }
}

export interface Replica {
  name: string;
  url: string;
  log: string;
  /** How often the process exited and was started again, as the kubelet restarts a pod. */
  restarts(): number;
  /** Set once the process exited with no restart left. */
  exitCode(): number | null;
  stop(): Promise<void>;
}

/** A pod's restartPolicy: Always, within the time a smoke test has. */
const MAX_RESTARTS = 3;

/** Starts one replica the way the chart's container starts, on `port`. */
export function startReplica(options: {
  name: string;
  installDir: string;
  chart: ChartReplica;
  /** --config files after the chart's (the test's stand-ins for outside systems). */
  extraConfigs: string[];
  port: number;
  logDir: string;
}): Replica {
  const { chart, installDir } = options;
  for (const [file, text] of Object.entries(chart.files)) {
    fs.writeFileSync(path.join(installDir, file), text);
  }
  const log = path.join(options.logDir, `${options.name}.log`);
  const [command, ...args] = chart.argv;
  let child: ChildProcess;
  let restarts = 0;
  let finalExit: number | null = null;
  let stopping = false;
  let exited: Promise<void> = Promise.resolve();

  const launch = () => {
    const out = fs.openSync(log, 'a');
    child = spawn(
      command === 'node' ? process.execPath : command,
      [...args, ...options.extraConfigs.flatMap(file => ['--config', file])],
      {
        cwd: installDir,
        // the image's environment (NODE_ENV from the Dockerfile) and the chart's; the port
        // is the only value changed, so that replicas and the e2e tests (7007) can run side
        // by side
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          NODE_ENV: 'production',
          ...chart.env,
          APP_CONFIG_backend_listen_port: String(options.port),
        },
        stdio: ['ignore', out, out],
        detached: true,
      },
    );
    fs.closeSync(out);
    exited = new Promise<void>(resolve =>
      child.once('exit', code => {
        if (!stopping && restarts < MAX_RESTARTS) {
          restarts += 1;
          fs.appendFileSync(
            log,
            `--- smoke test: exited with ${code}, restarting (${restarts}) ---\n`,
          );
          launch();
        } else {
          finalExit = code ?? -1;
        }
        resolve();
      }),
    );
  };
  launch();

  return {
    name: options.name,
    url: `http://127.0.0.1:${options.port}`,
    log,
    restarts: () => restarts,
    exitCode: () => finalExit,
    async stop() {
      stopping = true;
      if (finalExit !== null) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const logTail = (replica: Replica, lines = 40) =>
  fs.readFileSync(replica.log, 'utf8').split('\n').slice(-lines).join('\n');

/**
 * Waits for the readiness endpoint the chart's probe asks
 * (/.backstage/health/v1/readiness); fails early if the process exits.
 */
export async function waitUntilReady(replica: Replica, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (replica.exitCode() !== null) {
      throw new Error(
        `${
          replica.name
        } exited with code ${replica.exitCode()} after ${replica.restarts()} restarts; its log ends:\n${logTail(
          replica,
        )}`,
      );
    }
    try {
      const res = await fetch(`${replica.url}/.backstage/health/v1/readiness`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${replica.name} was not ready within ${
          timeoutMs / 1000
        } s; its log ends:\n${logTail(replica)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
