/**
 * `npm start`: opens the extension in a real editor with examples/ as the workspace — desktop VS Code
 * with --extensionDevelopmentPath when `code` is on PATH, otherwise code-server on 127.0.0.1, whose
 * URL is printed. Set MLWB_PORT to choose code-server's port.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const workspace = path.join(root, 'examples');
const hasCode = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).status === 0;

if (hasCode && !process.env.MLWB_USE_CODE_SERVER) {
  console.log('opening desktop VS Code with the extension under development');
  spawn('code', [`--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
} else {
  const setup = spawnSync('bash', [path.join(root, 'scripts', 'setup-code-server.sh')], { stdio: 'inherit' });
  if (setup.status !== 0) process.exit(setup.status ?? 1);
  const port = Number(process.env.MLWB_PORT ?? 8080);
  const userDataDir = path.join(root, '.vscode-test', 'user-data');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(path.dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' }, null, 2));
  }
  const bin = path.join(root, '.vscode-test', 'code-server-4.100.3', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const server = spawn(
    process.execPath,
    [
      bin,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      path.join(root, '.vscode-test', 'extensions'),
      workspace,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`],
    ['skipWelcome', 'true'],
  ]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
  console.log(`\nML Workbench is running in code-server (VS Code 1.100.3). Open this URL in a browser:\n\n  ${url}\n\nPress Ctrl+C to stop.`);
  const stop = (): void => {
    server.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
}
