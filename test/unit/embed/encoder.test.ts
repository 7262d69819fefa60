import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedTexts, loadEncoder, type Pooling } from '../../../src/core/embed/encoder';
import { loadTokenizer } from '../../../src/core/embed/tokenizer';
import { reference, TINY_BERT } from './fixture';

test('the WordPiece tokenizer gives the hand-checkable ids of the fixture', async () => {
  const tokenizer = await loadTokenizer(TINY_BERT);
  assert.equal(tokenizer.model, 'WordPiece');
  // Written out by hand from the vocabulary in tokenizer.json: [CLS]=2, [SEP]=3, [UNK]=1, play=88, ##ing=89, un=91, ##play=92, ##ed=90.
  assert.deepEqual([...tokenizer.encode('Playing unplayed', 64).tokens], ['[CLS]', 'play', '##ing', 'un', '##play', '##ed', '[SEP]']);
  assert.deepEqual([...tokenizer.encode('Playing unplayed', 64).ids], [2, 88, 89, 91, 92, 90, 3]);
  assert.deepEqual([...tokenizer.encode('😀', 64).ids], [2, 1, 3]);
  assert.deepEqual([...tokenizer.encode('', 64).ids], [2, 3]);
  for (const expected of reference.texts) {
    const encoded = tokenizer.encode(expected.text, reference.max_length);
    assert.deepEqual([...encoded.tokens], expected.tokens, expected.text);
    assert.deepEqual([...encoded.ids], expected.ids, expected.text);
    assert.equal(encoded.truncated, expected.truncated, expected.text);
    assert.ok(encoded.ids.length <= reference.max_length);
  }
});

for (const pooling of ['mean', 'cls'] as Pooling[]) {
  for (const normalize of [false, true]) {
    test(`embeddings equal PyTorch's to 1e-5: ${pooling} pooling${normalize ? ', normalized' : ''} (batched with padding)`, async () => {
      const encoder = await loadEncoder(TINY_BERT);
      const texts = reference.texts.map((t) => t.text);
      // Batches of 4: the short texts are padded beside the long ones, so the attention mask is exercised.
      const result = await embedTexts(encoder, texts, { pooling, normalize, maxLength: reference.max_length, batchSize: 4 });
      assert.equal(result.width, reference.hidden_size);
      assert.equal(result.truncated, reference.texts.filter((t) => t.truncated).length);
      reference.texts.forEach((expected, row) => {
        const wanted = expected.embeddings[normalize ? (`${pooling}_normalized` as const) : pooling];
        let worst = 0;
        wanted.forEach((v, j) => (worst = Math.max(worst, Math.abs((result.data[row * result.width + j] as number) - v))));
        assert.ok(worst < 1e-5, `${JSON.stringify(expected.text)}: largest difference ${worst}`);
      });
    });
  }
}

test('batch size does not change the embeddings', async () => {
  const encoder = await loadEncoder(TINY_BERT);
  const texts = reference.texts.map((t) => t.text);
  const settings = { pooling: 'mean' as const, normalize: true, maxLength: reference.max_length };
  const one = await embedTexts(encoder, texts, { ...settings, batchSize: 1 });
  const all = await embedTexts(encoder, texts, { ...settings, batchSize: 64 });
  one.data.forEach((v, i) => assert.ok(Math.abs(v - (all.data[i] as number)) < 1e-6));
});
