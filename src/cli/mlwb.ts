/**
 * mlwb: runs experiment files headless (CI, SSH, a bigger machine) into the same run store the
 * extension shows. Commands: train FILE [--json] [--seed N], runs [--json], show RUN [--json],
 * serve RUN [--port N] [--host H] [--token T], export RUN [--format F] --out DIR, import SOURCE (see ./import.ts).
 */
import type { PermutationImportanceResult } from '../core/inspection/permutationImportance';
import { existsSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { EXPORT_FORMATS, exportModel, isExportFormat } from '../core/export/formats';
import { IMPORT_USAGE, ImportUsageError, importCommand } from './import';
import { keyMetric } from '../core/runs/execute';
import { runSweep } from '../core/runs/sweepRun';
import { SweepOptionError, sweepExecutor } from './sweepOptions';
import { WORKER_USAGE, WorkerUsageError, workerCommand } from './worker';
import { RunStore, type RunRecord } from '../core/runs/store';
import type { DataSource } from '../core/sources/sidecar';
import { CancelledError } from '../core/types';
import { runServerProcess } from '../serve/process';
import { readModelVersions } from '../core/runs/versions';

const USAGE = `usage: mlwb <command> [options]

  mlwb train FILE [--json] [--seed N] [--jobs N | --queue URL] [--max-memory-mb M]
                                        train an experiment file (*.experiment.yaml|json); a
                                        sweep scores its candidates on N worker threads
                                        (default 1; -1 every core) or on mlwb worker processes
                                        that take them from the queue on Redis at URL; a table
                                        that would not fit in M MB is streamed from the file
${WORKER_USAGE}
  mlwb runs [--json]                    list the runs of this workspace, newest first
  mlwb show RUN [--json]                show one run
  mlwb serve RUN [--port N] [--host H] [--token T] [--body-limit BYTES]
                 [--headers-timeout S] [--request-timeout S] [--accept-new-classes]
                 [--online [--online-rows N] [--online-learning-rate X] [--online-margin M]]
                                        serve a run (id or run/export folder) over HTTP on
                                        127.0.0.1; another host needs --token (or MLWB_SERVE_TOKEN);
                                        a client has S seconds for its headers (default 10) and
                                        for its whole request (default 30), then gets 408;
                                        /feedback takes labels of the model's classes (with
                                        --accept-new-classes any, kept for retraining) and values
                                        within the training target's range widened by its width;
                                        --online updates the model from every N labelled rows
                                        of feedback, each update saved as a new model version;
                                        one scoring worse than the serving version on rows it
                                        did not learn from (earlier feedback, or the training
                                        sample) by more than M (default 0.05: accuracy points,
                                        or 5% RMSE) is kept as a version but not served
  mlwb export RUN [--format F] --out DIR [--json]
                                        copy a run into a folder that \`mlwb serve DIR\` serves
                                        anywhere, with a README and train_sklearn.py (F folder,
                                        the default); F onnx: model.onnx, the preparation and
                                        model as one ONNX graph; F container: a Dockerfile, the service in
                                        one file, the model and k8s.yaml; F sklearn: only
                                        train_sklearn.py
${IMPORT_USAGE}

options:
  --workspace DIR   workspace root holding .mlwb/ (default: the current folder)
  --json            print JSON instead of text
`;

interface Parsed {
  readonly command: string | undefined;
  readonly positional: string[];
  readonly json: boolean;
  readonly seed?: number;
  readonly workspace: string;
  /** Values of the serve/export options (--port, --host, --token, --body-limit, --out). */
  readonly options: Record<string, string>;
}

const VALUE_OPTIONS = new Set([
  '--port',
  '--host',
  '--token',
  '--body-limit',
  '--headers-timeout',
  '--request-timeout',
  '--out',
  '--format',
  '--online-rows',
  '--online-learning-rate',
  '--online-margin',
  '--jobs',
  '--queue',
  '--max-memory-mb',
  '--concurrency',
  '--name',
]);
/** Options without a value, kept in `options` with ''. */
const FLAG_OPTIONS = new Set(['--online', '--accept-new-classes']);

class UsageError extends Error {}

/** Runs a parser of options from another file, its SweepOptionError turned into a UsageError. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof SweepOptionError || error instanceof WorkerUsageError ? new UsageError(error.message) : error;
  }
}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  let json = false;
  let seed: number | undefined;
  let workspace = process.cwd();
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isInteger(seed)) throw new UsageError('--seed needs an integer');
    } else if (arg === '--workspace') workspace = path.resolve(argv[++i] ?? '.');
    else if (VALUE_OPTIONS.has(arg)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      options[arg] = value;
    } else if (FLAG_OPTIONS.has(arg)) options[arg] = '';
    else if (arg === '--help' || arg === '-h') positional.unshift('help');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  return { command: positional.shift(), positional, json, seed, workspace, options };
}

/** The JSON object of DESIGN.md for a run: runId, status, metrics, cv, trials, best. */
export function runJson(record: RunRecord): Record<string, unknown> {
  return {
    runId: record.id,
    status: record.status,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.warnings ? { warnings: record.warnings } : {}),
    experiment: record.experiment,
    ...(record.task ? { task: record.task } : {}),
    ...(record.missingTargetRows !== undefined ? { missingTargetRows: record.missingTargetRows } : {}),
    metrics: record.metrics ?? {},
    ...(record.cv ? { cv: record.cv } : {}),
    ...(record.trials ? { trials: record.trials, best: record.best } : {}),
  };
}

/** At most `max` characters of one line; a run from before names were capped may have a name of megabytes. */
function clipped(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function describe(record: RunRecord): string {
  const metric = keyMetric(record);
  const line = `${record.id}  ${record.status.padEnd(11)} ${clipped(record.experiment)}${metric ? `  ${metric.name}=${metric.value.toFixed(4)}` : ''}`;
  // A damaged run has nothing else to show; why it is damaged is what the user needs.
  return record.status === 'damaged' && record.reason ? `${line}\n  ${record.reason}` : line;
}

async function train(args: Parsed): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new UsageError('train needs an experiment file');
  const experimentFile = path.resolve(file);
  if (!existsSync(experimentFile)) {
    console.error(`mlwb: experiment file not found: ${file}`);
    return 2;
  }
  const executor = usage(() => sweepExecutor(args.options));
  const maxMemoryMb = memoryLimit(args.options['--max-memory-mb']);
  const controller = new AbortController();
  let runId: string | undefined;
  let stoppedBy: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    const reason = `cancelled: mlwb was stopped by ${signal} before the run finished`;
    if (stoppedBy && runId) {
      // A second signal: the run cannot wait for its fold to end; record why and go now.
      const store = new RunStore(args.workspace);
      const record = store.get(runId);
      if (record && (record.status === 'running' || record.status === 'queued')) store.finish(record, 'cancelled', reason);
      exitWhenFlushed(128 + (osConstants.signals[signal] ?? 15));
      return;
    }
    stoppedBy = signal;
    console.error(`mlwb: ${signal}: stopping after the current step (send it again to stop at once)`);
    controller.abort(new CancelledError(reason));
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, () => stop(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  let lastPercent = -1;
  let lastPrinted = 0;
  const record = await runSweep({
    workspaceRoot: args.workspace,
    experimentFile,
    seed: args.seed,
    ...(maxMemoryMb !== undefined ? { maxMemoryMb } : {}),
    signal: controller.signal,
    environment: { client: 'mlwb' },
    executor,
    onEvent: (event) => {
      if (event.type === 'started') runId = event.runId;
      // A warning goes to stderr with --json too: it is about the data, and stdout stays one JSON object.
      if (args.json && !(event.type === 'log' && event.line.startsWith('warning: '))) return;
      if (event.type === 'log') console.error(event.line);
      else if (event.type === 'progress') {
        const percent = Math.floor(event.fraction * 100);
        // Every 10 %, and every 5 s with the phase (a streamed run's pass and batch) while a step is long.
        if (percent >= lastPercent + 10 || Date.now() - lastPrinted >= 5000) {
          lastPercent = Math.max(lastPercent, percent - (percent % 10));
          lastPrinted = Date.now();
          console.error(event.phase ? `${percent}% · ${event.phase}` : `${percent}%`);
        }
      }
    },
  });
  if (args.json) console.log(JSON.stringify(runJson(record), null, 2));
  else console.log(describe(record) + (record.reason ? `\n${record.reason}` : ''));
  if (record.status !== 'completed' && !args.json) console.error(`mlwb: run ${record.status}: ${record.reason ?? ''}`);
  for (const [signal, handler] of handlers) process.off(signal, handler);
  // Stopped by a signal: the shell's convention, 128 + its number (130 for SIGINT, 143 for SIGTERM).
  if (stoppedBy && record.status === 'cancelled') return 128 + (osConstants.signals[stoppedBy] ?? 15);
  return record.status === 'completed' ? 0 : 1;
}

/** `--max-memory-mb M`: a positive number of MB, or undefined when not given. */
function memoryLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--max-memory-mb needs a positive number of MB, got ${JSON.stringify(text)}`);
  return value;
}

/** A run id of the workspace store, or the path of a run or exported folder. */
function resolveRunDir(store: RunStore, ref: string): string {
  if (existsSync(ref) && statSync(ref).isDirectory()) return path.resolve(ref);
  if (/^[\w.-]+$/.test(ref) && existsSync(store.runDir(ref))) return store.runDir(ref);
  throw new Error(`no run "${ref}" in ${store.runsDir}, and no folder of that name`);
}

/** Serves a run in this process until SIGTERM/SIGINT (the same service as dist/serve/server.js). */
async function serve(args: Parsed, store: RunStore): Promise<number> {
  const ref = args.positional[0];
  if (!ref) throw new UsageError('serve needs a run id or a run/export folder');
  const forwarded = Object.entries(args.options)
    .filter(([name]) => name !== '--out' && name !== '--format')
    .flatMap(([name, value]) => (FLAG_OPTIONS.has(name) ? [name] : [name, value]));
  await runServerProcess(['--run', resolveRunDir(store, ref), ...forwarded]);
  return new Promise<number>(() => undefined); // the service's signal handlers end the process
}

/** What to do with an export, by format. */
const EXPORT_NEXT_STEP: Record<(typeof EXPORT_FORMATS)[number], (dir: string) => string> = {
  folder: (dir) => `serve it with: mlwb serve ${dir}`,
  onnx: (dir) => `run it with any ONNX runtime: one input per feature column, outputs label/probabilities or variable (${path.join(dir, 'model.onnx')})`,
  container: (dir) => `build it with: docker build -t IMAGE ${dir} (see ${path.join(dir, 'README.md')})`,
  sklearn: (dir) => `run it with: python3 ${path.join(dir, 'train_sklearn.py')} --data DATA.csv`,
};

function exportCommand(args: Parsed, store: RunStore): number {
  const ref = args.positional[0];
  const out = args.options['--out'];
  if (!ref || !out) throw new UsageError('export needs a run and --out DIR');
  const format = args.options['--format'] ?? 'folder';
  if (!isExportFormat(format)) throw new UsageError(`--format needs one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  const result = exportModel(resolveRunDir(store, ref), out, { format });
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else console.log(`exported to ${result.outDir}: ${result.files.join(', ')}\n${EXPORT_NEXT_STEP[format](result.outDir)}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'import') {
    return importCommand(argv.slice(1)).catch((error: unknown) => {
      throw error instanceof ImportUsageError ? new UsageError(error.message) : error;
    });
  }
  const args = parseArgs(argv);
  const store = new RunStore(args.workspace);
  switch (args.command) {
    case 'train':
      return train(args);
    case 'runs': {
      const runs = store.list();
      if (args.json) console.log(JSON.stringify(runs.map(runJson), null, 2));
      else if (runs.length === 0) console.log('no runs yet in this workspace');
      else for (const run of runs) console.log(describe(run));
      return 0;
    }
    case 'show': {
      const id = args.positional[0];
      if (!id) throw new UsageError('show needs a run id');
      const record = store.get(id);
      if (!record) {
        console.error(`mlwb: no run "${id}" in ${store.runsDir}`);
        return 1;
      }
      // Only a completed run has a model, hence versions.
      const models = record.status === 'completed' ? readModelVersions(store.runDir(record.id)) : undefined;
      if (args.json) {
        console.log(JSON.stringify({ ...record, ...(models ? { modelVersions: models.versions, servingModelVersion: models.current } : {}) }, null, 2));
        return 0;
      }
      const versionLine =
        models && models.versions.length > 1
          ? `\nmodel versions: ${models.versions.map((v) => `v${v.version}${v.source === 'online' ? ` (online, ${v.rows ?? '?'} rows${v.heldBack ? ', held back' : ''})` : ' (trained)'}`).join(', ')}; serving v${models.current}`
          : '';
      const reasonLine = record.reason && record.status !== 'damaged' ? `\n${record.reason}` : '';
      const warningLines = (record.warnings ?? []).map((warning) => `\nwarning: ${warning}`).join('');
      const sourceLine = record.source ? `\n${describeSource(record.source)}` : '';
      const leftOutLine = record.missingTargetRows ? `\n${record.missingTargetRows} row(s) without a target left out before the split` : '';
      const importanceLine = record.permutationImportance ? `\n${describeImportance(record.permutationImportance)}` : '';
      console.log(
        `${describe(record)}${reasonLine}${warningLines}${sourceLine}${leftOutLine}${versionLine}${importanceLine}\n${JSON.stringify(record.metrics ?? {}, null, 2)}`,
      );
      return 0;
    }
    case 'serve':
      return serve(args, store);
    case 'export':
      return exportCommand(args, store);
    case 'worker':
      return workerCommand(args.options).catch((error: unknown) =>
        usage(() => {
          throw error;
        }),
      );
    case undefined:
    case 'help':
      console.log(USAGE);
      return args.command === 'help' ? 0 : 2;
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}

/** `permutation importance (drop of accuracy, 5 repeats, held-out rows): petal_length_cm 0.5422 ± 0.0648, …`, the five largest. */
function describeImportance(importance: PermutationImportanceResult): string {
  const top = [...importance.features].sort((a, b) => b.mean - a.mean).slice(0, 5);
  const where = importance.scope === 'out-of-fold' ? 'out-of-fold rows' : 'held-out rows';
  const more = importance.features.length > top.length ? `, … (${importance.features.length} columns)` : '';
  return `permutation importance (drop of ${importance.metric}, ${importance.n_repeats} repeats, ${where}): ${top.map((f) => `${clipped(f.name, 40)} ${f.mean.toFixed(4)} ± ${f.std.toFixed(4)}`).join(', ')}${more}`;
}

/** `source: postgres postgres://me@db:5432/shop, table reviews, fetched 2026-…, sha256 ab12…` */
function describeSource(source: DataSource): string {
  const what =
    source.table !== undefined
      ? `, table ${source.table}`
      : source.query !== undefined
        ? `, query ${source.query}`
        : source.records !== undefined
          ? `, records ${source.records || '.'}`
          : '';
  return `source: ${source.kind} ${source.url}${what}, fetched ${source.fetchedAt}, sha256 ${source.sha256}`;
}

/**
 * Exits once stdout and stderr have taken every byte written. A pipe holds 64 KB; Node queues the
 * rest and process.exit would drop it, so `mlwb … --json | jq` would read a cut JSON and exit 0.
 * An empty write's callback runs after the writes queued before it.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let open = 2;
  const flushed = (): void => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
  console.error(`mlwb: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof UsageError) console.error(USAGE);
  exitWhenFlushed(error instanceof UsageError ? 2 : 1);
});
