/** Tokeniser and n-grams that reproduce scikit-learn's CountVectorizer analyser ("word"). */
import { ENGLISH_STOP_WORDS } from './stopWords';

export interface TokenizeOptions {
  readonly lowercase?: boolean;
  readonly stop_words?: 'english' | null;
  readonly ngram_range?: readonly [number, number];
}

// sklearn's default token_pattern `(?u)\b\w\w+\b` matches maximal runs of two or more word
// characters; Python's Unicode `\w` is letters, numbers and underscore (marks are not included).
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** Splits a document into word tokens the way sklearn's default token_pattern does. */
export function tokenize(text: string, lowercase = true): string[] {
  const source = lowercase ? text.toLowerCase() : text;
  return source.match(TOKEN) ?? [];
}

/** Tokens (stop words removed) joined into n-grams of every length in `ngram_range`, as sklearn's _word_ngrams. */
export function analyze(text: string, options: TokenizeOptions = {}): string[] {
  const { lowercase = true, stop_words = null, ngram_range = [1, 1] } = options;
  let tokens = tokenize(text, lowercase);
  if (stop_words === 'english') tokens = tokens.filter((t) => !ENGLISH_STOP_WORDS.has(t));
  const [minN, maxN] = ngram_range;
  if (maxN === 1) return tokens;
  const grams: string[] = minN === 1 ? tokens.slice() : [];
  for (let n = Math.max(minN, 2); n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      let gram = tokens[i] as string;
      for (let k = 1; k < n; k++) gram += ' ' + (tokens[i + k] as string);
      grams.push(gram);
    }
  }
  return grams;
}

/** Orders strings by Unicode code point, as Python's `sorted` does (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (astral code point) sorts above every BMP unit, including U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
