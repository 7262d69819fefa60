/**
 * A pretrained text encoder run from a local folder: the model's tokenizer, then its ONNX graph in
 * onnxruntime-node (loaded on first use; nothing is ever fetched), then mean or [CLS] pooling of
 * `last_hidden_state`. `embedTexts` is the one function training and serving share.
 */
import * as path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { CancelledError, MlError, throwIfAborted } from '../types';
import { checkModelFolder, hashModelFolder, MODEL_FILES, readFolderJson } from './modelFolder';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

export type Pooling = 'mean' | 'cls';

/** How texts become vectors; with the folder's hash, the cache key of an embedding. */
export interface EmbedSettings {
  readonly pooling: Pooling;
  readonly normalize: boolean;
  /** Most tokens a text keeps, special tokens included; longer texts are truncated. */
  readonly maxLength: number;
  readonly batchSize: number;
}

/** One padded batch as the graph takes it: rows × length int64 ids, mask and token types. */
export interface EncoderBatch {
  readonly rows: number;
  readonly length: number;
  readonly ids: BigInt64Array;
  readonly mask: BigInt64Array;
  readonly typeIds: BigInt64Array;
}

/** A loaded encoder: its tokenizer and a function that runs a batch to `last_hidden_state`. */
export interface Encoder {
  readonly folder: string;
  /** SHA-256 of the folder's files (hashModelFolder). */
  readonly hash: string;
  readonly tokenizer: TextTokenizer;
  /** The config's max_position_embeddings: the longest sequence the model takes. */
  readonly maxPositions: number;
  /** last_hidden_state of a batch: rows × length × width float32, and its width. */
  run(batch: EncoderBatch): Promise<{ readonly hidden: Float32Array; readonly width: number }>;
}

export interface EmbedProgress {
  readonly signal?: AbortSignal;
  /** Texts embedded so far, of the total. */
  readonly onBatch?: (done: number, total: number) => void;
}

export interface Embeddings {
  /** rows × width, row-major; each value rounded to float32 (what the graph computes in), so cached and fresh rows are equal. */
  readonly data: Float64Array;
  readonly width: number;
  /** Texts cut to max_length. */
  readonly truncated: number;
  /** 1 for each text that was cut, in input order. */
  readonly truncatedRows: Uint8Array;
}

const loaded = new Map<string, Promise<Encoder>>();

/** The encoder of a folder, loaded once per process and folder content (every fold and the refit share it). */
export async function loadEncoder(folder: string): Promise<Encoder> {
  checkModelFolder(folder);
  const hash = hashModelFolder(folder);
  const key = `${folder}\0${hash}`;
  let encoder = loaded.get(key);
  if (!encoder) {
    encoder = openEncoder(folder, hash);
    loaded.set(key, encoder);
    encoder.catch(() => loaded.delete(key));
  }
  return encoder;
}

async function openEncoder(folder: string, hash: string): Promise<Encoder> {
  const config = readFolderJson(folder, MODEL_FILES.config);
  const tokenizer = await loadTokenizer(folder);
  const onnx = path.join(folder, MODEL_FILES.onnx);
  const ort = await loadRuntime();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnx, { graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new MlError(`embed: ${onnx} could not be loaded by onnxruntime: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!session.outputNames.includes('last_hidden_state')) {
    throw new MlError(
      `embed: ${onnx} has no output named last_hidden_state (its outputs: ${session.outputNames.join(', ')}); export the base encoder, e.g. \`optimum-cli export onnx --task feature-extraction\``,
    );
  }
  const known = ['input_ids', 'attention_mask', 'token_type_ids'];
  const other = session.inputNames.filter((name) => !known.includes(name));
  if (!session.inputNames.includes('input_ids') || other.length > 0) {
    throw new MlError(`embed: ${onnx} takes inputs ${session.inputNames.join(', ')}; the embed step feeds input_ids, attention_mask and token_type_ids`);
  }
  const maxPositions = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : 512;
  return {
    folder,
    hash,
    tokenizer,
    maxPositions,
    async run(batch) {
      const shape = [batch.rows, batch.length];
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { input_ids: new ort.Tensor('int64', batch.ids, shape) };
      if (session.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', batch.mask, shape);
      if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', batch.typeIds, shape);
      const output = (await session.run(feeds, ['last_hidden_state'])).last_hidden_state;
      if (!output || output.type !== 'float32' || output.dims.length !== 3) {
        throw new MlError(`embed: ${onnx}'s last_hidden_state must be float32 [batch, sequence, hidden], got ${output?.type} [${output?.dims.join(', ')}]`);
      }
      return { hidden: output.data as Float32Array, width: Number(output.dims[2]) };
    },
  };
}

/** onnxruntime-node, loaded on first use (its native library is large); an install without it says so. */
async function loadRuntime(): Promise<typeof import('onnxruntime-node')> {
  try {
    return await import('onnxruntime-node');
  } catch (error) {
    throw new MlError(
      `embed: the ONNX runtime (onnxruntime-node) could not be loaded, so pretrained encoders cannot run here: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Embeds texts with a loaded encoder: tokenized (truncated to max_length), run in batches of
 * batch_size (texts of like length together, so little padding), pooled and, with normalize,
 * scaled to unit length. Missing texts (null) embed as the empty text.
 */
export async function embedTexts(
  encoder: Encoder,
  texts: readonly (string | null)[],
  settings: EmbedSettings,
  progress: EmbedProgress = {},
): Promise<Embeddings> {
  const encoded = texts.map((text) => encoder.tokenizer.encode(text ?? '', settings.maxLength));
  const lengths = encoded.map((e) => e.ids.length);
  const order = Array.from(encoded.keys()).sort((a, b) => (lengths[a] as number) - (lengths[b] as number));
  let data = new Float64Array(0);
  let width = 0;
  for (let start = 0; start < order.length; start += settings.batchSize) {
    throwIfAborted(progress.signal);
    const rows = order.slice(start, start + settings.batchSize);
    const batch = padBatch(
      rows.map((i) => encoded[i] as (typeof encoded)[number]),
      encoder.tokenizer.padId,
    );
    let result: Awaited<ReturnType<Encoder['run']>>;
    try {
      result = await encoder.run(batch);
    } catch (error) {
      throw explainRunError(error, batch, settings);
    }
    if (width === 0) {
      width = result.width;
      data = new Float64Array(texts.length * width);
    }
    rows.forEach((row, r) => pool(result.hidden, r, batch, result.width, settings, data.subarray(row * width, (row + 1) * width)));
    progress.onBatch?.(Math.min(order.length, start + rows.length), order.length);
    // Let a cancel (a message to the worker) be heard between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const truncatedRows = Uint8Array.from(encoded, (e) => (e.truncated ? 1 : 0));
  return { data, width, truncated: truncatedRows.reduce((sum, t) => sum + t, 0), truncatedRows };
}

function padBatch(rows: readonly { ids: readonly number[]; typeIds: readonly number[] }[], padId: number): EncoderBatch {
  const length = Math.max(1, ...rows.map((r) => r.ids.length));
  const size = rows.length * length;
  const ids = new BigInt64Array(size).fill(BigInt(padId));
  const mask = new BigInt64Array(size);
  const typeIds = new BigInt64Array(size);
  rows.forEach((row, r) => {
    row.ids.forEach((id, t) => {
      ids[r * length + t] = BigInt(id);
      mask[r * length + t] = 1n;
      typeIds[r * length + t] = BigInt(row.typeIds[t] ?? 0);
    });
  });
  return { rows: rows.length, length, ids, mask, typeIds };
}

/** Pools row `r` of the batch's hidden states into `out` (float64 sums, float32-rounded result). */
function pool(hidden: Float32Array, r: number, batch: EncoderBatch, width: number, settings: EmbedSettings, out: Float64Array): void {
  const base = r * batch.length * width;
  if (settings.pooling === 'cls') {
    for (let j = 0; j < width; j++) out[j] = hidden[base + j] as number;
  } else {
    let count = 0;
    for (let t = 0; t < batch.length; t++) {
      if (batch.mask[r * batch.length + t] === 0n) continue;
      count++;
      const offset = base + t * width;
      for (let j = 0; j < width; j++) out[j] = (out[j] as number) + (hidden[offset + j] as number);
    }
    for (let j = 0; j < width; j++) out[j] = (out[j] as number) / Math.max(1, count);
  }
  if (settings.normalize) {
    let norm = 0;
    for (let j = 0; j < width; j++) norm += (out[j] as number) ** 2;
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    for (let j = 0; j < width; j++) out[j] = (out[j] as number) * scale;
  }
  for (let j = 0; j < width; j++) out[j] = Math.fround(out[j] as number);
}

function explainRunError(error: unknown, batch: EncoderBatch, settings: EmbedSettings): unknown {
  if (error instanceof MlError || error instanceof CancelledError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/alloc|out of memory|memory/i.test(message)) {
    return new MlError(
      `embed: the encoder ran out of memory on a batch of ${batch.rows} texts of up to ${batch.length} tokens; lower batch_size (now ${settings.batchSize}) or max_length (now ${settings.maxLength}) (${message})`,
    );
  }
  return new MlError(`embed: the encoder failed on a batch of ${batch.rows} texts of up to ${batch.length} tokens: ${message}`);
}
