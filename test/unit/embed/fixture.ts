// The tiny BERT fixture made by bench/reference/encoder.py and the PyTorch figures it recorded.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** test/fixtures/encoder/tiny-bert: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx. */
export const TINY_BERT = join(ROOT, 'test', 'fixtures', 'encoder', 'tiny-bert');
/** The same folder with a graph whose only output is `logits`. */
export const NO_HIDDEN_STATE = join(ROOT, 'test', 'fixtures', 'encoder', 'no-hidden-state');

export interface EncoderReference {
  readonly max_length: number;
  readonly hidden_size: number;
  readonly texts: ReadonlyArray<{
    readonly text: string;
    readonly tokens: string[];
    readonly ids: number[];
    readonly truncated: boolean;
    readonly embeddings: Record<'mean' | 'mean_normalized' | 'cls' | 'cls_normalized', number[]>;
  }>;
}

export const reference = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'reference', 'encoder.json'), 'utf8')) as EncoderReference;

/** The labelled reviews (text, label) of the workspace fixture. */
export const REVIEWS = join(ROOT, 'test', 'fixtures', 'workspace', 'data', 'reviews.csv');

/**
 * A new workspace holding reviews.csv, the tiny encoder under models/tiny-bert and reviews.experiment.yaml with the
 * experiment's YAML lines.
 */
export function reviewsWorkspace(prefix: string, experiment: readonly string[]): { root: string; file: string; encoder: string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  cpSync(REVIEWS, join(root, 'reviews.csv'));
  const encoder = join(root, 'models', 'tiny-bert');
  cpSync(TINY_BERT, encoder, { recursive: true });
  const file = join(root, 'reviews.experiment.yaml');
  writeFileSync(file, [...experiment, ''].join('\n'));
  return { root, file, encoder };
}
