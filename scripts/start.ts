/**
 * `npm start`: opens the extension in a real editor with examples/ as the workspace — desktop VS Code
 * with --extensionDevelopmentPath when `code` is on PATH, otherwise code-server on 127.0.0.1, whose
 * URL is printed. Set MLWB_PORT to choose code-server's port.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { codeServerArgs, ensureCodeServer, workbenchUrl } from '../test/runner/codeServer';

const root = path.resolve(__dirname, '..');
const workspace = path.join(root, 'examples');
const hasCode = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).status === 0;

if (hasCode && !process.env.MLWB_USE_CODE_SERVER) {
  console.log('opening desktop VS Code with the extension under development');
  spawn('code', [`--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
} else {
  ensureCodeServer();
  const port = Number(process.env.MLWB_PORT ?? 8080);
  const userDataDir = path.join(root, '.vscode-test', 'user-data');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(path.dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' }, null, 2));
  }
  const extensionsDir = path.join(root, '.vscode-test', 'extensions');
  const server = spawn(process.execPath, codeServerArgs({ port, userDataDir, extensionsDir, workspace }), { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = workbenchUrl({ port, baseUrl: `http://127.0.0.1:${port}`, workspace });
  console.log(`\nML Workbench is running in code-server (VS Code 1.100.3). Open this URL in a browser:\n\n  ${url}\n\nPress Ctrl+C to stop.`);
  const stop = (): void => {
    server.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
}
