import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextVectorizer, VectorizerOptions } from '../../../src/core/text/vectorizer';
import { ENGLISH_STOP_WORDS } from '../../../src/core/text/stopWords';
import { numpyArgsort } from '../../../src/core/text/numpyArgsort';
import { analyze, tokenize } from '../../../src/core/text/tokenize';
import { CsrMatrix } from '../../../src/core/types';
import { CsrJSON, reference } from './reference';

function assertCsrClose(actual: CsrMatrix, expected: CsrJSON, label: string): void {
  assert.equal(actual.rows, expected.rows, `${label}: rows`);
  assert.equal(actual.cols, expected.cols, `${label}: cols`);
  assert.deepEqual([...actual.indptr], expected.indptr, `${label}: indptr`);
  assert.deepEqual([...actual.indices], expected.indices, `${label}: indices`);
  expected.values.forEach((v, k) => {
    assert.ok(Math.abs((actual.values[k] as number) - v) < 1e-6, `${label}: value ${k} ${actual.values[k]} vs ${v}`);
  });
}

test('the English stop-word list is identical to sklearn', () => {
  assert.deepEqual([...ENGLISH_STOP_WORDS].sort(), reference.stop_words);
});

test('tokeniser follows sklearn token_pattern on Unicode text', () => {
  assert.deepEqual(tokenize('Größe über-alles a b_c 😀word x'), ['größe', 'über', 'alles', 'b_c', 'word']);
  assert.deepEqual(analyze('the quick brown fox', { stop_words: 'english', ngram_range: [1, 2] }), ['quick', 'brown', 'fox', 'quick brown', 'brown fox']);
});

test('numpy argsort tie order is reproduced', () => {
  for (const { values, order } of reference.argsort) {
    assert.deepEqual([...numpyArgsort(values.map((v) => -v))], order, `n=${values.length}`);
  }
});

for (const c of reference.tfidf) {
  test(`TF-IDF agrees with sklearn: ${c.name}`, () => {
    const vectorizer = new TextVectorizer({ ...(c.options as VectorizerOptions), method: c.method });
    const fitted = vectorizer.fitTransform(reference.corpus);
    assert.deepEqual(vectorizer.vocabulary, c.vocabulary);
    c.idf.forEach((v, j) => assert.ok(Math.abs((vectorizer.idf[j] as number) - v) < 1e-9, `idf ${j}`));
    assertCsrClose(fitted, c.fit, `${c.name} fit`);
    assertCsrClose(vectorizer.transform(reference.test_docs), c.test, `${c.name} transform`);
    const restored = TextVectorizer.fromJSON(JSON.parse(JSON.stringify(vectorizer.toJSON())));
    assertCsrClose(restored.transform(reference.test_docs), c.test, `${c.name} restored`);
  });
}

test('bad vectorizer settings are named', () => {
  assert.throws(() => new TextVectorizer({ ngram_range: [2, 1] }), /ngram_range/);
  assert.throws(() => new TextVectorizer({ min_df: 3, max_df: 2 }).fitTransform(reference.corpus), /max_df/);
  assert.throws(() => new TextVectorizer({ min_df: 2.5 }).fitTransform(reference.corpus), /min_df/);
  assert.throws(() => new TextVectorizer({ stop_words: 'english' }).fitTransform(['the a of']), /empty vocabulary/);
});
