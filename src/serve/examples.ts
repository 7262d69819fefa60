/**
 * Example requests for a run's service, built from its schema and the first row of its reference
 * sample: the MLflow-style POST /invocations and the Open Inference Protocol's infer. The Deployed
 * Models view copies them as curl commands. No fastify or vscode import.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ReferenceSample, RunSchema } from '../core/runs/artifacts';

export type ExampleProtocol = 'mlflow' | 'v2';

export interface ExampleRequest {
  /** The path after the service's URL. */
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** The first reference row of the run (feature → value); null values where the run kept no sample. */
function firstRow(runDir: string, schema: RunSchema): Record<string, number | string | null> {
  const file = path.join(runDir, 'reference.json');
  const sample = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ReferenceSample) : undefined;
  return Object.fromEntries(schema.features.map((feature) => [feature.name, sample?.columns[feature.name]?.[0] ?? null]));
}

/** An example request of the protocol for the run in `runDir`; `modelName` is the experiment's name (v2's model). */
export function exampleRequest(runDir: string, protocol: ExampleProtocol, modelName: string): ExampleRequest {
  const schema = JSON.parse(readFileSync(path.join(runDir, 'schema.json'), 'utf8')) as RunSchema;
  const row = firstRow(runDir, schema);
  if (protocol === 'mlflow') return { path: '/invocations', body: { dataframe_records: [row] } };
  const inputs = schema.features.map((feature) => ({
    name: feature.name,
    shape: [1, 1],
    datatype: feature.kind === 'numeric' ? 'FP64' : 'BYTES',
    data: [row[feature.name] ?? null],
  }));
  return { path: `/v2/models/${encodeURIComponent(modelName)}/infer`, body: { inputs } };
}

/** The request as a curl command line (POSIX shell quoting). */
export function curlCommand(url: string, request: ExampleRequest, token?: string): string {
  const quote = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;
  const auth = token ? ` -H ${quote(`Authorization: Bearer ${token}`)}` : '';
  return `curl -s -X POST ${url}${request.path} -H 'Content-Type: application/json'${auth} -d ${quote(JSON.stringify(request.body))}`;
}
