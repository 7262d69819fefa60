/**
 * TF-IDF fit_transform (1–2-grams, max_features 20,000) on a generated corpus of 20,000 documents,
 * against scikit-learn's TfidfVectorizer on the same documents in the same run. Ours twice: the vectorizer on an array
 * of strings, and on a text column (UTF-8 bytes and offsets, each row decoded as it is read), as the text step feeds it.
 * Run: node --import tsx bench/tfidf.ts [documents]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/core/random';
import { TextVectorizer } from '../src/core/text/vectorizer';
import { stringColumn, stringReader } from '../src/core/data/table';
import type { CsrMatrix } from '../src/core/types';

const DOCUMENTS = Number(process.argv[2] ?? 20000);
const WORDS = 30000;

/** Documents of Zipf-distributed made-up words, 10–150 words long. */
function generateCorpus(random: Random): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'si', 'de', 'po', 'gu', 'fe', 'za', 'hi', 'bo'];
  const words = Array.from({ length: WORDS }, (_, i) => {
    let w = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / syllables.length)) w += syllables[n % syllables.length];
    return w;
  });
  const harmonic: number[] = [];
  let total = 0;
  for (let k = 1; k <= WORDS; k++) harmonic.push((total += 1 / k));
  const draw = (): string => {
    const u = random.next() * total;
    let lo = 0;
    let hi = WORDS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((harmonic[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] as string;
  };
  return Array.from({ length: DOCUMENTS }, () => {
    const length = 10 + random.int(141);
    const tokens: string[] = [];
    for (let t = 0; t < length; t++) tokens.push(draw());
    return tokens.join(' ') + '.';
  });
}

const PYTHON = `
import json, sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
docs = json.load(open(sys.argv[1]))
start = time.perf_counter()
X = TfidfVectorizer(ngram_range=(1, 2), max_features=20000).fit_transform(docs)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "nnz": int(X.nnz), "cols": X.shape[1], "sum": float(X.sum())}))
`;

function main(): void {
  const corpus = generateCorpus(new Random(7));
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-tfidf-'));
  try {
    const path = join(dir, 'corpus.json');
    writeFileSync(path, JSON.stringify(corpus));
    const column = stringColumn('text', 'text', corpus);
    const fitStrings = (): CsrMatrix => new TextVectorizer({ ngram_range: [1, 2], max_features: 20000 }).fitTransform(corpus);
    // What the text step hands the vectorizer: each row decoded from the column's bytes as it is read.
    const fitColumn = (): CsrMatrix =>
      new TextVectorizer({ ngram_range: [1, 2], max_features: 20000 }).fitTransform({ length: corpus.length, at: stringReader(column) });
    // Each path twice, alternating, the faster of its two taken: the first fit of a process also pays for compiling.
    let oursSeconds = Infinity;
    let columnSeconds = Infinity;
    let X: CsrMatrix | undefined;
    let XColumn: CsrMatrix | undefined;
    for (let round = 0; round < 2; round++) {
      let start = performance.now();
      X = fitStrings();
      oursSeconds = Math.min(oursSeconds, (performance.now() - start) / 1000);
      start = performance.now();
      XColumn = fitColumn();
      columnSeconds = Math.min(columnSeconds, (performance.now() - start) / 1000);
    }
    if (!X || !XColumn) throw new Error('no fit');
    const sklearn = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PYTHON, path], { encoding: 'utf8', maxBuffer: 1 << 26 })) as {
      seconds: number;
      nnz: number;
      cols: number;
      sum: number;
    };
    const sum = X.values.reduce((s, v) => s + v, 0);
    console.log(`TF-IDF 1-2-grams, max_features 20000, ${DOCUMENTS} documents`);
    console.log(`  ml-workbench (string array): ${oursSeconds.toFixed(2)} s  (nnz ${X.values.length}, cols ${X.cols}, sum ${sum.toFixed(6)})`);
    const columnSum = XColumn.values.reduce((s, v) => s + v, 0);
    console.log(`  text column:  ${columnSeconds.toFixed(2)} s  (nnz ${XColumn.values.length}, cols ${XColumn.cols}, sum ${columnSum.toFixed(6)})`);
    console.log(`  scikit-learn: ${sklearn.seconds.toFixed(2)} s  (nnz ${sklearn.nnz}, cols ${sklearn.cols}, sum ${sklearn.sum.toFixed(6)})`);
    console.log(
      `  ratio (ours / sklearn): ${(oursSeconds / sklearn.seconds).toFixed(2)}; text column / sklearn: ${(columnSeconds / sklearn.seconds).toFixed(2)}`,
    );
    console.log(`  same output: ${X.values.length === sklearn.nnz && X.cols === sklearn.cols && Math.abs(sum - sklearn.sum) < 1e-6 ? 'yes' : 'NO'}`);
    console.log(`  text column same as strings: ${XColumn.values.length === X.values.length && XColumn.cols === X.cols && columnSum === sum ? 'yes' : 'NO'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
