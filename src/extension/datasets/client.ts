/** Host side of the datasets worker: typed requests with ids, cancellation through AbortSignal, progress callbacks. No vscode import, so node tests use it too. */
import { Worker } from 'node:worker_threads';
import { CancelledError, type ProgressEvent } from '../../core/types';
import type { PageRequest } from '../../core/datasets/page';
import {
  isDatasetsResponse,
  type DatasetsKind,
  type DatasetsParams,
  type DatasetsQuery,
  type DatasetsRequest,
  type DatasetsResults,
} from '../../worker/datasetsProtocol';

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (event: ProgressEvent) => void;
}

/** A dataset error reported by the worker; `line` when the reader knew it. */
export class WorkerDatasetError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** Talks to one datasets worker, started on first use and restarted if it dies. */
export class DatasetsClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `execArgv` lets tests run the TypeScript entry point through tsx. */
  constructor(
    private readonly workerPath: string,
    private readonly execArgv: readonly string[] = [],
  ) {}

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { execArgv: [...this.execArgv] });
    worker.on('message', (message: unknown) => this.receive(message));
    const fail = (reason: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(new Error(`the datasets worker stopped: ${reason}`));
      }
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    // An idle worker must not keep the process alive; one with requests in flight must.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private receive(message: unknown): void {
    if (!isDatasetsResponse(message)) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.({ stage: message.stage, step: message.step, ...(message.of === undefined ? {} : { of: message.of }) });
      return;
    }
    this.pending.delete(message.id);
    this.updateRef();
    if (message.type === 'result') pending.resolve(message.value);
    else if (message.name === 'CancelledError') pending.reject(new CancelledError());
    else if (message.name === 'DatasetError') pending.reject(new WorkerDatasetError(message.message, message.line));
    else pending.reject(new Error(message.message));
  }

  private updateRef(): void {
    if (this.pending.size > 0) this.worker?.ref();
    else this.worker?.unref();
  }

  private send(message: DatasetsRequest): void {
    this.ensureWorker().postMessage(message);
  }

  /** Sends one request; aborting `signal` interrupts it in the worker and rejects with CancelledError. */
  request<K extends DatasetsKind>(type: K, path: string, params: DatasetsParams[K], options: RequestOptions = {}): Promise<DatasetsResults[K]> {
    if (options.signal?.aborted) return Promise.reject(new CancelledError());
    const id = this.nextId++;
    return new Promise<DatasetsResults[K]>((resolve, reject) => {
      const onAbort = (): void => this.send({ type: 'cancel', id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => options.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (value) => {
          settle();
          resolve(value as DatasetsResults[K]);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      this.send({ type, id, path, ...params } as DatasetsQuery);
      this.updateRef();
    });
  }

  head(path: string, n = 5, options?: RequestOptions): Promise<DatasetsResults['head']> {
    return this.request('head', path, { n }, options);
  }

  schema(path: string, options?: RequestOptions): Promise<DatasetsResults['schema']> {
    return this.request('schema', path, {}, options);
  }

  count(path: string, options?: RequestOptions): Promise<number> {
    return this.request('count', path, {}, options);
  }

  profile(path: string, options?: RequestOptions): Promise<DatasetsResults['profile']> {
    return this.request('profile', path, {}, options);
  }

  /** Correlations, missingness patterns and, with `target`, each feature against it. */
  explore(path: string, target: string | undefined, options?: RequestOptions): Promise<DatasetsResults['explore']> {
    return this.request('explore', path, target === undefined ? {} : { target }, options);
  }

  page(path: string, page: PageRequest, options?: RequestOptions): Promise<DatasetsResults['page']> {
    return this.request('page', path, { page }, options);
  }

  /** Tells the worker a file changed, so its cached results are dropped. */
  forget(path: string): void {
    if (this.worker) this.send({ type: 'forget', path });
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const pending of this.pending.values()) pending.reject(new CancelledError('the datasets worker was closed'));
    this.pending.clear();
    void worker?.terminate();
  }
}
