/**
 * The model's own tokenizer, read from its tokenizer.json (Hugging Face tokenizers format) by
 * @huggingface/tokenizers (the tokenizer of transformers.js, pure JavaScript): WordPiece, BPE and
 * Unigram models, with their normalizer, pre-tokenizer and post-processor ([CLS] … [SEP]).
 * Long texts are truncated as tokenizers truncates: the text's tokens are cut so that, with the
 * special tokens, the sequence holds at most max_length tokens.
 */
import * as path from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers';
import { MlError } from '../types';
import { MODEL_FILES, readFolderJson } from './modelFolder';

/** The tokenizer models a folder may use. */
export const TOKENIZER_MODELS = ['WordPiece', 'BPE', 'Unigram'] as const;

export interface EncodedText {
  readonly ids: readonly number[];
  readonly typeIds: readonly number[];
  readonly tokens: readonly string[];
  /** The text had more tokens than max_length allows and was cut. */
  readonly truncated: boolean;
}

/** What the embed step needs of a tokenizer. */
export interface TextTokenizer {
  readonly model: (typeof TOKENIZER_MODELS)[number];
  readonly padId: number;
  encode(text: string, maxLength: number): EncodedText;
}

/** The parts of @huggingface/tokenizers' Tokenizer used here; encode_text is not in its typings. */
interface TokenizerInternals {
  encode_text(text: string): string[] | null;
  post_processor: ((tokens: string[], pair: null, addSpecialTokens: boolean) => { tokens: string[]; token_type_ids?: number[] }) | null;
  token_to_id(token: string): number | undefined;
  model: { unk_token_id?: number };
}

/** Loads the folder's tokenizer.json (and tokenizer_config.json when present). */
export async function loadTokenizer(folder: string): Promise<TextTokenizer> {
  const json = readFolderJson(folder, MODEL_FILES.tokenizer);
  const file = path.join(folder, MODEL_FILES.tokenizer);
  const model = json.model as { type?: unknown } | undefined;
  const type = model?.type;
  if (typeof type !== 'string' || !(TOKENIZER_MODELS as readonly string[]).includes(type)) {
    throw new MlError(
      `embed: ${file} has tokenizer model ${JSON.stringify(type ?? null)}; supported: ${TOKENIZER_MODELS.join(', ')} (a tokenizer saved by Hugging Face tokenizers)`,
    );
  }
  const config = safeConfig(folder);
  const { Tokenizer: TokenizerClass } = await import('@huggingface/tokenizers');
  let tokenizer: Tokenizer;
  try {
    tokenizer = new TokenizerClass(json, config);
  } catch (error) {
    throw new MlError(`embed: ${file} could not be read as a tokenizer: ${error instanceof Error ? error.message : String(error)}`);
  }
  return wrap(tokenizer as unknown as TokenizerInternals, type as TextTokenizer['model'], config);
}

function safeConfig(folder: string): Record<string, unknown> {
  try {
    return readFolderJson(folder, 'tokenizer_config.json');
  } catch {
    return {};
  }
}

function wrap(tokenizer: TokenizerInternals, model: TextTokenizer['model'], config: Record<string, unknown>): TextTokenizer {
  const specials = tokenizer.post_processor ? tokenizer.post_processor([], null, true).tokens.length : 0;
  const idOf = (token: string): number => tokenizer.token_to_id(token) ?? tokenizer.model.unk_token_id ?? 0;
  const padToken = typeof config.pad_token === 'string' ? config.pad_token : undefined;
  const padId = (padToken !== undefined ? tokenizer.token_to_id(padToken) : undefined) ?? 0;
  return {
    model,
    padId,
    encode(text, maxLength) {
      const pieces = tokenizer.encode_text(text) ?? [];
      const room = Math.max(0, maxLength - specials);
      const truncated = pieces.length > room;
      const kept = truncated ? pieces.slice(0, room) : pieces;
      const processed = tokenizer.post_processor ? tokenizer.post_processor(kept, null, true) : { tokens: kept };
      const tokens = processed.tokens;
      return { ids: tokens.map(idOf), typeIds: processed.token_type_ids ?? tokens.map(() => 0), tokens, truncated };
    },
  };
}
