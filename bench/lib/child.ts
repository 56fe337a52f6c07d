import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Backstage's own TypeScript loader, as `backstage-cli package start` uses it. */
export const NODE_TRANSFORM = require.resolve(
  '@backstage/cli-node/config/nodeTransform.cjs',
);

export interface ChildOptions {
  /** Extra Node flags, e.g. `--cpu-prof`. */
  execArgv?: string[];
  cwd?: string;
  /** Variables added to this process's environment for the child. */
  env?: Record<string, string>;
}

/** Starts a TypeScript bench script in its own process, with an IPC channel. */
export function startChild(
  script: string,
  args: unknown,
  options: ChildOptions = {},
): ChildProcess {
  let arg = JSON.stringify(args);
  if (arg.length > 64 * 1024) {
    // too long for a command line: hand it over in a file
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-bench-')),
      'args.json',
    );
    fs.writeFileSync(file, arg);
    arg = `@${file}`;
  }
  return fork(path.resolve(__dirname, '..', script), [arg], {
    execArgv: ['--require', NODE_TRANSFORM, ...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: options.cwd,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
}

/** The next message a child sends, or its failure. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    // Backstage's transform also talks on this channel ({ type: 'watch' }): ours are wrapped
    const onMessage = (m: { bench?: T }) => {
      if (!m || typeof m !== 'object' || !('bench' in m)) return;
      cleanup();
      resolve(m.bench as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(
        new Error(`bench child exited with code ${code} before answering`),
      );
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Runs a script to completion and returns the one result it sends. */
export async function runChild<T>(
  script: string,
  args: unknown,
  options: ChildOptions = {},
): Promise<T> {
  const child = startChild(script, args, options);
  const result = await nextMessage<T>(child);
  await new Promise(resolve => {
    if (child.exitCode !== null) resolve(undefined);
    else child.once('exit', resolve);
  });
  return result;
}

/** For a child script: its arguments, and how to answer. */
export function childArgs<T>(): T {
  const arg = process.argv[2] ?? '{}';
  if (arg.startsWith('@'))
    return JSON.parse(fs.readFileSync(arg.slice(1), 'utf8')) as T;
  return JSON.parse(arg) as T;
}

export function answer(result: unknown): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!({ bench: result }, undefined, {}, error =>
      error ? reject(error) : resolve(),
    ),
  );
}

/** Peak resident set of this process so far, in MiB (the kernel's high-water mark). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
