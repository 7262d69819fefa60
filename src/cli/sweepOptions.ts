/** Where `mlwb train` scores a sweep's candidates: --jobs N worker threads here, or --queue URL on `mlwb worker` processes. */
import { checkQueueUrl } from '../core/queue/connection';
import { queueExecutor } from '../core/queue/coordinator';
import { resolveJobs } from '../core/parallel/jobs';
import { threadExecutor, type TrialExecutor } from '../core/runs/sweepRun';

/** The executor the train options ask for; undefined runs the search inside the training (one thread). */
export function sweepExecutor(options: Record<string, string>): TrialExecutor | undefined {
  const queue = options['--queue'];
  if (queue !== undefined) {
    if (options['--jobs'] !== undefined) throw new SweepOptionError('--jobs and --queue do not go together: queue workers choose their own --concurrency');
    try {
      checkQueueUrl(queue);
    } catch (error) {
      throw new SweepOptionError(`--queue: ${error instanceof Error ? error.message : String(error)}`);
    }
    return queueExecutor(queue);
  }
  const jobsText = options['--jobs'];
  if (jobsText === undefined) return undefined;
  const jobs = Number(jobsText);
  if (!Number.isInteger(jobs) || jobs === 0)
    throw new SweepOptionError(`--jobs needs a whole number other than 0 (-1: every core), got ${JSON.stringify(jobsText)}`);
  const resolved = resolveJobs(jobs, '--jobs');
  return resolved > 1 ? threadExecutor(resolved) : undefined;
}

/** A bad train option: the CLI prints it with the usage. */
export class SweepOptionError extends Error {}
