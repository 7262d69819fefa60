/** Worker entry point that runs the dataset engine (DuckDB) off the extension host thread. */
import { parentPort } from 'node:worker_threads';
import { DatasetEngine, DatasetError, countRowsWith, headWith, pageWith, profileWith, schemaWith } from '../core/datasets/index';
import { exploreDataset } from '../core/datasets/explore';
import type { QueryOptions } from '../core/datasets/index';
import { isDatasetsRequest, type DatasetsQuery, type DatasetsResponse, type DatasetsResults, type DatasetsKind } from './datasetsProtocol';
import { errorMessage } from '../core/types';

const engine = new DatasetEngine();
const running = new Map<number, AbortController>();

function post(response: DatasetsResponse): void {
  parentPort?.postMessage(response);
}

function execute(query: DatasetsQuery, options: QueryOptions): Promise<DatasetsResults[DatasetsKind]> {
  switch (query.type) {
    case 'head':
      return headWith(engine, query.path, query.n, options);
    case 'schema':
      return schemaWith(engine, query.path, options);
    case 'count':
      return countRowsWith(engine, query.path, options);
    case 'profile':
      return profileWith(engine, query.path, options);
    case 'page':
      return pageWith(engine, query.path, query.page, options);
    case 'explore':
      return exploreDataset(engine, query.path, query.target, options);
  }
}

async function answer(query: DatasetsQuery): Promise<void> {
  const controller = new AbortController();
  running.set(query.id, controller);
  const options: QueryOptions = {
    signal: controller.signal,
    onProgress: (event) => post({ type: 'progress', id: query.id, stage: event.stage, step: event.step, ...(event.of === undefined ? {} : { of: event.of }) }),
  };
  try {
    post({ type: 'result', id: query.id, value: await execute(query, options) });
  } catch (error) {
    if (controller.signal.aborted || (error instanceof Error && error.name === 'CancelledError')) {
      post({ type: 'error', id: query.id, name: 'CancelledError', message: 'cancelled' });
    } else if (error instanceof DatasetError) {
      post({ type: 'error', id: query.id, name: 'DatasetError', message: error.message, ...(error.line === undefined ? {} : { line: error.line }) });
    } else {
      post({ type: 'error', id: query.id, name: 'Error', message: errorMessage(error) });
    }
  } finally {
    running.delete(query.id);
  }
}

parentPort?.on('message', (message: unknown) => {
  if (!isDatasetsRequest(message)) return;
  if (message.type === 'cancel') running.get(message.id)?.abort();
  else if (message.type === 'forget') engine.forget(message.path);
  else void answer(message);
});
