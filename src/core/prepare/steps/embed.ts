/**
 * embed: turns one text column into the dense features `<column>_emb_0..d-1` that a pretrained
 * encoder (a local folder in the Hugging Face layout) computes. Embedding runs the encoder, which
 * is asynchronous: the pipeline's async forms call `ready` with the rows before `fit`/`transform`,
 * and those then read the vectors it looked up (in the run's cache, or by running the encoder).
 */
import { stringValues } from '../../data/table';
import { EmbeddingCache, type CacheCounts, type CachedEmbedding } from '../../embed/cache';
import { loadEncoder, type EmbedSettings, type Pooling } from '../../embed/encoder';
import { resolveModelFolder } from '../../embed/modelFolder';
import type { ProgressEvent } from '../../types';
import { MlError } from '../../types';
import { findColumn, Frame, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';

/** Where an embed step finds its folder and cache, and whom it tells of its progress (the run's). */
export interface EmbedContext {
  /** Folder that a relative `model` is relative to: the experiment file's. */
  readonly baseDir: string;
  /** Shared by every pipeline of a run, so each text is embedded once. */
  readonly cache: EmbeddingCache;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** What a fitted embed step records: the folder, its hash, the width, and what the fit saw. */
export interface EmbedSummary {
  readonly column: string;
  /** The model folder's absolute path. */
  readonly model: string;
  readonly sha256: string;
  readonly width: number;
  /** Rows of the fit whose text was longer than max_length and was cut. */
  readonly truncated: number;
  readonly max_length: number;
}

interface EmbedState {
  readonly model: string;
  readonly sha256: string;
  readonly width: number;
}

/** Defaults: the usual sentence-transformers setting (mean pooling, unit length, 256 tokens or the model's most if fewer). */
const DEFAULTS = { pooling: 'mean' as Pooling, normalize: true, max_length: 256, batch_size: 32 };

export class EmbedStep implements PrepareStep {
  readonly step = 'embed';
  readonly column: string;
  readonly model: string;
  /** The settings as written; max_length null: the default, settled when the model is loaded. */
  readonly settings: Omit<EmbedSettings, 'maxLength'> & { readonly maxLength: number | null };
  /** The settings the last `ready` used. */
  private resolved: EmbedSettings | undefined;
  private readonly context: EmbedContext;
  private state: EmbedState | undefined;
  /** The vectors of the rows last passed to `ready`, by text. */
  private vectors: Map<string, CachedEmbedding> | undefined;
  private folder: { path: string; sha256: string } | undefined;
  notes: string[] = [];
  /** What the last fit found (absent before a fit). */
  summary: EmbedSummary | undefined;

  constructor(
    private readonly options: Record<string, unknown> = {},
    context?: EmbedContext,
  ) {
    const reader = new OptionReader('embed', options);
    this.column = reader.string('column');
    const model = reader.value('model');
    if (typeof model !== 'string' || model.trim() === '') {
      throw new MlError(
        `embed: option "model" must be the path of a local model folder (config.json, tokenizer.json, onnx/model.onnx), got ${JSON.stringify(model)}`,
      );
    }
    this.model = model;
    this.settings = {
      pooling: reader.oneOf('pooling', ['mean', 'cls'] as const, DEFAULTS.pooling),
      normalize: reader.boolean('normalize', DEFAULTS.normalize),
      maxLength: reader.optionalNumber('max_length', { min: 2, integer: true }),
      batchSize: reader.number('batch_size', DEFAULTS.batch_size, { min: 1, integer: true }),
    };
    reader.done();
    this.context = context ?? { baseDir: process.cwd(), cache: new EmbeddingCache() };
  }

  /** Looks up (or computes) the vectors of these rows' texts; fit and transform of the same rows follow. */
  async ready(frame: Frame): Promise<void> {
    const values = this.texts(frame);
    const folder = this.state?.model ?? resolveModelFolder(this.model, this.context.baseDir);
    const encoder = await loadEncoder(folder);
    if (this.state && encoder.hash !== this.state.sha256) {
      throw new MlError(
        `embed: model folder ${folder} has changed since this pipeline was fitted (sha256 ${encoder.hash.slice(0, 12)}…, was ${this.state.sha256.slice(0, 12)}…); train again with the new encoder`,
      );
    }
    if (this.settings.maxLength !== null && this.settings.maxLength > encoder.maxPositions) {
      throw new MlError(
        `embed: option "max_length" is ${this.settings.maxLength}, but the model in ${folder} takes at most ${encoder.maxPositions} tokens (max_position_embeddings)`,
      );
    }
    const settings = { ...this.settings, maxLength: this.settings.maxLength ?? Math.min(DEFAULTS.max_length, encoder.maxPositions) };
    this.resolved = settings;
    const { signal, onProgress } = this.context;
    this.vectors = await this.context.cache.lookup(encoder, settings, values, {
      signal,
      onBatch: onProgress ? (done, of) => onProgress({ stage: 'embed', step: done, of }) : undefined,
    });
    this.folder = { path: folder, sha256: encoder.hash };
  }

  fit(frame: Frame): void {
    const vectors = this.requireReady();
    const folder = this.folder as { path: string; sha256: string };
    const texts = this.texts(frame);
    const first = vectors.values().next().value as CachedEmbedding | undefined;
    const width = first?.vector.length ?? 0;
    const truncated = texts.filter((t) => vectors.get(t ?? '')?.truncated === true).length;
    this.state = { model: folder.path, sha256: folder.sha256, width };
    const maxLength = (this.resolved as EmbedSettings).maxLength;
    this.summary = { column: this.column, model: folder.path, sha256: folder.sha256, width, truncated, max_length: maxLength };
    this.notes = truncated > 0 ? [`embed: ${truncated} text(s) of column "${this.column}" were longer than max_length ${maxLength} tokens and were cut`] : [];
  }

  transform(frame: Frame): Frame {
    const state = requireFitted(this.state, 'embed');
    const vectors = this.requireReady();
    const texts = this.texts(frame);
    const data = new Float64Array(texts.length * state.width);
    texts.forEach((text, row) => {
      const found = vectors.get(text ?? '');
      if (!found) throw new Error(`embed: a text of column "${this.column}" was not embedded: transform must follow ready on the same rows`);
      data.set(found.vector, row * state.width);
    });
    const names = Array.from({ length: state.width }, (_, j) => `${this.column}_emb_${j}`);
    const matrix = { kind: 'dense' as const, rows: texts.length, cols: state.width, data };
    return mapColumns(frame, (column) => (column.name === this.column ? { type: 'block', source: this.column, names, matrix } : undefined));
  }

  /** Texts found in the run's cache and texts embedded, over every pipeline that shares it. */
  get cacheCounts(): CacheCounts {
    return { ...this.context.cache.counts };
  }

  private requireReady(): Map<string, CachedEmbedding> {
    if (!this.vectors) throw new Error('embed: fit or transform called before ready; use the pipeline’s async fitTransformAsync/transformAsync');
    return this.vectors;
  }

  private texts(frame: Frame): ReadonlyArray<string | null> {
    const column = findColumn(frame, this.column, 'embed');
    if (column.kind === 'numeric') throw new MlError(`embed: column "${this.column}" is numeric; the embed step needs a text column`);
    return stringValues(column);
  }

  toJSON(): StepJSON {
    return { step: 'embed', options: this.options, state: requireFitted(this.state, 'embed') };
  }

  static fromJSON(json: StepJSON, context?: EmbedContext): EmbedStep {
    const step = new EmbedStep(json.options, context);
    step.state = json.state as EmbedState;
    return step;
  }
}
