/**
 * Embeddings, content-addressed: the key of a text's vector is the encoder folder's hash, the
 * settings that change the vector (pooling, normalize, max_length) and the text's SHA-256. Kept in
 * memory for a run (every fold, trial and the refit embed each text once) and, with a folder, on
 * disk (`.mlwb/cache/embed/<settings key>/<first hash byte>.bin`, append-only records of hash,
 * truncated flag and float32 vector), so re-runs and sweeps in other processes find them too.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { embedTexts, type EmbedProgress, type EmbedSettings, type Encoder } from './encoder';

/** One text's vector and whether the text was cut to max_length. */
export interface CachedEmbedding {
  readonly vector: Float32Array;
  readonly truncated: boolean;
}

/** Hits and misses of a cache: texts found, and texts the encoder had to run for. */
export interface CacheCounts {
  hits: number;
  misses: number;
}

/** Past this many vectors in memory, the memory is emptied (the disk keeps them); a long-running service stays bounded. */
const MAX_IN_MEMORY = 200_000;
const HASH_BYTES = 32;

export class EmbeddingCache {
  private readonly memory = new Map<string, Map<string, CachedEmbedding>>();
  private readonly shardsRead = new Set<string>();
  private inMemory = 0;
  readonly counts: CacheCounts = { hits: 0, misses: 0 };

  /** `dir`: the disk cache's folder (created when first written); without it the cache lives in memory only. */
  constructor(readonly dir?: string) {}

  /** The vectors of `texts` (null as the empty text): found in memory or on disk, or embedded and stored. */
  async lookup(
    encoder: Encoder,
    settings: EmbedSettings,
    texts: readonly (string | null)[],
    progress: EmbedProgress = {},
  ): Promise<Map<string, CachedEmbedding>> {
    const key = settingsKey(encoder.hash, settings);
    const found = new Map<string, CachedEmbedding>();
    const missing: string[] = [];
    const unique = new Set(texts.map((t) => t ?? ''));
    const memory = this.memoryOf(key);
    const hashes = new Map([...unique].map((text) => [text, textHash(text)]));
    this.readShards(key, [...hashes.values()]);
    for (const [text, hash] of hashes) {
      const hit = memory.get(hash);
      if (hit) found.set(text, hit);
      else missing.push(text);
    }
    this.counts.hits += found.size;
    this.counts.misses += missing.length;
    if (missing.length === 0) return found;
    const embedded = await embedTexts(encoder, missing, settings, progress);
    const records = new Map<string, Buffer[]>();
    missing.forEach((text, i) => {
      const vector = Float32Array.from(embedded.data.subarray(i * embedded.width, (i + 1) * embedded.width));
      const hash = hashes.get(text) as string;
      const stored = { vector, truncated: embedded.truncatedRows[i] === 1 };
      found.set(text, stored);
      this.remember(memory, hash, stored);
      const shard = hash.slice(0, 2);
      const list = records.get(shard) ?? [];
      list.push(encodeRecord(hash, stored));
      records.set(shard, list);
    });
    this.write(key, encoder, settings, embedded.width, records);
    return found;
  }

  private memoryOf(key: string): Map<string, CachedEmbedding> {
    let memory = this.memory.get(key);
    if (!memory) {
      memory = new Map();
      this.memory.set(key, memory);
    }
    return memory;
  }

  private remember(memory: Map<string, CachedEmbedding>, hash: string, entry: CachedEmbedding): void {
    if (this.inMemory >= MAX_IN_MEMORY) {
      for (const m of this.memory.values()) m.clear();
      this.shardsRead.clear();
      this.inMemory = 0;
    }
    if (!memory.has(hash)) this.inMemory++;
    memory.set(hash, entry);
  }

  /** Reads into memory the disk shards that hold any of these hashes, once each. */
  private readShards(key: string, hashes: readonly string[]): void {
    if (!this.dir) return;
    const memory = this.memoryOf(key);
    for (const shard of new Set(hashes.filter((h) => !memory.has(h)).map((h) => h.slice(0, 2)))) {
      const id = `${key}/${shard}`;
      if (this.shardsRead.has(id)) continue;
      this.shardsRead.add(id);
      const file = path.join(this.dir, key, `${shard}.bin`);
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      const width = this.widthOf(key);
      if (width === undefined) continue;
      const size = HASH_BYTES + 1 + 4 * width;
      // A record cut short by a crash at the end of the file is left out.
      for (let offset = 0; offset + size <= bytes.length; offset += size) {
        const hash = bytes.subarray(offset, offset + HASH_BYTES).toString('hex');
        const truncated = bytes[offset + HASH_BYTES] === 1;
        const vector = new Float32Array(width);
        new Uint8Array(vector.buffer).set(bytes.subarray(offset + HASH_BYTES + 1, offset + size));
        this.remember(memory, hash, { vector, truncated });
      }
    }
  }

  private widthOf(key: string): number | undefined {
    if (!this.dir) return undefined;
    const meta = path.join(this.dir, key, 'meta.json');
    if (!existsSync(meta)) return undefined;
    try {
      const width = (JSON.parse(readFileSync(meta, 'utf8')) as { width?: unknown }).width;
      return typeof width === 'number' && Number.isInteger(width) && width > 0 ? width : undefined;
    } catch {
      return undefined;
    }
  }

  private write(key: string, encoder: Encoder, settings: EmbedSettings, width: number, records: Map<string, Buffer[]>): void {
    if (!this.dir) return;
    const folder = path.join(this.dir, key);
    mkdirSync(folder, { recursive: true });
    const meta = path.join(folder, 'meta.json');
    if (this.widthOf(key) !== width) {
      const { batchSize: _batchSize, ...vectorSettings } = settings;
      writeFileSync(meta, JSON.stringify({ model: encoder.folder, sha256: encoder.hash, ...vectorSettings, width }, null, 1) + '\n');
    }
    // One append per shard: whole records, so a reader never sees half of one but at the very end.
    for (const [shard, buffers] of records) appendFileSync(path.join(folder, `${shard}.bin`), Buffer.concat(buffers));
  }
}

/** The part of the cache key that is not the text: encoder hash and the settings that change vectors. */
export function settingsKey(modelHash: string, settings: EmbedSettings): string {
  return createHash('sha256')
    .update(JSON.stringify({ model: modelHash, pooling: settings.pooling, normalize: settings.normalize, max_length: settings.maxLength }))
    .digest('hex')
    .slice(0, 32);
}

function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function encodeRecord(hash: string, entry: CachedEmbedding): Buffer {
  const buffer = Buffer.alloc(HASH_BYTES + 1 + entry.vector.byteLength);
  Buffer.from(hash, 'hex').copy(buffer, 0);
  buffer[HASH_BYTES] = entry.truncated ? 1 : 0;
  Buffer.from(entry.vector.buffer, entry.vector.byteOffset, entry.vector.byteLength).copy(buffer, HASH_BYTES + 1);
  return buffer;
}
