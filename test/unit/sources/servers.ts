/**
 * Real database servers for the import tests: Debian's PostgreSQL and MariaDB, each started in a
 * temporary folder on a free loopback port with password authentication, and stopped by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from '../../freePort';

export interface RunningServer {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** postgres://user:password@127.0.0.1:port/db or mysql://… */
  readonly url: string;
  /** The same URL without the password. */
  readonly urlWithoutPassword: string;
  stop(): Promise<void>;
}

const started = new Set<ChildProcess>();
// A crashed test file must not leave servers behind.
process.once('exit', () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

export { freePort };

/** The folder of Debian's PostgreSQL programs (initdb and postgres are not on PATH), if installed. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

/** mariadbd and mariadb-install-db, if installed. */
export function mariadbBin(): { server: string; install: string } | undefined {
  const find = (names: string[]): string | undefined =>
    names.flatMap((name) => ['/usr/sbin', '/usr/bin', '/usr/local/bin'].map((dir) => path.join(dir, name))).find((p) => existsSync(p));
  const server = find(['mariadbd', 'mysqld']);
  const install = find(['mariadb-install-db', 'mysql_install_db']);
  return server && install ? { server, install } : undefined;
}

/** Unprivileged account for servers that refuse to run as root. */
function serviceAccount(name: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const result = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (result.status !== 0 || group.status !== 0) throw new Error(`running as root needs the "${name}" account to start the server`);
  return { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) };
}

function chownTree(dir: string, account: { uid: number; gid: number } | undefined): void {
  if (!account) return;
  chownSync(dir, account.uid, account.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(child, account);
    else chownSync(child, account.uid, account.gid);
  }
}

/** Stops a server by its PID: the polite signal, then SIGKILL after a bounded wait. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  started.delete(child);
}

/** Waits (bounded) until `ready` resolves true; fails with the server's log. */
async function waitFor(ready: () => Promise<boolean>, child: ChildProcess, log: () => string, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${log()}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start within 30 s: ${log()}`);
}

function run(command: string, args: string[], options: { uid?: number; gid?: number } = {}): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
  if (result.status !== 0) throw new Error(`${path.basename(command)} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/** Starts a PostgreSQL server (initdb, scram-sha-256 password auth) on a free loopback port. */
export async function startPostgres(): Promise<RunningServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const account = serviceAccount('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-pg-'));
  const data = path.join(dir, 'data');
  const user = 'mlwb';
  const password = 'pg secret/with:chars';
  const database = 'shop';
  writeFileSync(path.join(dir, 'pw'), password);
  chownTree(dir, account);
  run(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', user, '--pwfile', path.join(dir, 'pw'), '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C'],
    account ?? {},
  );
  const port = await freePort();
  let log = '';
  const child = spawn(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'ssl=off'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(account ?? {}),
  });
  started.add(child);
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const isReady = path.join(bin, 'pg_isready');
  await waitFor(
    async () => spawnSync(isReady, ['-h', '127.0.0.1', '-p', String(port)]).status === 0,
    child,
    () => log,
    'postgres',
  );
  const admin = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  return {
    port,
    user,
    password,
    database,
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    urlWithoutPassword: `postgres://${user}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await stopChild(child, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a MariaDB server (temporary datadir, password-authenticated user) on a free loopback port. */
export async function startMariadb(): Promise<RunningServer> {
  const bin = mariadbBin();
  if (!bin) throw new Error('MariaDB is not installed (apt-get install mariadb-server)');
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-maria-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const asRoot = process.getuid?.() === 0;
  const userFlag = asRoot ? ['--user=root'] : [];
  run(bin.install, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userFlag]);
  const port = await freePort();
  let log = '';
  const child = spawn(
    bin.server,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=32M',
      '--skip-name-resolve',
      ...userFlag,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.add(child);
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  await waitFor(
    async () => {
      try {
        const probe = await mysql.createConnection({ socketPath: socket, user: 'root' });
        await probe.end();
        return true;
      } catch {
        return false;
      }
    },
    child,
    () => log,
    'mariadbd',
  );
  const user = 'mlwb';
  const password = 'maria secret';
  const database = 'shop';
  const root = await mysql.createConnection({ socketPath: socket, user: 'root' });
  await root.query(`CREATE DATABASE ${database}`);
  await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
  await root.query(`GRANT ALL ON ${database}.* TO '${user}'@'%'`);
  await root.end();
  return {
    port,
    user,
    password,
    database,
    url: `mysql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    urlWithoutPassword: `mysql://${user}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await stopChild(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
