// The tiny BERT fixture made by bench/reference/encoder.py and the PyTorch figures it recorded.
import { readFileSync } from 'node:fs';
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
