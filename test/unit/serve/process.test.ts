import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
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
  assert.equal(args.headersTimeoutMs, 10_000);
  assert.equal(args.requestTimeoutMs, 30_000);
  const timeouts = parseServerArgs(['--run', 'r', '--headers-timeout', '0.5', '--request-timeout', '2'], {});
  assert.deepEqual([timeouts.headersTimeoutMs, timeouts.requestTimeoutMs], [500, 2000]);
  assert.throws(() => parseServerArgs(['--run', 'r', '--headers-timeout', '0'], {}), /--headers-timeout needs a number of seconds from 0\.1/);
  assert.throws(
    () => parseServerArgs(['--run', 'r', '--headers-timeout', '40'], {}),
    /--headers-timeout \(40 s\) cannot be longer than --request-timeout \(30 s\)/,
  );
  assert.throws(() => parseServerArgs(['--run', 'r', '--port', '70000'], {}), /--port needs an integer/);
  assert.throws(() => parseServerArgs(['--run', 'r', '--host', '192.168.1.5'], {}), /without a token/);
  assert.throws(() => parseServerArgs(['--port', '1'], {}), /--run DIR is required/);
  assert.throws(() => parseServerArgs(['--run', 'r', '--verbose'], {}), /unknown argument --verbose/);
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(isLoopback(host), host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) assert.ok(!isLoopback(host), host);
});

/** A raw connection that writes `first`, then `drip` every `everyMs` until the server closes it or `stopAfterMs` passes. */
function slowClient(
  url: URL,
  first: string,
  drip: string,
  everyMs: number,
  stopAfterMs: number,
): Promise<{ closedAfterMs: number; answer: string; byServer: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket: Socket = connect({ host: url.hostname, port: Number(url.port) }, () => socket.write(first));
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(drip);
    }, everyMs);
    const giveUp = setTimeout(() => socket.destroy(), stopAfterMs);
    let byServer = true;
    giveUp.unref();
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', () => undefined); // a reset by the server is a close too
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      if (Date.now() - started >= stopAfterMs) byServer = false;
      resolve({ closedAfterMs: Date.now() - started, answer, byServer });
    });
  });
}

test('slow clients (slowloris) are cut: headers past --headers-timeout, a body past --request-timeout, with a 408 in the service shape', async () => {
  const runDir = await trainedRun('iris');
  const server = await spawnServer(['--run', runDir, '--port', '0', '--headers-timeout', '1', '--request-timeout', '2']);
  const url = new URL(server.url);
  const limitMs = 6000; // a client still open then was not cut
  try {
    const slowHeaders = Array.from({ length: 5 }, (_, i) =>
      slowClient(url, `POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\n`, `X-Slow-${i}: a\r\n`, 200, limitMs),
    );
    const slowBodies = Array.from({ length: 5 }, () =>
      slowClient(url, `POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`, ' ', 200, limitMs),
    );
    const silent = slowClient(url, '', '', 1000, limitMs);
    // While they hang on, the service still answers others.
    assert.equal((await fetch(`${server.url}/ping`)).status, 200);
    const headers = await Promise.all(slowHeaders);
    const bodies = await Promise.all(slowBodies);
    for (const [i, client] of headers.entries()) {
      assert.ok(client.byServer, `slow-header client ${i} was still open after ${limitMs} ms`);
      assert.ok(client.closedAfterMs < 3500, `slow-header client ${i} was cut after ${client.closedAfterMs} ms`);
      assert.match(client.answer, /^HTTP\/1\.1 408 /);
      assert.match(client.answer, /"error":"request_timeout","detail":"the request was not received in time: headers must arrive within 1 s/);
    }
    for (const [i, client] of bodies.entries()) {
      assert.ok(client.byServer, `slow-body client ${i} was still open after ${limitMs} ms`);
      assert.ok(client.closedAfterMs >= 1900 && client.closedAfterMs < 4500, `slow-body client ${i} was cut after ${client.closedAfterMs} ms`);
    }
    assert.ok((await silent).byServer, `a client that sends nothing was still open after ${limitMs} ms`);
    assert.equal((await fetch(`${server.url}/ping`)).status, 200);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
});
