/**
 * Load on the prediction service beside its scikit-learn anchor, in the same run: autocannon on
 * loopback against POST /invocations (one iris row as dataframe_records) of
 *   - the mlwb service (src/serve/server.ts bundled as dist/serve/server.js is) serving an iris run
 *     (standard scaling + logistic regression, C=1), and
 *   - bench/serve_flask.py: Flask + scikit-learn (the same pipeline, trained on the same CSV) under
 *     gunicorn (Debian package; one gthread worker) or werkzeug when gunicorn is missing.
 * Two phases per service: as fast as possible for --duration seconds (throughput, p50/p99), then a
 * fixed 1,000 requests/s (autocannon overallRate) for --rate-duration seconds (p99 target < 5 ms,
 * zero errors, memory flat), and for mlwb a third: the Open Inference Protocol's infer route
 * (the same row as four [1, 1] tensors), as fast as possible. RSS of each service's process tree is
 * sampled every second.
 *
 *   node --import tsx bench/serve.ts [--duration 60] [--rate-duration 30] [--connections 10] [--rate 1000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import * as esbuild from 'esbuild';
import { executeRun } from '../src/core/runs/execute';
import { RunStore } from '../src/core/runs/store';
import { experimentYaml } from '../test/unit/serve/fixture';

const root = path.join(__dirname, '..');
const PYTHON = '/usr/bin/python3';
const IRIS = path.join(root, 'test', 'fixtures', 'datasets', 'iris.csv');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
}
const DURATION = option('--duration', 60);
const RATE_DURATION = option('--rate-duration', Math.min(30, DURATION));
const CONNECTIONS = option('--connections', 10);
const RATE = option('--rate', 1000);

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly duration: number;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
}
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  readonly pid: number;
  readonly detail: string;
}

/** Spawns a service and waits for its {"event":"listening"} line. */
function startService(name: string, command: string, args: string[], timeoutMs = 120_000): Promise<Service> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${timeoutMs / 1000} s: ${stderr}`)), timeoutMs);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string; pid?: number; server?: string; model?: string };
        if (event.event !== 'listening' || !event.url || !event.pid) return;
        clearTimeout(timer);
        resolve({ name, child, url: event.url, pid: event.pid, detail: event.server ?? event.model ?? '' });
      } catch {
        // not an event line
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening: ${stderr}`)));
  });
}

/** Resident memory of a process and its descendants (gunicorn's master + worker), in bytes. */
function treeRss(pid: number): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/) : []) total += treeRss(Number(child));
    }
  } catch {
    // the process ended
  }
  return total;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

interface Phase {
  readonly service: string;
  readonly phase: string;
  readonly requestsPerSecond: number;
  readonly total: number;
  readonly p50: number;
  readonly p99: number;
  /** autocannon's own p99 (whole ms; corrected for coordinated omission at a fixed rate). */
  readonly autocannonP99: number;
  readonly errors: number;
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  readonly rssMaxMb: number;
}

async function load(service: Service, phase: string, seconds: number, body: string, rate?: number, route = '/invocations'): Promise<Phase> {
  const latencies: number[] = [];
  const rss: number[] = [treeRss(service.pid)];
  const sampler = setInterval(() => rss.push(treeRss(service.pid)), 1000);
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${service.url}${route}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: CONNECTIONS,
        duration: seconds,
        ...(rate ? { overallRate: rate } : {}),
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  clearInterval(sampler);
  rss.push(treeRss(service.pid));
  const sorted = Float64Array.from(latencies).sort();
  const mb = (bytes: number): number => bytes / 1048576;
  return {
    service: service.name,
    phase,
    requestsPerSecond: result.requests.total / result.duration,
    total: result.requests.total,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    autocannonP99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    rssStartMb: mb(rss[0] as number),
    rssEndMb: mb(rss.at(-1) as number),
    rssMaxMb: mb(Math.max(...rss)),
  };
}

async function post(url: string, body: unknown): Promise<{ predictions: string[]; probabilities: number[][] }> {
  const response = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { predictions: string[]; probabilities: number[][] };
}

async function main(): Promise<void> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} with Flask and scikit-learn is needed for the anchor`);
  // A run to serve: the iris experiment, trained into a temporary workspace.
  const workspace = mkdtempSync(path.join(tmpdir(), 'mlwb-bench-serve-'));
  cpSync(IRIS, path.join(workspace, 'iris.csv'));
  const experiment = path.join(workspace, 'iris.experiment.yaml');
  writeFileSync(experiment, experimentYaml('iris', 'iris-bench'));
  const record = await executeRun({ workspaceRoot: workspace, experimentFile: experiment });
  if (record.status !== 'completed') throw new Error(`training failed: ${record.reason ?? ''}`);
  const runDir = new RunStore(workspace).runDir(record.id);

  const outdir = mkdtempSync(path.join(tmpdir(), 'mlwb-bench-bundle-'));
  await esbuild.build({
    entryPoints: { server: path.join(root, 'src/serve/server.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@tensorflow/tfjs-node', '@duckdb/node-bindings', 'onnxruntime-node'],
    logLevel: 'warning',
  });
  const mlwb = await startService('mlwb', process.execPath, [path.join(outdir, 'server.js'), '--run', runDir, '--port', '0']);
  const flask = await startService('flask', PYTHON, [
    path.join(root, 'bench', 'serve_flask.py'),
    '--data',
    IRIS,
    '--target',
    'species',
    '--port',
    String(30000 + (process.pid % 20000)),
  ]);
  try {
    // Same data, same pipeline: the two should agree on (nearly) every row.
    const lines = readFileSync(IRIS, 'utf8').trim().split('\n');
    const header = (lines[0] as string).split(',').slice(0, -1);
    const records = lines.slice(1).map((line) =>
      Object.fromEntries(
        line
          .split(',')
          .slice(0, -1)
          .map((v, j) => [header[j] as string, Number(v)]),
      ),
    );
    const [a, b] = await Promise.all([post(mlwb.url, { dataframe_records: records }), post(flask.url, { dataframe_records: records })]);
    const agree = a.predictions.filter((p, i) => p === b.predictions[i]).length;
    const maxProbabilityGap = Math.max(
      ...a.probabilities.flatMap((row, i) => row.map((p, k) => Math.abs(p - ((b.probabilities[i] as number[])[k] as number)))),
    );

    const body = JSON.stringify({ dataframe_records: [records[100]] });
    console.log(
      `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}; node ${process.version}; anchor served by ${flask.detail}`,
    );
    console.log(`agreement on the 150 iris rows: ${agree}/150 predictions, max |probability gap| ${maxProbabilityGap.toExponential(2)}`);
    console.log(`phase 1: ${CONNECTIONS} connections, as fast as possible, ${DURATION} s each; phase 2: ${RATE} req/s for ${RATE_DURATION} s each`);
    const phases: Phase[] = [];
    for (const service of [mlwb, flask]) {
      for (let i = 0; i < 200; i++) await post(service.url, { dataframe_records: [records[i % 150]] }); // warm-up
      phases.push(await load(service, 'max', DURATION, body));
      phases.push(await load(service, `${RATE}/s`, RATE_DURATION, body, RATE));
    }
    // The Open Inference Protocol's infer on the same row: one FP64 tensor [1, 1] per column.
    const v2 = JSON.stringify({
      inputs: header.map((name) => ({ name, shape: [1, 1], datatype: 'FP64', data: [(records[100] as Record<string, number>)[name]] })),
    });
    const v2Route = '/v2/models/iris-bench/infer';
    const check = await fetch(`${mlwb.url}${v2Route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: v2 });
    if (!check.ok) throw new Error(`${v2Route}: ${check.status} ${await check.text()}`);
    phases.push(await load(mlwb, 'v2 max', DURATION, v2, undefined, v2Route));
    console.log('\nservice  phase     req/s    p50 ms  p99 ms  ac-p99  errors  RSS start→end (max) MB');
    for (const p of phases) {
      console.log(
        `${p.service.padEnd(8)} ${p.phase.padEnd(7)} ${p.requestsPerSecond.toFixed(0).padStart(7)}  ${p.p50.toFixed(2).padStart(6)}  ${p.p99.toFixed(2).padStart(6)}  ${String(p.autocannonP99).padStart(6)}  ${String(p.errors).padStart(6)}  ${p.rssStartMb.toFixed(1)}→${p.rssEndMb.toFixed(1)} (${p.rssMaxMb.toFixed(1)})`,
      );
    }
    const get = (service: string, phase: string): Phase => phases.find((p) => p.service === service && p.phase === phase) as Phase;
    const [mMax, fMax, mRate, fRate] = [get('mlwb', 'max'), get('flask', 'max'), get('mlwb', `${RATE}/s`), get('flask', `${RATE}/s`)];
    console.log(
      `\nratios mlwb/flask: throughput ×${(mMax.requestsPerSecond / fMax.requestsPerSecond).toFixed(2)}, p50 ×${(mMax.p50 / fMax.p50).toFixed(2)}, p99 ×${(mMax.p99 / fMax.p99).toFixed(2)} (max phase); p99 at ${RATE}/s ×${(mRate.p99 / fRate.p99).toFixed(2)}`,
    );
    const v2Max = get('mlwb', 'v2 max');
    console.log(
      `v2 infer beside /invocations (mlwb, max phase): throughput ×${(v2Max.requestsPerSecond / mMax.requestsPerSecond).toFixed(2)}, p99 ${v2Max.p99.toFixed(2)} vs ${mMax.p99.toFixed(2)} ms`,
    );
    console.log(
      `target at ${RATE}/s (mlwb): p99 ${mRate.p99.toFixed(2)} ms ${mRate.p99 < 5 ? '<' : '>='} 5 ms, ${mRate.errors} errors, RSS ${mRate.rssStartMb.toFixed(1)}→${mRate.rssEndMb.toFixed(1)} MB`,
    );
    console.log(JSON.stringify({ agree, maxProbabilityGap, phases }));
  } finally {
    mlwb.child.kill('SIGTERM');
    flask.child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
