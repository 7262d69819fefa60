/**
 * Import benchmark: N rows × 10 columns from a real PostgreSQL server (started here, as in the
 * tests) to Parquet with `importData`, side by side in the same run with `psql \copy … TO csv` and
 * pandas `read_sql` + `to_csv` (Debian's python3-pandas and python3-psycopg2). Each contender runs
 * in its own process under one wrapper that reports wall time and the child's peak RSS.
 *
 *   node --import tsx bench/import.ts [--rows 1000000] [--repeat 2]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { importData } from '../src/core/sources';
import { postgresBin, startPostgres } from '../test/unit/sources/servers';
import { option } from './common';

/** Runs argv and prints {"wall": s, "rssMb": peak RSS of the child} (getrusage of the waited child). */
const MEASURE = `
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
if done.returncode != 0:
    sys.stderr.write(done.stderr.decode()[-2000:])
    sys.exit(done.returncode)
print(json.dumps({"wall": wall, "rssMb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
`;

const PANDAS = `
import sys, pandas, psycopg2
connection = psycopg2.connect(sys.argv[1])
pandas.read_sql("SELECT * FROM bench", connection).to_csv(sys.argv[2], index=False)
`;

interface Measured {
  readonly wall: number;
  readonly rssMb: number;
}

function measure(argv: string[], env: NodeJS.ProcessEnv = process.env): Measured {
  const run = spawnSync('/usr/bin/python3', ['-c', MEASURE, ...argv], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`${argv[0]} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Measured;
}

/** The child side of "ours": one import in a fresh process. */
async function child(url: string, out: string): Promise<void> {
  const started = performance.now();
  const result = await importData({ kind: 'postgres', url, table: 'bench' }, out);
  const memory = process.memoryUsage();
  console.log(
    JSON.stringify({
      rows: result.rows,
      seconds: (performance.now() - started) / 1000,
      heapTotalMb: memory.heapTotal / 2 ** 20,
      externalMb: memory.external / 2 ** 20,
    }),
  );
}

async function main(): Promise<void> {
  const rows = option('rows', 1_000_000);
  const repeat = option('repeat', 2);
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const pandasReady = spawnSync('/usr/bin/python3', ['-c', 'import pandas, psycopg2']).status === 0;
  const server = await startPostgres();
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-bench-import-'));
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(`CREATE TABLE bench AS SELECT
        i::bigint AS id, (i % 1000)::int AS bucket, i * 0.001::float8 AS score, round((i % 100000) / 7.0, 2)::numeric(12,2) AS price,
        'customer ' || (i % 5000) AS customer, md5(i::text) AS token, i % 3 = 0 AS flag, DATE '2020-01-01' + (i % 1500) AS day,
        TIMESTAMPTZ '2024-01-01 00:00:00+00' + (i || ' seconds')::interval AS seen, (i % 30000)::smallint AS small
      FROM generate_series(1, ${rows}) AS i`);
    await client.end();
    const env = { ...process.env, PGPASSWORD: server.password };
    const psql = existsSync(path.join(bin, 'psql')) ? path.join(bin, 'psql') : 'psql';
    console.log(`${rows.toLocaleString()} rows × 10 columns from PostgreSQL ${path.basename(path.dirname(bin))}, ${repeat} run(s) each, best wall kept`);
    const contenders: [string, () => Measured, string][] = [
      [
        'mlwb importData → Parquet',
        () => measure([process.execPath, '--import', 'tsx', __filename, '--child', server.url, path.join(dir, 'ours.parquet')]),
        path.join(dir, 'ours.parquet'),
      ],
      [
        'psql \\copy → csv',
        () => measure([psql, server.urlWithoutPassword, '-c', `\\copy (SELECT * FROM bench) TO '${path.join(dir, 'psql.csv')}' CSV HEADER`], env),
        path.join(dir, 'psql.csv'),
      ],
      ...(pandasReady
        ? [
            [
              'pandas read_sql + to_csv',
              () => measure(['/usr/bin/python3', '-c', PANDAS, server.url.replace(/^postgres:/, 'postgresql:'), path.join(dir, 'pandas.csv')]),
              path.join(dir, 'pandas.csv'),
            ] as [string, () => Measured, string],
          ]
        : []),
    ];
    const results = new Map<string, Measured>();
    for (let r = 0; r < repeat; r++) {
      for (const [name, run] of contenders) {
        const measured = run();
        const best = results.get(name);
        if (!best || measured.wall < best.wall) results.set(name, measured);
      }
    }
    const pandas = results.get('pandas read_sql + to_csv');
    console.log('| contender | wall s | peak RSS MB | file MB | wall / pandas |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, , file] of contenders) {
      const m = results.get(name) as Measured;
      const ratio = pandas ? (m.wall / pandas.wall).toFixed(2) : 'n/a';
      console.log(`| ${name} | ${m.wall.toFixed(2)} | ${m.rssMb.toFixed(0)} | ${(statSync(file).size / 2 ** 20).toFixed(1)} | ${ratio}× |`);
    }
    if (!pandasReady) console.log('pandas or psycopg2 is missing: apt-get install python3-pandas python3-psycopg2');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) void child(process.argv[at + 1] as string, process.argv[at + 2] as string);
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
