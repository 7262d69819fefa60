import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback, parseServerArgs } from '../../../src/serve/process';
import { post, trainedRun } from './fixture';
import { runServer, spawnServer } from './spawn';

test('the server process prints its listening line, serves, and exits 0 on SIGTERM', async () => {
  const runDir = await trainedRun('iris');
  const server = await spawnServer(['--run', runDir, '--port', '0']);
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.pid, server.child.pid);
  const first = JSON.parse(server.stdout[0] as string) as Record<string, unknown>;
  assert.equal(first.model, 'logistic_regression');
  assert.equal(first.auth, 'none');
  const { status, json } = await post(`${server.url}/invocations`, JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }));
  assert.equal(status, 200);
  assert.deepEqual(json.predictions, ['setosa']);
  server.child.kill('SIGTERM');
  const { code } = await server.exited;
  assert.equal(code, 0, server.stderr());
  assert.equal((JSON.parse(server.stdout.at(-1) as string) as { event: string }).event, 'stopped');
});

test('kill -9 of the service is seen by its parent as an exit by SIGKILL, and the port stops answering', async () => {
  const runDir = await trainedRun('iris');
  const server = await spawnServer(['--run', runDir, '--port', '0']);
  assert.equal((await fetch(`${server.url}/ping`)).status, 200);
  process.kill(server.pid, 'SIGKILL');
  const { code, signal } = await server.exited;
  assert.equal(code, null);
  assert.equal(signal, 'SIGKILL');
  await assert.rejects(fetch(`${server.url}/ping`));
  // A restart on the same run works (the extension's Restart action).
  const again = await spawnServer(['--run', runDir, '--port', '0']);
  assert.equal((await fetch(`${again.url}/ping`)).status, 200);
  again.child.kill('SIGTERM');
  assert.equal((await again.exited).code, 0);
});

test('binding to a non-loopback address without a token is refused with a clear message', async () => {
  const runDir = await trainedRun('iris');
  const refused = await runServer(['--run', runDir, '--host', '0.0.0.0', '--port', '0'], { ...process.env, MLWB_SERVE_TOKEN: '' });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refusing to listen on 0\.0\.0\.0 without a token.*--token/);
  assert.equal(refused.stdout, '');
  const missingRun = await runServer(['--run', `${runDir}-nope`, '--port', '0']);
  assert.equal(missingRun.code, 1);
  assert.match(missingRun.stderr, /cannot start: run folder not found/);
});

test('server arguments: defaults, limits and the loopback rule', () => {
  const args = parseServerArgs(['--run', 'r'], {});
  assert.equal(args.host, '127.0.0.1');
  assert.equal(args.port, 0);
  assert.equal(args.token, undefined);
  assert.equal(parseServerArgs(['--run', 'r', '--host', '0.0.0.0', '--token', 't'], {}).token, 't');
  assert.equal(parseServerArgs(['--run', 'r', '--host', '::'], { MLWB_SERVE_TOKEN: 'env' }).token, 'env');
  assert.equal(parseServerArgs(['--run', 'r', '--body-limit', '2048'], {}).bodyLimit, 2048);
  assert.throws(() => parseServerArgs(['--run', 'r', '--port', '70000'], {}), /--port needs an integer/);
  assert.throws(() => parseServerArgs(['--run', 'r', '--host', '192.168.1.5'], {}), /without a token/);
  assert.throws(() => parseServerArgs(['--port', '1'], {}), /--run DIR is required/);
  assert.throws(() => parseServerArgs(['--run', 'r', '--verbose'], {}), /unknown argument --verbose/);
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(isLoopback(host), host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) assert.ok(!isLoopback(host), host);
});
