/** Finds dataset paths written in source text (string literals, Markdown links, bare paths) and resolves them to files. No vscode import. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { datasetFormat } from '../../core/datasets/sniff';

/** A dataset path as written on one line; `start`/`end` are character offsets of the path text. */
export interface DatasetReference {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const EXTENSION = String.raw`\.(?:csv|tsv|tab|json|jsonl|ndjson|parquet|pq)`;
// A quoted literal (any quote), or a bare path token as in Markdown or SQL.
const QUOTED = new RegExp(String.raw`(["'\`])([^"'\`\n]*?${EXTENSION})\1`, 'gi');
const BARE = new RegExp(String.raw`(?<![\w/.\\-])((?:[A-Za-z]:)?[\w./\\~-]*[\w-]${EXTENSION})(?![\w])`, 'gi');

/** Every dataset-looking path on a line, quoted literals first, without overlaps. */
export function findDatasetReferences(line: string): DatasetReference[] {
  const found: DatasetReference[] = [];
  // Quoted spans, kept or not (URLs), hide the bare tokens inside them.
  const quoted: DatasetReference[] = [];
  for (const match of line.matchAll(QUOTED)) {
    const text = match[2] ?? '';
    const start = (match.index ?? 0) + 1;
    const reference = { text, start, end: start + text.length };
    quoted.push(reference);
    if (text.trim() !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) found.push(reference);
  }
  for (const match of line.matchAll(BARE)) {
    const text = match[1] ?? '';
    const start = match.index ?? 0;
    const end = start + text.length;
    if (quoted.some((ref) => start < ref.end && end > ref.start)) continue;
    if (line[start - 1] === ':' || text.startsWith('//')) continue;
    found.push({ text, start, end });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The reference under a character offset, if any. */
export function referenceAt(line: string, character: number): DatasetReference | undefined {
  return findDatasetReferences(line).find((ref) => character >= ref.start - 1 && character <= ref.end + 1);
}

async function isFile(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isFile();
  } catch {
    return false;
  }
}

/** Resolves a written path: absolute as is, else relative to the document's folder, then to each workspace folder. */
export async function resolveDatasetPath(text: string, documentDir: string | undefined, workspaceFolders: readonly string[]): Promise<string | undefined> {
  if (!datasetFormat(text)) return undefined;
  const expanded = text.startsWith('~/') ? path.join(process.env.HOME ?? '', text.slice(2)) : text;
  const candidates = path.isAbsolute(expanded)
    ? [expanded]
    : [...(documentDir ? [path.resolve(documentDir, expanded)] : []), ...workspaceFolders.map((folder) => path.resolve(folder, expanded))];
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  return undefined;
}
