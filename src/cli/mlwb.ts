/**
 * mlwb: runs experiment files headless (CI, SSH, a bigger machine) into the same run store the
 * extension shows. Commands: train FILE [--json] [--seed N], runs [--json], show RUN [--json].
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { executeRun, keyMetric } from '../core/runs/execute';
import { RunStore, type RunRecord } from '../core/runs/store';

const USAGE = `usage: mlwb <command> [options]

  mlwb train FILE [--json] [--seed N]   train an experiment file (*.experiment.yaml|json)
  mlwb runs [--json]                    list the runs of this workspace, newest first
  mlwb show RUN [--json]                show one run

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
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  let json = false;
  let seed: number | undefined;
  let workspace = process.cwd();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isInteger(seed)) throw new UsageError('--seed needs an integer');
    } else if (arg === '--workspace') workspace = path.resolve(argv[++i] ?? '.');
    else if (arg === '--help' || arg === '-h') positional.unshift('help');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  return { command: positional.shift(), positional, json, seed, workspace };
}

/** The JSON object of DESIGN.md for a run: runId, status, metrics, cv, trials, best. */
export function runJson(record: RunRecord): Record<string, unknown> {
  return {
    runId: record.id,
    status: record.status,
    ...(record.reason ? { reason: record.reason } : {}),
    experiment: record.experiment,
    ...(record.task ? { task: record.task } : {}),
    metrics: record.metrics ?? {},
    ...(record.cv ? { cv: record.cv } : {}),
    ...(record.trials ? { trials: record.trials, best: record.best } : {}),
  };
}

function describe(record: RunRecord): string {
  const metric = keyMetric(record);
  return `${record.id}  ${record.status.padEnd(11)} ${record.experiment}${metric ? `  ${metric.name}=${metric.value.toFixed(4)}` : ''}`;
}

async function train(args: Parsed): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new UsageError('train needs an experiment file');
  const experimentFile = path.resolve(file);
  if (!existsSync(experimentFile)) {
    console.error(`mlwb: experiment file not found: ${file}`);
    return 2;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  let lastPercent = -1;
  const record = await executeRun({
    workspaceRoot: args.workspace,
    experimentFile,
    seed: args.seed,
    signal: controller.signal,
    environment: { client: 'mlwb' },
    onEvent: (event) => {
      if (args.json) return;
      if (event.type === 'log') console.error(event.line);
      else if (event.type === 'progress') {
        const percent = Math.floor(event.fraction * 100);
        if (percent >= lastPercent + 10) {
          lastPercent = percent;
          console.error(`${percent}%`);
        }
      }
    },
  });
  if (args.json) console.log(JSON.stringify(runJson(record), null, 2));
  else console.log(describe(record) + (record.reason ? `\n${record.reason}` : ''));
  if (record.status !== 'completed' && !args.json) console.error(`mlwb: run ${record.status}: ${record.reason ?? ''}`);
  return record.status === 'completed' ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
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
      console.log(args.json ? JSON.stringify(record, null, 2) : `${describe(record)}\n${JSON.stringify(record.metrics ?? {}, null, 2)}`);
      return 0;
    }
    case undefined:
    case 'help':
      console.log(USAGE);
      return args.command === 'help' ? 0 : 2;
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`mlwb: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
