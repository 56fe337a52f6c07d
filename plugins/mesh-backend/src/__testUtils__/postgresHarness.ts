/**
 * Starts a throwaway PostgreSQL on loopback for tests, from Debian's `postgresql` package
 * (`/usr/lib/postgresql/<version>/bin`). Nothing is downloaded and no Docker is needed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type {
  DatabaseService,
  LifecycleService,
  RootLifecycleService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { freeLoopbackPort } from './freeLoopbackPort';

const run = promisify(execFile);

const PG_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'postgres';
const PASSWORD = 'meshport-test-only';

export interface PostgresBinaries {
  version: string;
  initdb: string;
  pgCtl: string;
}

export interface PostgresHarness {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `backend.database` for a Backstage backend using this server. */
  backendDatabaseConfig(): {
    client: 'pg';
    connection: { host: string; port: number; user: string; password: string };
  };
  /**
   * A database service (what `coreServices.database` gives a plugin) on a fresh, empty
   * database of this server, created by Backstage's own database manager.
   */
  createDatabase(name: string): DatabaseService;
  stop(): Promise<void>;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The newest installed server's binaries, or an error that says how to install them. */
export function findPostgresBinaries(root = PG_ROOT): PostgresBinaries {
  let versions: string[] = [];
  try {
    versions = readdirSync(root).filter(v => /^\d+$/.test(v));
  } catch {
    // no PostgreSQL at all
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    const initdb = join(bin, 'initdb');
    const pgCtl = join(bin, 'pg_ctl');
    if ([initdb, pgCtl, join(bin, 'postgres')].every(executable)) {
      return { version, initdb, pgCtl };
    }
  }
  throw new Error(
    `The PostgreSQL integration tests need a PostgreSQL server: no ${root}/<version>/bin/{initdb,pg_ctl,postgres} found. ` +
      `Install Debian's package: apt-get install -y postgresql (./scripts/test does this when it can).`,
  );
}

/**
 * PostgreSQL refuses to run as root. As root, the server's commands run as the `postgres`
 * user the Debian package creates, in a directory it owns; otherwise they run as we are.
 */
async function serverUser(): Promise<
  { uid: number; gid: number; wrap: (argv: string[]) => string[] } | undefined
> {
  if (process.getuid?.() !== 0) return undefined;
  let ids: { uid: number; gid: number };
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', SUPERUSER]),
      run('id', ['-g', SUPERUSER]),
    ]);
    ids = { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error(
      `Running as root, the PostgreSQL tests need the '${SUPERUSER}' system user to start the server; install Debian's package: apt-get install -y postgresql`,
    );
  }
  if (executable('/usr/sbin/runuser') || executable('/sbin/runuser')) {
    return {
      ...ids,
      wrap: argv => ['runuser', '-u', SUPERUSER, '--', ...argv],
    };
  }
  return {
    ...ids,
    wrap: argv => [
      'setpriv',
      `--reuid=${ids.uid}`,
      `--regid=${ids.gid}`,
      '--init-groups',
      ...argv,
    ],
  };
}

async function runAs(
  wrap: ((argv: string[]) => string[]) | undefined,
  argv: string[],
  what: string,
) {
  const [command, ...args] = wrap ? wrap(argv) : argv;
  try {
    await run(command, args, { timeout: 60_000 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `${what} failed: ${e.stderr || e.stdout || e.message}`.trim(),
    );
  }
}

/**
 * Initialises a cluster in a temporary directory and starts it on a free loopback port,
 * with password authentication like a production server. `stop()` shuts it down and
 * deletes every file; a Jest run that dies early still stops it on process exit.
 */
export async function startPostgres(): Promise<PostgresHarness> {
  const bins = findPostgresBinaries();
  const user = await serverUser();
  // as root, /tmp rather than $TMPDIR, which the postgres user may not be able to reach
  const dir = await mkdtemp(
    join(user ? '/tmp' : tmpdir(), 'meshport-postgres-'),
  );
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  const log = join(dir, 'server.log');
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    await chown(dir, user.uid, user.gid);
    await chown(pwfile, user.uid, user.gid);
  }

  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await runAs(
      user?.wrap,
      [
        bins.initdb,
        '--pgdata',
        data,
        '--username',
        SUPERUSER,
        '--pwfile',
        pwfile,
        '--auth',
        'scram-sha-256',
        '--encoding',
        'UTF8',
        '--locale',
        'C',
        '--no-sync',
      ],
      'initdb',
    );
  } catch (error) {
    await remove();
    throw error;
  }

  const port = await freeLoopbackPort();
  const options = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${port}`,
    `-c unix_socket_directories=${dir}`,
    // a throwaway cluster: durability costs time and buys nothing
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
  ].join(' ');
  const pgCtl = (...args: string[]) =>
    runAs(user?.wrap, [bins.pgCtl, '--pgdata', data, ...args], 'pg_ctl');

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    const [command, ...args] = (user?.wrap ?? (a => a))([
      bins.pgCtl,
      '--pgdata',
      data,
      'stop',
      '--mode',
      'immediate',
    ]);
    spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  };
  process.once('exit', stopNow);

  const stop = async () => {
    process.off('exit', stopNow);
    if (!stopped) {
      stopped = true;
      await pgCtl('stop', '--mode', 'fast', '--wait').catch(() => {});
    }
    await remove();
  };

  try {
    await pgCtl(
      'start',
      '--wait',
      '--timeout',
      '30',
      '--log',
      log,
      '-o',
      options,
    );
  } catch (error) {
    const serverLog = await readFile(log, 'utf8').catch(() => '');
    await stop();
    throw new Error(
      `${(error as Error).message}\n${serverLog.slice(-2000)}`.trim(),
    );
  }

  const connection = {
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password: PASSWORD,
  };
  const shutdownHooks: Array<() => void | Promise<void>> = [];
  // plain objects rather than jest mocks: the bench runs this harness outside Jest
  const rootLifecycle: RootLifecycleService = {
    addStartupHook: () => {},
    addBeforeShutdownHook: () => {},
    addShutdownHook: hook => shutdownHooks.push(hook),
  };
  const lifecycle: LifecycleService = {
    addStartupHook: () => {},
    addShutdownHook: () => {},
  };
  return {
    ...connection,
    backendDatabaseConfig: () => ({ client: 'pg', connection }),
    createDatabase(name) {
      const manager = DatabaseManager.fromConfig(
        new ConfigReader({
          backend: {
            database: {
              client: 'pg',
              connection,
              plugin: { [name]: { connection: { database: name } } },
            },
          },
        }),
        { rootLifecycle },
      );
      return manager.forPlugin(name, {
        logger: mockServices.rootLogger({ level: 'none' }),
        lifecycle,
      });
    },
    async stop() {
      await Promise.allSettled(shutdownHooks.map(hook => hook()));
      await stop();
    },
  };
}
