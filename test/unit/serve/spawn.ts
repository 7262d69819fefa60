/**
 * Starts the service as a child process, as the extension does: the entry src/serve/server.ts is
 * bundled with esbuild the way scripts/build.mjs makes dist/serve/server.js (once per test process;
 * a bundle starts in about a second, the same entry through tsx in several).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import * as esbuild from 'esbuild';

const root = path.join(__dirname, '..', '..', '..');
const bundles = new Map<string, Promise<string>>();

/**
 * The path of a fresh bundle of src/serve/<entry>.ts as scripts/build.mjs makes dist/serve/<entry>.js (its externals,
 * onnxruntime-node among them), built once per test process: `server` is the extension's service, `container` the
 * container export's server.js.
 */
export function serveBundle(entry: 'server' | 'container'): Promise<string> {
  let bundled = bundles.get(entry);
  if (!bundled) {
    bundled = (async () => {
      const outdir = mkdtempSync(path.join(tmpdir(), `mlwb-${entry}-bundle-`));
      await esbuild.build({
        entryPoints: { [entry]: path.join(root, 'src', 'serve', `${entry}.ts`) },
        outdir,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['vscode', '@duckdb/node-bindings', '@tensorflow/tfjs-node', 'better-sqlite3', 'mocha', 'onnxruntime-node'],
        logLevel: 'warning',
        absWorkingDir: root,
      });
      return path.join(outdir, `${entry}.js`);
    })();
    bundles.set(entry, bundled);
  }
  return bundled;
}

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code and signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stdout: string[];
  readonly stderr: () => string;
}

/** Spawns the server and resolves once it printed its "listening" line (rejects if it exits first). */
export async function spawnServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [await serveBundle('server'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const stdout: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise<SpawnedServer>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      stdout.push(line);
      try {
        const event = JSON.parse(line) as { event?: string; url?: string; pid?: number };
        if (event.event === 'listening' && event.url && event.pid) resolve({ child, url: event.url, pid: event.pid, exited, stdout, stderr: () => stderr });
      } catch {
        // not an event line
      }
    });
    void exited.then(({ code, signal }) => reject(Object.assign(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`), { code, stderr })));
  });
}

/** Runs the server to its end (for arguments it refuses) and returns its exit code and stderr. */
export async function runServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [await serveBundle('server'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr, stdout })));
}
