/**
 * The embed step's encoder throughput: texts/s of embedTexts (our tokenizer + onnxruntime-node +
 * mean pooling + normalize) on a MiniLM-sized random-weight BERT encoder (6 layers, hidden 384,
 * 12 heads, intermediate 1536, a 30,522-token vocabulary), beside the PyTorch module it was exported
 * from, in the same run, on the same 10,000 texts, with the same batches of 32 and max_length 128.
 *
 * The encoder is generated at bench time into a temporary folder by bench/reference/encoder.py
 * (Debian's python3-torch, run as /usr/bin/python3); nothing is committed or downloaded.
 *
 * Run: node --import tsx bench/embed.ts [--texts 10000] [--batch 32]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { embedTexts, loadEncoder } from '../src/core/embed/encoder';
import { Random } from '../src/core/random';
import { option } from './common';

const TEXTS = option('texts', 10_000);
const BATCH = option('batch', 32);
const MAX_LENGTH = 128;

/** Reviews-like texts of 4 to 60 words drawn from the fixture's vocabulary (seeded). */
function makeTexts(n: number): string[] {
  const words = [
    ...new Set(
      readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'workspace', 'data', 'reviews.csv'), 'utf8')
        .toLowerCase()
        .split(/[^a-z]+/)
        .filter((w) => w.length > 0 && w !== 'positive' && w !== 'negative' && w !== 'review' && w !== 'label'),
    ),
  ];
  const rng = new Random(20);
  const random = (): number => rng.next();
  return Array.from({ length: n }, () => {
    const length = 4 + Math.floor(random() * 57);
    const text = Array.from({ length }, () => words[Math.floor(random() * words.length)]).join(' ');
    return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}.`;
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-bench-embed-'));
  try {
    const texts = makeTexts(TEXTS);
    const settingsFile = path.join(dir, 'texts.json');
    writeFileSync(settingsFile, JSON.stringify({ texts, batch_size: BATCH, max_length: MAX_LENGTH }));
    const folder = path.join(dir, 'minilm-random');
    console.log(`${TEXTS} texts (4–60 words), batch ${BATCH}, max_length ${MAX_LENGTH}, mean pooling + normalize`);
    const script = path.join(__dirname, 'reference', 'encoder.py');
    const torchOut = execFileSync('/usr/bin/python3', [script, '--bench', folder, settingsFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const torch = JSON.parse(torchOut.trim().split('\n').pop() as string) as { seconds: number; texts_per_s: number; threads: number; first: number[] };

    const loadStarted = performance.now();
    const encoder = await loadEncoder(folder);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const started = performance.now();
    const result = await embedTexts(encoder, texts, { pooling: 'mean', normalize: true, maxLength: MAX_LENGTH, batchSize: BATCH });
    const seconds = (performance.now() - started) / 1000;
    const ours = TEXTS / seconds;
    const agreement = Math.max(...torch.first.map((v, j) => Math.abs(v - (result.data[j] as number))));

    console.log(`PyTorch ${torch.threads} threads (module the ONNX was exported from): ${torch.seconds.toFixed(2)} s, ${torch.texts_per_s.toFixed(0)} texts/s`);
    console.log(`mlwb embedTexts (onnxruntime-node; model load ${loadSeconds.toFixed(2)} s not counted): ${seconds.toFixed(2)} s, ${ours.toFixed(0)} texts/s`);
    console.log(`ratio (ours / PyTorch texts/s): ${(ours / torch.texts_per_s).toFixed(2)}×`);
    console.log(`first text's embedding, largest difference from PyTorch over 4 values: ${agreement.toExponential(2)}; width ${result.width}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
