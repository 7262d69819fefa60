/**
 * The Workers status bar item: with `mlWorkbench.queue.url` set, how many `mlwb worker` processes
 * are connected and how many trials wait or run on the queue; the tooltip lists each worker (host,
 * cores, the trial it runs). Redis is polled every few seconds from the host: only small reads.
 */
import * as vscode from 'vscode';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectQueue, redactMessage, redactQueueUrl } from '../../core/queue/connection';
import { queueName, queueVersion } from '../../core/queue/protocol';
import { listWorkers } from '../../core/queue/worker';

const POLL_MS = 3000;

export class WorkersStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlWorkbench.workers', vscode.StatusBarAlignment.Left, 20);
  private connection: { url: string; redis: Redis; queue: Queue } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.item.name = 'ML Workbench Workers';
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mlWorkbench.queue.url')) this.configure();
    });
    this.configure();
  }

  private configure(): void {
    const url = vscode.workspace.getConfiguration('mlWorkbench').get<string>('queue.url', '').trim();
    if (this.connection?.url === url) return;
    this.disconnect();
    if (!url) {
      this.item.hide();
      return;
    }
    try {
      const redis = connectQueue(url, { maxRetriesPerRequest: 1, commandTimeout: 2000 });
      redis.on('error', () => undefined);
      const queue = new Queue(queueName(), { connection: connectQueue(url, { maxRetriesPerRequest: 1 }) });
      queue.on('error', () => undefined);
      this.connection = { url, redis, queue };
    } catch (error) {
      this.show('$(warning) Workers', `mlWorkbench.queue.url: ${redactMessage(error instanceof Error ? error.message : String(error), url)}`);
      return;
    }
    this.item.text = '$(server) Workers…';
    this.item.show();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
  }

  /** Reads the workers' heartbeats and the queue's counts once. */
  async refresh(): Promise<{ workers: number; waiting: number; active: number } | undefined> {
    const connection = this.connection;
    if (!connection) return undefined;
    const where = redactQueueUrl(connection.url);
    try {
      const version = queueVersion();
      const [workers, counts] = await Promise.all([listWorkers(connection.redis), connection.queue.getJobCounts('waiting', 'active', 'prioritized')]);
      const ours = workers.filter((worker) => worker.version === version);
      const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
      const active = counts.active ?? 0;
      const tooltip = new vscode.MarkdownString(`**Queue** ${where}  \n${ours.length} worker(s), ${waiting} trial(s) waiting, ${active} running\n\n`);
      for (const worker of workers) {
        const running = worker.current.map((trial) => `trial ${trial.index + 1} of ${trial.sweepId}`).join(', ') || 'idle';
        const other = worker.version === version ? '' : ` — mlwb ${worker.version}, takes no trial of this version`;
        tooltip.appendMarkdown(`- **${worker.name}** on ${worker.host}, ${worker.cores} cores, ${worker.concurrency} at a time: ${running}${other}\n`);
      }
      this.show(
        `$(server) ${ours.length} worker${ours.length === 1 ? '' : 's'}${waiting + active > 0 ? ` · ${waiting} waiting · ${active} running` : ''}`,
        tooltip,
      );
      return { workers: ours.length, waiting, active };
    } catch (error) {
      this.show(
        '$(warning) Workers',
        `cannot reach the queue at ${where}: ${redactMessage(error instanceof Error ? error.message : String(error), connection.url)}`,
      );
      return undefined;
    }
  }

  /** What the item shows now (for tests). */
  get text(): string {
    return this.item.text;
  }

  /** Its tooltip as text (for tests). */
  get tooltip(): string {
    const tooltip = this.item.tooltip;
    return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
  }

  private show(text: string, tooltip: string | vscode.MarkdownString): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  private disconnect(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      void connection.queue.close().catch(() => undefined);
      connection.redis.disconnect();
    }
  }

  dispose(): void {
    this.disconnect();
    this.subscription.dispose();
    this.item.dispose();
  }
}
