import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { featureRecords, trainedRun } from './fixture';
import { spawnServer } from './spawn';

/** Requests of the fuzz run; MLWB_FUZZ_RUNS raises it (the bench notes record a 20,000-request run). */
const RUNS = Number(process.env.MLWB_FUZZ_RUNS ?? 2500);
const FEATURES = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'];

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(base: URL, r: FuzzRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(r.body) };
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    const req = request({ host: base.hostname, port: base.port, path: r.path, method: r.method, headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

// Cells of every JSON kind, including the awkward ones.
const cell = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom('NaN', 'Infinity', '', '1e309', '-0', '__proto__', '5.1'),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const columnName = fc.oneof(fc.constantFrom(...FEATURES), fc.constantFrom('__proto__', 'constructor', 'species', ''), fc.string({ maxLength: 8 }));
const record = fc.oneof(
  // Valid columns, one cell perturbed.
  fc.tuple(fc.constantFrom(...FEATURES), cell).map(([name, value]) => ({ ...Object.fromEntries(FEATURES.map((f) => [f, 1.5])), [name]: value })),
  fc.dictionary(columnName, cell, { maxKeys: 6 }),
  cell,
);
const rows = fc.array(record, { maxLength: 6 });
const shapes = fc.oneof(
  rows.map((r) => ({ dataframe_records: r })),
  rows.map((r) => ({ instances: r })),
  fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 5 }).map((data) => ({ instances: data })),
  fc
    .record({ columns: fc.array(columnName, { maxLength: 6 }), data: fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 4 }) })
    .map((split) => ({ dataframe_split: split })),
  fc.record({ prediction_ids: fc.array(fc.string(), { maxLength: 3 }), labels: fc.array(cell, { maxLength: 3 }) }),
  fc.dictionary(fc.string({ maxLength: 12 }), cell, { maxKeys: 3 }),
);
const jsonBody = fc.oneof(
  shapes.map((value) => JSON.stringify(value)),
  // Cut valid JSON at a random point.
  fc.tuple(shapes, fc.nat()).map(([value, cut]) => {
    const text = JSON.stringify(value);
    return text.slice(0, cut % (text.length + 1));
  }),
  fc.json(),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
const csvBody = fc
  .tuple(
    fc.array(columnName, { minLength: 0, maxLength: 6 }),
    fc.array(fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.double().map(String), fc.constantFrom('"', '""', '"a,b"', '\r', '\n')), { maxLength: 6 }), {
      maxLength: 4,
    }),
  )
  .map(([header, data]) =>
    [header.join(','), ...data.map((row) => row.join(','))].join(fc.sample(fc.constantFrom('\n', '\r\n'), { numRuns: 1, seed: header.length })[0] as string),
  );

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
  path: fc.constantFrom(
    '/invocations',
    '/invocations',
    '/invocations',
    '/feedback',
    '/ping',
    '/health',
    '/metrics',
    '/monitor',
    '/version',
    '/nope',
    '/invocations?x=1',
    '/%ff',
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'text/csv',
    'application/json; charset=utf-8',
    'text/plain',
    'multipart/form-data',
    'application/x-www-form-urlencoded',
    undefined,
  ),
  body: fc.oneof(jsonBody, csvBody),
});

test(`fuzz: ${RUNS} malformed and random requests to a spawned service answer no 5xx, it stays up and its memory stays flat`, async () => {
  const runDir = await trainedRun('iris');
  const server = await spawnServer(['--run', runDir, '--port', '0', '--max-batch', '100']);
  const base = new URL(server.url);
  try {
    // Warm up (JIT, pools) with valid requests before the first memory reading.
    const valid = JSON.stringify({ dataframe_records: featureRecords('iris').slice(0, 5) });
    for (let i = 0; i < 300; i++)
      assert.equal((await send(base, { method: 'POST', path: '/invocations', contentType: 'application/json', body: valid })).status, 200);
    const rss = async (): Promise<number> =>
      (JSON.parse((await send(base, { method: 'GET', path: '/monitor', contentType: undefined, body: '' })).body) as { process: { rssBytes: number } }).process
        .rssBytes;
    const before = await rss();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (r) => {
        const { status, body } = await send(base, r);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) throw new Error(`${r.method} ${r.path} (${r.contentType ?? 'no type'}) ${JSON.stringify(r.body).slice(0, 300)} → ${status} ${body}`);
        if (status >= 400 && r.method !== 'HEAD') {
          const error = JSON.parse(body) as { error?: unknown; detail?: unknown };
          if (typeof error.error !== 'string' || typeof error.detail !== 'string') throw new Error(`${status} without {error, detail}: ${body}`);
        }
      }),
      { numRuns: RUNS, seed: 20260601, endOnFailure: true },
    );
    const after = await rss();
    assert.ok(server.child.exitCode === null && server.child.signalCode === null, 'the service is still running');
    assert.equal((await send(base, { method: 'GET', path: '/ping', contentType: undefined, body: '' })).status, 200);
    assert.equal((await send(base, { method: 'POST', path: '/invocations', contentType: 'application/json', body: valid })).status, 200);
    const growth = after - before;
    // Flat-ish: heap noise and the bounded prediction log, not a leak per request.
    assert.ok(growth < 64 * 1024 * 1024, `RSS grew by ${(growth / 1048576).toFixed(1)} MB over ${RUNS} requests`);
    assert.ok(
      [...statuses.keys()].some((s) => s >= 400),
      'the fuzzer reached error paths',
    );
    assert.ok((statuses.get(200) ?? 0) > 0, 'and some valid requests');
    if (process.env.MLWB_FUZZ_REPORT) {
      console.log(
        JSON.stringify({
          runs: RUNS,
          statuses: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
          rssBeforeMb: before / 1048576,
          rssAfterMb: after / 1048576,
        }),
      );
    }
  } finally {
    agent.destroy();
    server.child.kill('SIGTERM');
    await server.exited;
  }
  assert.equal(server.stderr().includes('uncaught'), false, server.stderr());
});
