/**
 * `mlwb worker --queue URL [--concurrency N] [--name NAME]`: takes trials of sweeps from the queue
 * on Redis until stopped. SIGTERM (or a first Ctrl-C) finishes the trials it runs, then exits; a
 * second Ctrl-C exits at once (those trials go to another worker). It needs no workspace.
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import { checkQueueUrl, redactMessage } from '../core/queue/connection';
import { startQueueWorker } from '../core/queue/worker';
import { errorMessage } from '../core/types';

export const WORKER_USAGE = `  mlwb worker --queue redis://[:password@]host:port[/db] [--concurrency N] [--name NAME]
                                        take the trials of sweeps sent with mlwb train --queue
                                        (rediss:// for TLS); no workspace needed; SIGTERM finishes
                                        the current trial and exits, a second Ctrl-C exits at once`;

/** A bad worker option: the CLI prints it with the usage. */
export class WorkerUsageError extends Error {}

/** Runs the worker until a signal stops it; resolves with the exit code. */
export async function workerCommand(options: Record<string, string>): Promise<number> {
  const url = options['--queue'] ?? process.env.MLWB_QUEUE_URL;
  if (!url) throw new WorkerUsageError('worker needs --queue redis://host:port (or MLWB_QUEUE_URL)');
  try {
    checkQueueUrl(url);
  } catch (error) {
    throw new WorkerUsageError(`--queue: ${errorMessage(error)}`);
  }
  const concurrency = Number(options['--concurrency'] ?? '1');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new WorkerUsageError(`--concurrency needs a whole number of 1 or more, got ${JSON.stringify(options['--concurrency'])}`);
  const log = (line: string): void => console.error(`mlwb worker: ${line}`);
  let handle;
  try {
    handle = await startQueueWorker({
      url,
      concurrency,
      name: options['--name'],
      cacheDir: path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'mlwb', 'worker'),
      log,
    });
  } catch (error) {
    log(`cannot start: ${redactMessage(errorMessage(error), url)}`);
    return 1;
  }
  const worker = handle;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        if (signal === 'SIGINT') {
          log('second Ctrl-C: exiting now; the trials it ran go to another worker');
          process.exit(130);
        }
        return;
      }
      stopping = true;
      log(`${signal}: finishing the current trial(s), then exiting${signal === 'SIGINT' ? ' (Ctrl-C again to exit at once)' : ''}`);
      void worker.close().then(
        () => resolve(signal === 'SIGINT' ? 130 : 0),
        (error: unknown) => {
          log(`closing: ${redactMessage(errorMessage(error), url)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
