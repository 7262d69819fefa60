/**
 * Starts code-server (VS Code 1.100.3 as a server, installed by scripts/setup-code-server.sh) on
 * 127.0.0.1 and opens its workbench in Debian's headless Chromium through playwright-core. Shared
 * by the integration runner (tests inside the real extension host) and the UI tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../freePort';

export const projectRoot = path.resolve(__dirname, '..', '..');
export const fixtureWorkspace = path.join(projectRoot, 'test', 'fixtures', 'workspace');
const cacheDir = process.env.MLWB_CODE_SERVER_CACHE ?? path.join(projectRoot, '.vscode-test');
export const codeServerBin = path.join(cacheDir, 'code-server-4.100.3', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export interface CodeServer {
  readonly port: number;
  readonly baseUrl: string;
  readonly workspace: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Everything code-server printed, for diagnosing a failed start. */
  readonly output: () => string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Folder copied into a fresh temporary workspace (default: test/fixtures/workspace). */
  readonly workspaceTemplate?: string;
  readonly env?: Record<string, string>;
  /** Reuse this extensions folder (for an installed .vsix). */
  readonly extensionsDir?: string;
  readonly settings?: Record<string, unknown>;
}

/** Installs code-server into the cache when it is not there yet. */
export function ensureCodeServer(): void {
  if (existsSync(codeServerBin)) return;
  const result = spawnSync('bash', [path.join(projectRoot, 'scripts', 'setup-code-server.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('scripts/setup-code-server.sh failed');
}

/** Runs `code-server` with the given arguments to completion (e.g. --install-extension). */
export function runCodeServerCli(args: string[]): { status: number; output: string } {
  ensureCodeServer();
  const result = spawnSync(process.execPath, [codeServerBin, ...args], { encoding: 'utf8' });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

/** code-server's command line (after node): no auth, loopback, no telemetry or update checks, these folders. */
export function codeServerArgs(options: { port: number; userDataDir: string; extensionsDir: string; workspace: string }): string[] {
  return [
    codeServerBin,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    options.userDataDir,
    '--extensions-dir',
    options.extensionsDir,
    options.workspace,
  ];
}

/** Starts code-server on a free loopback port with a fresh user-data folder and a copy of the workspace. */
export async function startCodeServer(options: StartOptions = {}): Promise<CodeServer> {
  ensureCodeServer();
  const scratch = mkdtempSync(path.join(tmpdir(), 'mlwb-cs-'));
  const workspace = path.join(scratch, 'workspace');
  cpSync(options.workspaceTemplate ?? fixtureWorkspace, workspace, { recursive: true });
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(scratch, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'workbench.enableExperiments': false,
      ...options.settings,
    }),
  );
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, codeServerArgs({ port, userDataDir, extensionsDir, workspace }), {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, () => output);
  return {
    port,
    baseUrl,
    workspace,
    userDataDir,
    extensionsDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      // Its extension host may still be writing workspace storage for a moment after code-server exits.
      try {
        rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (error) {
        process.stderr.write(`could not remove ${scratch}: ${String(error)}\n`);
      }
    },
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer on ${baseUrl} within 180 s:\n${output()}`);
}

/** The workbench URL that loads the extension under development, and optionally a tests module. */
export function workbenchUrl(
  server: Pick<CodeServer, 'port' | 'baseUrl' | 'workspace'>,
  options: { extensionTestsPath?: string; developExtension?: boolean } = {},
): string {
  const payload: string[][] = [['skipWelcome', 'true']];
  if (options.developExtension !== false) {
    payload.push(['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${projectRoot}`]);
  }
  if (options.extensionTestsPath) {
    payload.push(['extensionTestsPath', `vscode-remote://127.0.0.1:${server.port}${options.extensionTestsPath}`]);
  }
  return `${server.baseUrl}/?folder=${encodeURIComponent(server.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Launches Debian's Chromium headless with the flags this offline machine needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.MLWB_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function newWorkbenchPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}
