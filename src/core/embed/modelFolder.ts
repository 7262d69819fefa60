/**
 * A pretrained encoder's folder in the Hugging Face layout (config.json, tokenizer.json,
 * onnx/model.onnx): where it is, that it holds what the embed step reads, and its content hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { MlError } from '../types';

/** The files the embed step reads from a model folder. */
export const MODEL_FILES = { config: 'config.json', tokenizer: 'tokenizer.json', onnx: path.join('onnx', 'model.onnx') } as const;

/** The folder's absolute path: `model` as written, relative to `baseDir` (the experiment file's folder) unless absolute. */
export function resolveModelFolder(model: string, baseDir: string): string {
  return path.resolve(baseDir, model);
}

/** Throws an MlError naming the folder or file when the folder lacks what an encoder needs. */
export function checkModelFolder(folder: string): void {
  if (!existsSync(folder)) {
    throw new MlError(
      `embed: model folder ${folder} does not exist; it must be a local folder with ${Object.values(MODEL_FILES).join(', ')} (see docs/embeddings.md)`,
    );
  }
  if (!statSync(folder).isDirectory()) throw new MlError(`embed: model ${folder} is a file; it must be a folder with ${Object.values(MODEL_FILES).join(', ')}`);
  const onnx = path.join(folder, MODEL_FILES.onnx);
  if (!existsSync(onnx)) {
    const elsewhere = readdirSync(folder).filter((f) => f.endsWith('.onnx'));
    const hint =
      elsewhere.length > 0 ? ` (found ${elsewhere.join(', ')} at the top: move it to onnx/model.onnx)` : ' (export one with `optimum-cli export onnx`)';
    throw new MlError(`embed: model folder ${folder} has no ONNX model at onnx/model.onnx${hint}`);
  }
  for (const file of [MODEL_FILES.config, MODEL_FILES.tokenizer]) {
    if (!existsSync(path.join(folder, file))) throw new MlError(`embed: model folder ${folder} has no ${file}`);
  }
}

/** Reads a JSON file of the folder, naming it when it does not parse. */
export function readFolderJson(folder: string, file: string): Record<string, unknown> {
  const full = path.join(folder, file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(full, 'utf8'));
  } catch (error) {
    throw new MlError(`embed: ${full} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MlError(`embed: ${full} must hold a JSON object`);
  return value as Record<string, unknown>;
}

const hashes = new Map<string, { stamp: string; hash: string }>();

/**
 * SHA-256 over the folder's files (their relative paths and contents, in sorted order): the
 * encoder's identity in the run record and in the cache key. Kept per process while no file's
 * size or modification time changes, so each fold does not hash a 90 MB model again.
 */
export function hashModelFolder(folder: string): string {
  const files = listFiles(folder);
  const stamp = files.map((f) => `${f}:${statSync(path.join(folder, f)).size}:${statSync(path.join(folder, f)).mtimeMs}`).join('|');
  const known = hashes.get(folder);
  if (known?.stamp === stamp) return known.hash;
  const hash = createHash('sha256');
  for (const file of files) {
    const content = createHash('sha256')
      .update(readFileSync(path.join(folder, file)))
      .digest('hex');
    hash.update(`${file.split(path.sep).join('/')}\0${content}\n`);
  }
  const digest = hash.digest('hex');
  hashes.set(folder, { stamp, hash: digest });
  return digest;
}

function listFiles(folder: string, prefix = ''): string[] {
  return readdirSync(path.join(folder, prefix), { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const relative = path.join(prefix, entry.name);
      if (entry.isDirectory()) return listFiles(folder, relative);
      return entry.isFile() ? [relative] : [];
    })
    .sort();
}
