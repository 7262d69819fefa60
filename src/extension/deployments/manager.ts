import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { writeJsonAtomic } from '../../core/runs/atomic';
import { STORE_DIR, type RunStore } from '../../core/runs/store';
import { executeCommand } from '../commands';
import type { Log } from '../log';
import type { ServiceSnapshot, ServiceState } from '../monitor/contract';
import { serviceSnapshot } from '../monitor/state';

/** One local prediction service, as recorded in `.mlwb/deployments.json`. */
export interface DeploymentRecord {
  readonly id: string;
  readonly runId: string;
  readonly experiment: string;
  readonly host: string;
  port: number;
  pid?: number;
  state: ServiceState;
  startedAt: string;
  stoppedAt?: string;
  reason?: string;
  restarts: number;
  /** The service updates its model online from feedback (each update a new model version). */
  online?: boolean;
}

export interface DeploymentChange {
  readonly id: string;
  /** The service's last GET /monitor answer, checked where it arrived. */
  readonly snapshot?: ServiceSnapshot;
}

const POLL_MS = 2000;
const START_TIMEOUT_MS = 30_000;

export function deploymentUrl(record: DeploymentRecord): string {
  return `http://${record.host}:${record.port}`;
}

/** The service's online-update arguments from the settings. */
function onlineArguments(config: vscode.WorkspaceConfiguration): string[] {
  const rows = config.get<number>('serve.onlineUpdateRows', 20);
  const rate = config.get<number | null>('serve.onlineLearningRate', null);
  return ['--online', '--online-rows', String(rows), ...(typeof rate === 'number' && rate > 0 ? ['--online-learning-rate', String(rate)] : [])];
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts and watches prediction services as detached processes, so they outlive a window reload;
 * records them in `.mlwb/deployments.json` and polls each one's /monitor endpoint.
 */
export class DeploymentManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeploymentChange>();
  readonly onDidChange = this.changed.event;
  private readonly snapshots = new Map<string, ServiceSnapshot>();
  private readonly timer: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly extensionPath: string,
    private readonly store: () => RunStore | undefined,
    private readonly log: Log,
  ) {
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
  }

  private file(): string | undefined {
    const store = this.store();
    return store ? path.join(store.workspaceRoot, STORE_DIR, 'deployments.json') : undefined;
  }

  list(): DeploymentRecord[] {
    const file = this.file();
    if (!file || !existsSync(file)) return [];
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as DeploymentRecord[];
    } catch (error) {
      this.log.error(`cannot read ${file}`, error);
      return [];
    }
  }

  get(id: string): DeploymentRecord | undefined {
    return this.list().find((record) => record.id === id);
  }

  snapshot(id: string): ServiceSnapshot | undefined {
    return this.snapshots.get(id);
  }

  private update(record: DeploymentRecord): void {
    const file = this.file();
    if (!file) return;
    const records = this.list().filter((r) => r.id !== record.id);
    writeJsonAtomic(
      file,
      [...records, record].sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    );
    this.changed.fire({ id: record.id, snapshot: this.snapshots.get(record.id) });
  }

  remove(id: string): void {
    const file = this.file();
    if (!file) return;
    writeJsonAtomic(
      file,
      this.list().filter((r) => r.id !== id),
    );
    this.snapshots.delete(id);
    this.changed.fire({ id });
  }

  logFile(id: string): string | undefined {
    const store = this.store();
    return store ? path.join(store.workspaceRoot, STORE_DIR, 'deployments', `${id}.log`) : undefined;
  }

  /**
   * Starts a service for a completed run on 127.0.0.1 and resolves once it answers /health;
   * `online` (default: the mlWorkbench.serve.onlineUpdates setting) turns on online updates.
   */
  async deploy(runId: string, options: { online?: boolean } = {}): Promise<DeploymentRecord> {
    const store = this.store();
    if (!store) throw new Error('open a folder first');
    const run = store.get(runId);
    if (!run) throw new Error(`run ${runId} not found`);
    if (run.status !== 'completed') throw new Error(`run ${runId} is ${run.status}; only a completed run can be deployed`);
    const record: DeploymentRecord = {
      id: `${runId}-${Date.now().toString(36)}`,
      runId,
      experiment: run.experiment,
      host: '127.0.0.1',
      port: 0,
      state: 'starting',
      startedAt: new Date().toISOString(),
      restarts: 0,
      online: options.online ?? vscode.workspace.getConfiguration('mlWorkbench').get<boolean>('serve.onlineUpdates', false),
    };
    return this.launch(record);
  }

  private async launch(record: DeploymentRecord): Promise<DeploymentRecord> {
    const store = this.store() as RunStore;
    record.port = await freePort(record.host);
    record.state = 'starting';
    delete record.reason;
    const logFile = this.logFile(record.id) as string;
    mkdirSync(path.dirname(logFile), { recursive: true });
    const out = openSync(logFile, 'a');
    const config = vscode.workspace.getConfiguration('mlWorkbench');
    const child = spawn(
      process.execPath,
      [
        path.join(this.extensionPath, 'dist', 'serve', 'server.js'),
        '--run',
        store.runDir(record.runId),
        '--port',
        String(record.port),
        '--host',
        record.host,
        '--body-limit',
        String(config.get<number>('serve.bodyLimitBytes', 1_048_576)),
        ...(record.online ? onlineArguments(config) : []),
      ],
      // Detached so the service outlives a window reload; ELECTRON_RUN_AS_NODE makes desktop VS Code's binary a plain Node.
      { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    );
    closeSync(out);
    child.unref();
    record.pid = child.pid;
    this.update(record);
    this.log.info(`deployment ${record.id}: starting run ${record.runId} on ${deploymentUrl(record)} (pid ${child.pid})`);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!alive(record.pid)) {
        record.state = 'crashed';
        record.reason = `the service exited while starting; see ${logFile}`;
        this.update(record);
        throw new Error(`${record.reason}\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
      }
      try {
        const response = await fetch(`${deploymentUrl(record)}/health`);
        if (response.ok) {
          record.state = 'serving';
          this.update(record);
          return record;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    record.state = 'crashed';
    record.reason = `the service did not answer within ${START_TIMEOUT_MS / 1000} s; see ${logFile}`;
    this.update(record);
    throw new Error(record.reason);
  }

  /** Stops a service (SIGTERM, then SIGKILL) and keeps its record as stopped. */
  async stop(id: string): Promise<void> {
    const record = this.get(id);
    if (!record) return;
    if (record.pid && alive(record.pid)) {
      process.kill(record.pid, 'SIGTERM');
      for (let i = 0; i < 30 && alive(record.pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      if (alive(record.pid)) process.kill(record.pid, 'SIGKILL');
    }
    record.state = 'stopped';
    record.stoppedAt = new Date().toISOString();
    this.snapshots.delete(id);
    this.update(record);
  }

  /** Restarts a service (it loads the newest model version); `online` switches online updates on or off. */
  async restart(id: string, options: { online?: boolean } = {}): Promise<DeploymentRecord> {
    const record = this.get(id);
    if (!record) throw new Error(`deployment ${id} not found`);
    if (options.online !== undefined) record.online = options.online;
    await this.stop(id);
    record.restarts += 1;
    delete record.stoppedAt;
    return this.launch(record);
  }

  /** Polls every serving service; a service whose process is gone is marked crashed (and restarted if set). */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const record of this.list()) {
        if (record.state !== 'serving') continue;
        try {
          const response = await fetch(`${deploymentUrl(record)}/monitor`, { signal: AbortSignal.timeout(1500) });
          // The one place the extension receives the answer: it is checked here, then trusted.
          const snapshot = response.ok ? serviceSnapshot(await response.json()) : undefined;
          if (snapshot) {
            this.snapshots.set(record.id, snapshot);
            this.changed.fire({ id: record.id, snapshot });
            continue;
          }
        } catch {
          // fall through to the liveness check
        }
        if (!alive(record.pid)) {
          record.state = 'crashed';
          record.reason = `the service process ${record.pid ?? ''} exited unexpectedly`;
          this.snapshots.delete(record.id);
          this.update(record);
          this.log.error(`deployment ${record.id} crashed`);
          if (vscode.workspace.getConfiguration('mlWorkbench').get<boolean>('serve.restartOnCrash', false)) {
            record.restarts += 1;
            void this.launch(record).catch((error: unknown) => this.log.error(`restart of ${record.id} failed`, error));
          } else {
            void vscode.window
              .showWarningMessage(`ML Workbench: the prediction service of run ${record.runId} crashed.`, 'Restart', 'Show Log')
              .then((choice) => {
                if (choice === 'Restart') void this.restart(record.id);
                if (choice === 'Show Log') void executeCommand('mlWorkbench.showDeploymentLog', record.id);
              });
          }
        }
      }
    } finally {
      this.polling = false;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.changed.dispose();
  }
}
