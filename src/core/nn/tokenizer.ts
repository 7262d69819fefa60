/**
 * Word-level tokenizer of the transformer: lowercased Unicode words, a vocabulary of the most
 * frequent training words, and the special tokens [PAD] (id 0), [UNK] (1) and [CLS] (2).
 */
import { MlError } from '../types';

export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
const SPECIAL = ['[PAD]', '[UNK]', '[CLS]'];
// Letters and digits (any script) make words; each other non-space symbol stands alone.
const TOKEN = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;

/** Splits text into lowercase word tokens. */
export function splitWords(text: string, lowercase = true): string[] {
  return (lowercase ? text.toLowerCase() : text).match(TOKEN) ?? [];
}

export interface TokenizerJSON {
  readonly vocab: string[];
  readonly lowercase: boolean;
}

export class WordTokenizer {
  private readonly index: Map<string, number>;

  private constructor(
    readonly vocab: readonly string[],
    readonly lowercase: boolean,
  ) {
    this.index = new Map(vocab.map((word, i) => [word, i]));
  }

  /** Keeps the vocab_size − 3 most frequent words (ties: first seen first) after the special tokens. */
  static build(texts: readonly string[], vocabSize: number, lowercase = true): WordTokenizer {
    if (vocabSize <= SPECIAL.length) throw new MlError(`transformer: vocab_size must exceed ${SPECIAL.length} (the special tokens)`);
    const counts = new Map<string, number>();
    for (const text of texts) for (const word of splitWords(text, lowercase)) counts.set(word, (counts.get(word) ?? 0) + 1);
    // Map iteration follows insertion, and sort is stable, so ties keep first-seen order.
    const words = [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, vocabSize - SPECIAL.length)
      .map(([word]) => word);
    return new WordTokenizer([...SPECIAL, ...words], lowercase);
  }

  static fromJSON(json: TokenizerJSON): WordTokenizer {
    if (!Array.isArray(json.vocab) || json.vocab.slice(0, 3).join() !== SPECIAL.join()) {
      throw new MlError(`transformer: a saved vocabulary must start with ${SPECIAL.join(', ')}`);
    }
    return new WordTokenizer(json.vocab, json.lowercase !== false);
  }

  toJSON(): TokenizerJSON {
    return { vocab: [...this.vocab], lowercase: this.lowercase };
  }

  get size(): number {
    return this.vocab.length;
  }

  /** [CLS] then the word ids, cut or padded with [PAD] to maxLength. */
  encode(text: string, maxLength: number): Int32Array {
    const ids = new Int32Array(maxLength);
    ids[0] = CLS_ID;
    let position = 1;
    for (const word of splitWords(text, this.lowercase)) {
      if (position >= maxLength) break;
      ids[position++] = this.index.get(word) ?? UNK_ID;
    }
    return ids;
  }

  /** All texts as one row-major [texts, maxLength] id matrix. */
  encodeAll(texts: readonly string[], maxLength: number): Int32Array {
    const out = new Int32Array(texts.length * maxLength);
    texts.forEach((text, i) => {
      if (typeof text !== 'string') throw new MlError(`transformer: row ${i} of the text column is not a string`);
      out.set(this.encode(text, maxLength), i * maxLength);
    });
    return out;
  }
}
