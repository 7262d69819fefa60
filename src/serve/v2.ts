/**
 * The Open Inference Protocol (KServe v2) beside the MLflow-style routes, so KServe, Triton and
 * Seldon clients can call the service: server and model metadata, liveness and readiness, and
 * `infer` with one tensor per feature column. The model's name is the run's experiment; its version
 * is the model version being served. Errors are the protocol's `{ "error": "…" }` with a 4xx status.
 * Requests go through the same checks, prediction log and drift window as POST /invocations.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import packageJson from '../../package.json';
import { isRecord } from '../core/json';
import { RequestError } from './errors';
import type { PredictionService } from './service';

/** Tensor datatypes of the protocol that carry numbers (BOOL is refused: no column is trained on it). */
const NUMERIC_TYPES = new Set(['FP16', 'FP32', 'FP64', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);

export interface TensorMetadata {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

interface OutputTensor extends TensorMetadata {
  readonly data: readonly (string | number | null)[];
}

/** A protocol error: the status and the one sentence of `{ "error": … }`. */
class V2Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The model's name in the protocol: the run's experiment, else (an exported folder without run.json) its run id. */
export function v2ModelName(service: PredictionService): string {
  return service.run.experiment ?? service.run.id;
}

/**
 * What metadata announces: one input per feature column the model reads (not those its pipeline drops
 * unread), `[-1, 1]`, BYTES for text; outputs by task.
 */
export function v2Metadata(service: PredictionService): { inputs: TensorMetadata[]; outputs: TensorMetadata[] } {
  const { schema } = service;
  const optional = new Set(service.loaded.optionalInputs);
  const inputs = schema.features
    .filter((feature) => !optional.has(feature.name))
    .map((feature) => ({ name: feature.name, datatype: feature.kind === 'numeric' ? 'FP64' : 'BYTES', shape: [-1, 1] }));
  const outputs: TensorMetadata[] =
    schema.task === 'classification'
      ? [
          { name: 'label', datatype: 'BYTES', shape: [-1] },
          { name: 'probabilities', datatype: 'FP64', shape: [-1, schema.labels?.length ?? -1] },
        ]
      : [{ name: 'variable', datatype: 'FP64', shape: [-1, 1] }];
  outputs.push({ name: 'prediction_id', datatype: 'BYTES', shape: [-1] });
  return { inputs, outputs };
}

function flatten(data: unknown, name: string): unknown[] {
  if (!Array.isArray(data)) throw new V2Error(400, `input "${name}": data must be an array`);
  return data.some(Array.isArray) ? (data as unknown[]).flat(Infinity) : data;
}

/** The rows (feature name → cell) an infer request holds, after checking each tensor's shape and type. */
function requestColumns(body: unknown, service: PredictionService): { columns: string[]; data: unknown[][] } {
  if (!isRecord(body)) throw new V2Error(400, 'the body must be a JSON object with "inputs": one tensor per feature column');
  const { inputs } = body;
  if (!Array.isArray(inputs) || inputs.length === 0) throw new V2Error(400, '"inputs" must be a non-empty array of tensors, one per feature column');
  const kinds = new Map(service.schema.features.map((feature) => [feature.name, feature.kind]));
  const columns: string[] = [];
  const values: unknown[][] = [];
  let rows: number | undefined;
  for (const [i, input] of inputs.entries()) {
    if (!isRecord(input) || typeof input.name !== 'string')
      throw new V2Error(400, `inputs[${i}] must be an object with "name", "shape", "datatype" and "data"`);
    const { name, datatype, shape } = input;
    const kind = kinds.get(name);
    if (columns.includes(name)) throw new V2Error(400, `input "${name}" appears twice`);
    if (kind === undefined) throw new V2Error(400, `unknown input "${name}"; the model's inputs are: ${[...kinds.keys()].join(', ')}`);
    if (typeof datatype !== 'string') throw new V2Error(400, `input "${name}" needs a "datatype"`);
    if (kind === 'numeric' && !NUMERIC_TYPES.has(datatype))
      throw new V2Error(400, `input "${name}" is a numeric column: send FP32, FP64 or INT64, not ${datatype}`);
    if (kind !== 'numeric' && datatype !== 'BYTES') throw new V2Error(400, `input "${name}" is a ${kind} column: send BYTES, not ${datatype}`);
    if (!Array.isArray(shape) || shape.length === 0 || shape.length > 2 || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw new V2Error(400, `input "${name}": shape must be [N] or [N, 1]`);
    }
    if (shape.length === 2 && shape[1] !== 1)
      throw new V2Error(400, `input "${name}": shape [${shape.join(', ')}] has ${String(shape[1])} values a row; each input is one column, [N, 1]`);
    const data = flatten(input.data, name);
    const n = shape[0] as number;
    if (data.length !== n) throw new V2Error(400, `input "${name}": shape [${shape.join(', ')}] holds ${n} values but data has ${data.length}`);
    if (rows !== undefined && n !== rows)
      throw new V2Error(400, `input "${name}" has ${n} rows but the first input has ${rows}; every input needs one value a row`);
    rows = n;
    columns.push(name);
    values.push(data);
  }
  const optional = new Set(service.loaded.optionalInputs);
  const needed = [...kinds.keys()].filter((name) => !optional.has(name));
  const missing = needed.find((name) => !columns.includes(name));
  if (missing !== undefined) throw new V2Error(400, `input "${missing}" is missing; the model's inputs are: ${needed.join(', ')}`);
  const count = rows ?? 0;
  const data = Array.from({ length: count }, (_, r) => values.map((column) => column[r]));
  return { columns, data };
}

/** The names of the outputs asked for (all when the request names none); an unknown one is an error. */
function requestedOutputs(body: Record<string, unknown>, known: readonly string[]): Set<string> {
  const { outputs } = body;
  if (outputs === undefined) return new Set(known.filter((name) => name !== 'prediction_id'));
  if (!Array.isArray(outputs)) throw new V2Error(400, '"outputs" must be an array of { "name": … }');
  const names = outputs.map((output, i) => {
    if (!isRecord(output) || typeof output.name !== 'string') throw new V2Error(400, `outputs[${i}] must be an object with a "name"`);
    if (!known.includes(output.name)) throw new V2Error(400, `unknown output "${output.name}"; the model's outputs are: ${known.join(', ')}`);
    return output.name;
  });
  return new Set(names);
}

/** Answers an infer request: predicts through the service and shapes the result as output tensors. */
export async function v2Infer(service: PredictionService, body: unknown): Promise<Record<string, unknown>> {
  const { columns, data } = requestColumns(body, service);
  const wanted = requestedOutputs(
    body as Record<string, unknown>,
    v2Metadata(service).outputs.map((output) => output.name),
  );
  const result = await service.invoke({ dataframe_split: { columns, data } });
  const n = result.predictions.length;
  const outputs: OutputTensor[] = [];
  if (service.schema.task === 'classification') {
    if (wanted.has('label')) outputs.push({ name: 'label', datatype: 'BYTES', shape: [n], data: result.predictions.map(String) });
    if (wanted.has('probabilities') && result.probabilities) {
      const k = result.labels?.length ?? 0;
      outputs.push({ name: 'probabilities', datatype: 'FP64', shape: [n, k], data: result.probabilities.flat() });
    }
  } else if (wanted.has('variable')) {
    // JSON has no NaN: a prediction that is not a number is sent as null.
    outputs.push({
      name: 'variable',
      datatype: 'FP64',
      shape: [n, 1],
      data: result.predictions.map((p) => (typeof p === 'number' && Number.isFinite(p) ? p : null)),
    });
  }
  if (wanted.has('prediction_id')) outputs.push({ name: 'prediction_id', datatype: 'BYTES', shape: [n], data: result.prediction_ids });
  const id = (body as Record<string, unknown>).id;
  return { model_name: v2ModelName(service), model_version: String(service.modelVersion), ...(typeof id === 'string' ? { id } : {}), outputs };
}

/** Checks the name (and version) in the URL against the served model. */
function checkModel(service: PredictionService, name: string, version: string | undefined): void {
  const served = v2ModelName(service);
  if (name !== served) throw new V2Error(404, `no model "${name}"; this service serves "${served}"`);
  if (version !== undefined && version !== String(service.modelVersion)) {
    throw new V2Error(404, `model "${name}" version ${version} is not served; the served version is ${service.modelVersion}`);
  }
}

async function answer(reply: FastifyReply, work: () => unknown): Promise<unknown> {
  try {
    // Awaited here, so an asynchronous prediction's errors (embed runs) are answered the same way.
    return await work();
  } catch (error) {
    if (error instanceof V2Error) return reply.code(error.status).send({ error: error.message });
    if (error instanceof RequestError) return reply.code(error.status).send({ error: error.message });
    throw error;
  }
}

type ModelParams = { name: string; version?: string };

/** Adds the protocol's routes to the service's app. */
export function registerV2Routes(app: FastifyInstance, service: PredictionService): void {
  app.get('/v2', async () => ({ name: 'mlwb', version: packageJson.version, extensions: [] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async () => ({ ready: true }));
  const metadata = (name: string, version: string | undefined): unknown => {
    checkModel(service, name, version);
    return { name, versions: [String(service.modelVersion)], platform: `mlwb-${service.modelType}`, ...v2Metadata(service) };
  };
  const ready = (name: string, version: string | undefined): unknown => {
    checkModel(service, name, version);
    return { name, ready: true };
  };
  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get<{ Params: ModelParams }>(prefix, async (request, reply) => answer(reply, () => metadata(request.params.name, request.params.version)));
    app.get<{ Params: ModelParams }>(`${prefix}/ready`, async (request, reply) => answer(reply, () => ready(request.params.name, request.params.version)));
    app.post<{ Params: ModelParams }>(`${prefix}/infer`, async (request, reply) =>
      answer(reply, () => {
        checkModel(service, request.params.name, request.params.version);
        return v2Infer(service, request.body);
      }),
    );
  }
}
