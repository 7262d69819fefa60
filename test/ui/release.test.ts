// npm run release: one .vsix per VS Code target, each holding exactly its own platform's DuckDB binding (checked by
// the native files' headers) within its size budget, and the CLI tarball, which installs with npm outside the
// repository and trains, serves, exports and imports from there. (package.test.ts installs this machine's .vsix.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { SIZE_BUDGET_MB, TARGETS, hostTarget, nativeFormat, type Target } from '../../scripts/platforms.mjs';
import { projectRoot } from '../runner/codeServer';
import { readZip } from './zip';

const releaseDir = path.join(projectRoot, 'dist', 'release');
const version = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
const scratch = mkdtempSync(path.join(tmpdir(), 'mlwb-release-'));

/** What a package may hold besides the target's DuckDB binding: the manifest, docs, icons, CSS, schema, bundles. */
const SHIPPED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt)$/,
  /^extension\/media\/[^/]+\.(svg|png|css)$/,
  /^extension\/media\/walkthrough\/[^/]+\.md$/,
  /^extension\/schemas\/[^/]+\.json$/,
  /^extension\/dist\/(extension|lazy\/[^/]+|worker\/[^/]+|serve\/[^/]+|webview\/[^/]+)\.js$/,
  /^extension\/dist\/webview\/[^/]+\.css$/,
  /^extension\/dist\/wasm\/[^/]+\.wasm$/,
  /^extension\/dist\/node_modules\/(@duckdb\/node-bindings|detect-libc|onnxruntime-node|onnxruntime-common)\/.+\.(js|json)$|LICENSE$/,
];
const NATIVE = /\.(node|so|dylib|dll)$|\.so\.\d+$/;

before(() => {
  const released = spawnSync('npm', ['run', 'release'], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  assert.equal(released.status, 0, (released.stdout + released.stderr).slice(-4000));
});

after(() => rmSync(scratch, { recursive: true, force: true }));

for (const target of Object.keys(TARGETS) as Target[]) {
  test(`the ${target} package holds only ${target}'s DuckDB binding and ONNX runtime, within ${SIZE_BUDGET_MB[target]} MiB`, () => {
    const spec = TARGETS[target];
    const file = path.join(releaseDir, `ml-workbench-${target}.vsix`);
    const megabytes = statSync(file).size / 2 ** 20;
    console.log(`${target}: ${megabytes.toFixed(1)} MiB`);
    assert.ok(megabytes <= SIZE_BUDGET_MB[target], `${file} is ${megabytes.toFixed(1)} MiB`);

    const entries = readZip(file);
    const vsixManifest = entries.find((entry) => entry.name === 'extension.vsixmanifest');
    assert.match(vsixManifest?.read().toString('utf8') ?? '', new RegExp(`TargetPlatform="${target}"`));

    const bindingDir = `extension/dist/node_modules/@duckdb/node-bindings-${spec.duckdb}/`;
    // The embed step's runtime: onnxruntime-node's binary folder for this target only (none for macOS Intel).
    const runtimeDir = spec.onnxruntime === undefined ? undefined : `extension/dist/node_modules/onnxruntime-node/bin/napi-v6/${spec.onnxruntime}/`;
    const expectedRuntime =
      runtimeDir === undefined
        ? []
        : readdirSync(path.join(projectRoot, 'node_modules/onnxruntime-node/bin/napi-v6', spec.onnxruntime!)).map((name) => runtimeDir + name);
    const native = entries.filter((entry) => NATIVE.test(entry.name));
    assert.deepEqual(native.map((entry) => entry.name).sort(), [`${bindingDir}duckdb.node`, `${bindingDir}${spec.library}`, ...expectedRuntime].sort());
    for (const entry of native) {
      const found = nativeFormat(entry.head());
      assert.equal(found?.format, spec.format, `${entry.name} is ${JSON.stringify(found)}`);
      assert.ok(found?.machines.includes(spec.machine), `${entry.name} is built for ${JSON.stringify(found?.machines)}, not ${spec.machine}`);
    }
    // Nothing else: no other platform's package, no sources, tests, fixtures, source maps, screenshots or CLI bundle.
    const unexpected = entries.filter(
      (entry) =>
        !entry.name.startsWith(bindingDir) &&
        !(runtimeDir !== undefined && entry.name.startsWith(runtimeDir)) &&
        !SHIPPED.some((pattern) => pattern.test(entry.name)),
    );
    assert.deepEqual(
      unexpected.map((entry) => entry.name),
      [],
    );
    assert.ok(entries.some((entry) => entry.name === 'extension/dist/extension.js'));
    assert.ok(entries.some((entry) => entry.name === 'extension/media/ml-workbench-icon.png'));
  });
}

test('the release lists a SHA-256 checksum for every file', () => {
  const sums = readFileSync(path.join(releaseDir, 'SHA256SUMS'), 'utf8').trim().split('\n');
  const files = readdirSync(releaseDir)
    .filter((name) => name !== 'SHA256SUMS')
    .sort();
  assert.deepEqual(files, [...Object.keys(TARGETS).map((target) => `ml-workbench-${target}.vsix`), `mlwb-cli-${version}.tgz`].sort());
  assert.equal(sums.length, files.length);
  for (const line of sums) {
    const [sum, name] = line.split(/\s+/);
    assert.equal(
      createHash('sha256')
        .update(readFileSync(path.join(releaseDir, name ?? '')))
        .digest('hex'),
      sum,
      name,
    );
  }
});

/** Runs a command and returns its stdout; fails the test with its output when it exits non-zero. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): string {
  const result = spawnSync(command, args, { ...options, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`.slice(-4000));
  return result.stdout;
}

test('the CLI tarball installs with npm outside the repository and trains, serves, exports and imports there', async (t) => {
  const prefix = path.join(scratch, 'prefix');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.join(prefix, 'bin')}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
  };
  // better-sqlite3's install fetches its prebuilt binary from GitHub, which is out of reach here, then compiles for
  // minutes; prebuild-install's local-prebuilds folder stands in for the download with this machine's own build.
  const host = hostTarget();
  assert.ok(host !== undefined, `no package is made for ${process.platform}-${process.arch}`);
  assert.ok(existsSync(path.join(projectRoot, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')), 'npm ci builds better-sqlite3');
  const prebuilds = path.join(scratch, 'prebuilds');
  mkdirSync(prebuilds);
  const betterSqlite = JSON.parse(readFileSync(path.join(projectRoot, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  const archive = path.join(prebuilds, `better-sqlite3-v${betterSqlite.version}-node-v${process.versions.modules}-${host}.tar.gz`);
  run('tar', ['-czf', archive, '-C', path.join(projectRoot, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node'], { cwd: scratch });
  env.npm_config_better_sqlite3_local_prebuilds = prebuilds;
  // onnxruntime-node's install script would download the CUDA provider from NuGet, out of reach here (mlwb runs on the CPU).
  env.ONNXRUNTIME_NODE_INSTALL = 'skip';
  const tarball = path.join(releaseDir, `mlwb-cli-${version}.tgz`);
  run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { cwd: scratch, env, timeout: 300_000 });
  const mlwb = path.join(prefix, 'bin', process.platform === 'win32' ? 'mlwb.cmd' : 'mlwb');
  assert.ok(existsSync(mlwb));
  const installed = path.join(prefix, 'lib', 'node_modules', 'mlwb-cli');
  assert.ok(existsSync(path.join(installed, 'node_modules', '@duckdb', `node-bindings-${TARGETS[host].duckdb}`, 'duckdb.node')));
  const onnxBinaries = TARGETS[host].onnxruntime;
  if (onnxBinaries) assert.ok(existsSync(path.join(installed, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', onnxBinaries)), 'the embed runtime');

  // A workspace of its own, outside the repository.
  const workspace = path.join(scratch, 'workspace');
  mkdirSync(path.join(workspace, 'data'), { recursive: true });
  cpSync(path.join(projectRoot, 'examples', 'iris.experiment.yaml'), path.join(workspace, 'iris.experiment.yaml'));
  cpSync(path.join(projectRoot, 'examples', 'data', 'iris.csv'), path.join(workspace, 'data', 'iris.csv'));
  const trained = JSON.parse(run(mlwb, ['train', 'iris.experiment.yaml', '--json'], { cwd: workspace, env, timeout: 120_000 })) as {
    runId: string;
    status: string;
    metrics: { accuracy: number };
  };
  assert.equal(trained.status, 'completed');
  assert.ok(trained.metrics.accuracy > 0.9, String(trained.metrics.accuracy));
  assert.ok(existsSync(path.join(workspace, '.mlwb', 'runs', trained.runId, 'run.json')));

  // A pretrained encoder (the embed step) through the installed onnxruntime-node.
  if (onnxBinaries) {
    cpSync(path.join(projectRoot, 'test', 'fixtures', 'encoder', 'tiny-bert'), path.join(workspace, 'models', 'tiny-bert'), { recursive: true });
    cpSync(path.join(projectRoot, 'test', 'fixtures', 'workspace', 'data', 'reviews.csv'), path.join(workspace, 'data', 'reviews.csv'));
    const lines = [
      'data: { path: data/reviews.csv, target: label }',
      'prepare:',
      '  - embed: { column: review, model: models/tiny-bert, max_length: 8 }',
      'model: { type: logistic_regression }',
      'validation: { method: holdout, test_size: 0.25 }',
      'importance: false',
    ];
    writeFileSync(path.join(workspace, 'reviews.experiment.yaml'), `${lines.join('\n')}\n`);
    const embedded = JSON.parse(run(mlwb, ['train', 'reviews.experiment.yaml', '--json'], { cwd: workspace, env, timeout: 120_000 })) as {
      runId: string;
      status: string;
      reason?: string;
    };
    assert.equal(embedded.status, 'completed', embedded.reason);
    const record = JSON.parse(readFileSync(path.join(workspace, '.mlwb', 'runs', embedded.runId, 'run.json'), 'utf8')) as {
      embeddings?: { steps: { width: number }[] };
    };
    assert.equal(record.embeddings?.steps[0]?.width, 32);
  }

  run(mlwb, ['export', trained.runId, '--out', path.join(scratch, 'exported')], { cwd: workspace, env });
  assert.ok(readdirSync(path.join(scratch, 'exported')).length > 0);

  // Serve on a free port, predict one flower, then stop the service by its PID.
  const server = spawn(mlwb, ['serve', trained.runId, '--port', '0'], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });
  let output = '';
  const listening = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mlwb serve did not listen within 60 s:\n${output}`)), 60_000);
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.includes('"event":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; pid: number });
      }
    });
    server.on('exit', (code) => reject(new Error(`mlwb serve exited with ${code}:\n${output}`)));
  });
  const response = await fetch(new URL('/invocations', listening.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataframe_records: [{ sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 }] }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  assert.match(JSON.stringify(await response.json()), /setosa/);
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  process.kill(listening.pid, 'SIGTERM');
  assert.equal(await exited, 0);

  // SQLite import through the installed better-sqlite3.
  const Database = createRequire(path.join(projectRoot, 'package.json'))('better-sqlite3') as new (file: string) => { exec(sql: string): void; close(): void };
  const db = new Database(path.join(workspace, 'shop.db'));
  db.exec("CREATE TABLE orders (id INTEGER, item TEXT, price REAL); INSERT INTO orders VALUES (1, 'tea', 3.5), (2, 'cake', 4.25)");
  db.close();
  const result = JSON.parse(run(mlwb, ['import', 'sqlite:shop.db', '--table', 'orders', '--json'], { cwd: workspace, env })) as { rows: number; path: string };
  assert.equal(result.rows, 2);
  assert.ok(existsSync(result.path));

  // A CSV over HTTP from a local server (asynchronously: a blocking spawn would stall the server in this process).
  const web = createServer((request, response) => {
    if (request.url !== '/iris.csv') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/csv' }).end(readFileSync(path.join(projectRoot, 'examples', 'data', 'iris.csv')));
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  t.after(() => web.close());
  const port = (web.address() as AddressInfo).port;
  const fetched = await promisify(execFile)(mlwb, ['import', `http://127.0.0.1:${port}/iris.csv`, '--out', 'data/iris-web.parquet', '--json'], {
    cwd: workspace,
    env,
  });
  const overHttp = JSON.parse(fetched.stdout) as { rows: number; path: string; source: { kind: string } };
  assert.equal(overHttp.rows, 150);
  assert.equal(overHttp.source.kind, 'http');
  assert.ok(existsSync(path.join(workspace, 'data', 'iris-web.source.yaml')));
});
