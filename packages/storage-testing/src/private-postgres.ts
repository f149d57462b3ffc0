// A PostgreSQL server of a test's own: initdb on a temporary directory, its
// own port, started and stopped with pg_ctl. Fault tests restart it or stop it
// without disturbing the shared server other suites use.
//
// Two installations can serve it:
//   host         the machine's PostgreSQL server binaries (/usr/lib/postgresql/<v>/bin)
//   timescaledb  PostgreSQL 17 with TimescaleDB in the debootstrap root that
//                scripts/timescaledb-server.sh builds, run through chroot
// When run as root (CI), the server runs as the `postgres` OS user of its
// installation, since PostgreSQL refuses to run as root.

import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type PrivateInstallation = 'host' | 'timescaledb';

export interface PrivatePostgresOptions {
  /** Default 'host'. */
  installation?: PrivateInstallation;
  /** Server settings passed as -c name=value (e.g. shared_preload_libraries). */
  settings?: Record<string, string>;
  /**
   * Make the server a streaming replica of this one (pg_basebackup -R)
   * instead of a new cluster. The primary must run with wal_level=replica
   * (initdb's default) and allow replication connections (trust, as here).
   */
  fromBaseBackupOf?: PrivatePostgres;
}

export interface PrivatePostgres {
  /** Runs one of the installation's server tools (pg_basebackup, psql, ...) as its postgres user. */
  tool(name: string, args: string[]): Promise<string>;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** The data directory as this process sees it. */
  dataDir: string;
  start(): Promise<void>;
  /** Fast shutdown: connections are terminated, new ones refused until start(). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** Runs the server tools of one installation and places data directories where its server can reach them. */
interface Installation {
  /** Runs bin/<tool> as the installation's postgres user; returns stdout. */
  tool(name: string, args: string[]): Promise<string>;
  /** A new empty data directory owned by that user: [path for us, path for the server]. */
  newDataDir(): [string, string];
}

/** Where scripts/timescaledb-server.sh keeps its debootstrap root. */
export function timescaledbRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.AG_TIMESCALEDB_HOME || '/var/tmp/ag-storage-timescaledb', 'root');
}

const TIMESCALEDB_BIN = '/usr/lib/postgresql/17/bin';

/** Why a private server of that installation cannot run here, or undefined when it can. */
export function privatePostgresUnavailableReason(installation: PrivateInstallation = 'host'): string | undefined {
  if (installation === 'timescaledb') {
    const root = timescaledbRoot();
    if (!existsSync(path.join(root, '.ag-storage-root-ready'))) {
      return `no TimescaleDB root at ${root} (scripts/timescaledb-server.sh up builds it)`;
    }
    if (process.getuid?.() !== 0) return 'a server in the TimescaleDB root needs root for chroot';
    return undefined;
  }
  const bin = findPostgresBin();
  if (!bin) return 'no PostgreSQL server binaries (initdb, pg_ctl) found';
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) {
    return 'running as root without runuser to drop to the postgres user';
  }
  return undefined;
}

export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const kind = options.installation ?? 'host';
  const unavailable = privatePostgresUnavailableReason(kind);
  if (unavailable) throw new Error(`cannot start a private server: ${unavailable}`);
  const installation = kind === 'timescaledb' ? chrootInstallation(timescaledbRoot()) : hostInstallation();
  const [dataDir, serverDataDir] = installation.newDataDir();
  const port = await freePort();

  if (options.fromBaseBackupOf) {
    // A streaming replica: a base backup of the primary, with standby.signal and primary_conninfo (-R).
    await installation.tool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(options.fromBaseBackupOf.port), '-U', 'postgres', '-D', serverDataDir, '-R', '-X', 'stream', '--no-sync']);
  } else {
    await installation.tool('initdb', ['-D', serverDataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  }
  const settings = { listen_addresses: '127.0.0.1', fsync: 'off', max_connections: '100', ...options.settings };
  const serverOptions = [`-p ${port}`, `-k ${serverDataDir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const logFile = path.join(serverDataDir, 'server.log');
  const start = async () => {
    await installation.tool('pg_ctl', ['-D', serverDataDir, '-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start']);
  };
  const stop = async () => {
    await installation.tool('pg_ctl', ['-D', serverDataDir, '-m', 'fast', '-w', '-t', '60', 'stop']).catch(() => undefined);
  };
  await start();
  return {
    tool: (name, args) => installation.tool(name, args),
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    destroy: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function hostInstallation(): Installation {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries found');
  const asRoot = process.getuid?.() === 0;
  return {
    async tool(name, args) {
      const file = path.join(bin, name);
      const { stdout } = asRoot
        ? await run('runuser', ['-u', 'postgres', '--', file, ...args], { timeout: 60_000 })
        : await run(file, args, { timeout: 60_000 });
      return stdout;
    },
    newDataDir() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ag-private-pg-'));
      if (asRoot) chownToUser(dir, '/etc/passwd', 'postgres');
      return [dir, dir];
    },
  };
}

function chrootInstallation(root: string): Installation {
  return {
    async tool(name, args) {
      const { stdout } = await run('chroot', ['--userspec=postgres:postgres', root, path.join(TIMESCALEDB_BIN, name), ...args], {
        timeout: 60_000,
      });
      return stdout;
    },
    newDataDir() {
      const parent = path.join(root, 'tmp');
      mkdirSync(parent, { recursive: true });
      const dir = mkdtempSync(path.join(parent, 'ag-private-pg-'));
      chownToUser(dir, path.join(root, 'etc/passwd'), 'postgres');
      return [dir, `/${path.relative(root, dir)}`];
    },
  };
}

function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = path.join(root, version, 'bin');
      if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl'))) return bin;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

/** chown to a user of the given passwd file (the host's, or the root's, whose ids differ). */
function chownToUser(dir: string, passwdFile: string, user: string): void {
  const line = readFileSync(passwdFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} user in ${passwdFile} to run the private server as`);
  const [, , uid, gid] = line.split(':');
  chownSync(dir, Number(uid), Number(gid));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
