/**
 * A small pool of worker threads for the core's parallel work (`n_jobs` as in scikit-learn): the
 * trees of a random forest, the folds of cross-validation, the columns of permutation importance.
 * Tasks are dealt to the workers as they become free and the results come back in task order, so
 * the outcome never depends on which worker finished first. Every worker runs the one entry point
 * src/worker/pool.ts (bundled as pool.js beside the training worker and the CLI; under tsx in tests
 * the TypeScript file itself). No vscode here: the training worker, the CLI and tests share it.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, MlError, throwIfAborted } from '../types';
import { isPoolResponse, type PoolRequest } from './protocol';

/** The worker script and how to start it. */
export interface PoolScript {
  readonly file: string;
  /** A TypeScript entry point (tests running from source): loaded through tsx's require hook. */
  readonly tsx?: boolean;
}

let scriptOverride: PoolScript | undefined;

/** tsx's CommonJS hook, resolved only when running from source (a variable, so bundlers leave it alone). */
const TSX_REGISTER = ['tsx', 'cjs', 'api'].join('/');

/** Sets the worker script (tests use this for doubles); undefined restores the default. */
export function setPoolScript(script: PoolScript | undefined): void {
  scriptOverride = script;
}

/**
 * The worker entry point: pool.js beside this bundle (dist/worker/ for the training worker, dist/cli/
 * for the CLI) or in worker/ below or beside it; when running from source, src/worker/pool.ts through tsx.
 */
export function poolScript(): PoolScript {
  if (scriptOverride) return scriptOverride;
  const here = __dirname;
  for (const file of [path.join(here, 'pool.js'), path.join(here, 'worker', 'pool.js'), path.join(here, '..', 'worker', 'pool.js')]) {
    if (existsSync(file)) return { file };
  }
  const source = path.join(here, '..', '..', 'worker', 'pool.ts');
  if (existsSync(source)) return { file: source, tsx: true };
  throw new MlError(`the parallel worker script pool.js is missing beside ${here}; reinstall, or set n_jobs: 1`);
}

export interface RunTasksOptions<O> {
  /** Most workers to start (never more than there are tasks). */
  readonly jobs: number;
  readonly signal?: AbortSignal;
  /** Told of each result as it arrives (for progress); `index` is the task's place in the list. */
  readonly onResult?: (output: O, index: number) => void;
  /** Told of a task's own progress messages. */
  readonly onProgress?: (index: number, event: unknown) => void;
}

/**
 * Runs `inputs` as tasks of `kind` (a handler of src/core/parallel/tasks.ts) on up to `jobs` worker
 * threads and returns their outputs in input order. A task that throws, a worker that crashes or
 * exits, or a cancel stops every worker; the first failure is thrown (a cancel as CancelledError).
 */
export function runTasks<I, O>(kind: string, inputs: readonly I[], options: RunTasksOptions<O>): Promise<O[]> {
  throwIfAborted(options.signal);
  if (inputs.length === 0) return Promise.resolve([]);
  const script = poolScript();
  const size = Math.max(1, Math.min(options.jobs, inputs.length));
  const outputs: O[] = new Array<O>(inputs.length);
  return new Promise<O[]>((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const worker of workers) void worker.terminate();
      if (error) reject(error);
      else resolve(outputs);
    };
    const onAbort = (): void => finish(new CancelledError());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const give = (worker: Worker): void => {
      if (next >= inputs.length) return;
      const index = next++;
      const request: PoolRequest = { type: 'task', index, kind, input: inputs[index] };
      worker.postMessage(request);
    };
    for (let w = 0; w < size; w++) {
      const worker = startPoolWorker(script);
      workers.push(worker);
      worker.on('message', (message: unknown) => {
        if (settled || !isPoolResponse(message)) return;
        if (message.type === 'progress') {
          options.onProgress?.(message.index, message.event);
        } else if (message.type === 'result') {
          outputs[message.index] = message.output as O;
          done++;
          try {
            options.onResult?.(message.output as O, message.index);
          } catch (error) {
            finish(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          if (done === inputs.length) finish(undefined);
          else give(worker);
        } else if (message.type === 'error') {
          finish(message.name === 'CancelledError' ? new CancelledError() : new MlError(message.message));
        }
      });
      worker.on('error', (error) => finish(new MlError(`a parallel worker (${kind}) failed: ${error.message}`)));
      worker.on('exit', (code) => finish(new MlError(`a parallel worker (${kind}) stopped with exit code ${code} before finishing its tasks`)));
      give(worker);
    }
  });
}

/** A Node option that loads a module before the program (`--import tsx`, `--require=…/tsx/…`). */
const LOADER = /^(--import|--require|-r|--loader|--experimental-loader)$/;
const TSX = /(^|[\\/])tsx([\\/]|$)/;

/**
 * The parent's Node options for a worker, less a tsx loader (benchmarks and tests run from source under `node --import
 * tsx`): a worker inherits it otherwise, and starting tsx's loader in each worker takes hundreds of milliseconds, which
 * a fit's helpers would spend before helping. A pool worker from source registers tsx itself; a built one needs none.
 * Undefined (the parent's options inherited, as always) where there is no tsx loader to leave out.
 */
export function withoutTsxLoader(execArgv: readonly string[]): string[] | undefined {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const option = execArgv[i] as string;
    const equals = option.indexOf('=');
    if (equals < 0 && LOADER.test(option) && TSX.test(execArgv[i + 1] ?? '')) i++;
    else if (!(equals >= 0 && LOADER.test(option.slice(0, equals)) && TSX.test(option.slice(equals + 1)))) kept.push(option);
  }
  return kept.length === execArgv.length ? undefined : kept;
}

/**
 * A worker running the pool's entry point (the pool's workers, a queue worker's trial thread): from source it registers
 * tsx itself, and it starts without the parent's tsx loader where there is one; with the parent's options as they are
 * when Node refuses the others for a worker (V8 flags such as --max-old-space-size).
 */
export function startPoolWorker(script: PoolScript): Worker {
  const [code, evaluated] = script.tsx
    ? [`require(${JSON.stringify(require.resolve(TSX_REGISTER))}).register(); require(${JSON.stringify(script.file)});`, true]
    : [script.file, false];
  const execArgv = withoutTsxLoader(process.execArgv);
  if (execArgv) {
    try {
      return new Worker(code, { eval: evaluated, execArgv });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    }
  }
  return new Worker(code, { eval: evaluated });
}

/** Copies a typed array into shared memory, so every worker reads the same bytes without a copy. */
export function shared<T extends Int32Array | Float64Array | Uint8Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const Type = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Type(new SharedArrayBuffer(array.byteLength));
  copy.set(array as never);
  return copy;
}
