/** Reads an experiment file (YAML or JSON) and locates each problem on its line and column. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { validateExperiment, type Experiment } from '../experiment/experiment';
import { syntaxErrorMessage } from '../experiment/yamlErrors';

export interface ExperimentProblem {
  readonly message: string;
  /** Key path such as `model.params.C`, empty for the whole file. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface LoadedExperiment {
  readonly file: string;
  readonly experiment?: Experiment;
  readonly problems: ExperimentProblem[];
  /** The data file, resolved against the experiment file's folder. */
  readonly dataPath?: string;
}

/**
 * Largest experiment file read. Real ones are a few KB; parsing YAML costs about 10 µs a byte here,
 * so a 10 MB file (260,000 steps in the adversarial pass) took minutes and 2 GB before any message.
 */
export const MAX_EXPERIMENT_BYTES = 64 * 1024;

function tooLarge(file: string, bytes: number): LoadedExperiment {
  const size = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
  const message = `the experiment file is ${size}; an experiment file is at most ${MAX_EXPERIMENT_BYTES / 1024} KB (the data belongs in the file data.path names)`;
  return { file, problems: [{ message, path: '', line: 1, column: 1, endLine: 1, endColumn: 1 }] };
}

/** Parses and validates experiment text; `checkData` also checks that the data file exists. */
export function parseExperiment(file: string, text: string, checkData = true): LoadedExperiment {
  // Characters first: cheap, and no string this long fits in the limit whatever its encoding.
  if (text.length > MAX_EXPERIMENT_BYTES || Buffer.byteLength(text) > MAX_EXPERIMENT_BYTES) return tooLarge(file, Buffer.byteLength(text));
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number, end: number) => {
    const start = lineCounter.linePos(offset);
    const stop = lineCounter.linePos(end);
    return { line: start.line, column: start.col, endLine: stop.line, endColumn: stop.col };
  };
  if (document.errors.length > 0) {
    return {
      file,
      problems: document.errors.map((error) => {
        const where = at(error.pos[0], error.pos[1]);
        return { message: syntaxErrorMessage(error.code, error.message, where.line), path: '', ...where };
      }),
    };
  }
  const value: unknown = document.toJS();
  const problems: ExperimentProblem[] = validateExperiment(value).map((problem) => {
    const separator = problem.indexOf(': ');
    const keyPath = separator > 0 ? problem.slice(0, separator) : '';
    const node = nodeAt(document.contents, keyPath);
    const range = node?.range ?? document.contents?.range ?? [0, 0];
    return { message: problem, path: keyPath, ...at(range[0], range[1]) };
  });
  const experiment = problems.length === 0 ? (value as Experiment) : undefined;
  const dataValue = (value as { data?: { path?: unknown } } | null)?.data?.path;
  const dataPath = typeof dataValue === 'string' ? path.resolve(path.dirname(file), dataValue) : undefined;
  if (checkData && dataPath && !existsSync(dataPath)) {
    const node = nodeAt(document.contents, 'data.path');
    const range = node?.range ?? [0, 0];
    problems.push({ message: `data.path: file not found: ${dataPath}`, path: 'data.path', ...at(range[0], range[1]) });
  }
  return { file, experiment: problems.length === 0 ? experiment : undefined, problems, dataPath };
}

/** Reads and validates an experiment file from disk. */
export function loadExperimentFile(file: string): LoadedExperiment {
  if (!existsSync(file)) return { file, problems: [{ message: `experiment file not found: ${file}`, path: '', line: 1, column: 1, endLine: 1, endColumn: 1 }] };
  const bytes = statSync(file).size;
  if (bytes > MAX_EXPERIMENT_BYTES) return tooLarge(file, bytes);
  return parseExperiment(file, readFileSync(file, 'utf8'));
}

/** Finds the deepest node on a key path like `model.params.C` or `prepare[2].text.column`. */
function nodeAt(root: Node | null | undefined, keyPath: string): Node | undefined {
  if (!root || keyPath === '') return root ?? undefined;
  let node: Node | undefined = root;
  for (const part of keyPath.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
    if (isMap(node)) {
      const pair: Pair | undefined = (node.items as Pair[]).find((item) => isScalar(item.key) && String(item.key.value) === part);
      if (!pair) return node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && /^\d+$/.test(part)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

/** Formats problems as `file:line:column: message` lines, as compilers do. */
export function formatProblems(loaded: LoadedExperiment): string {
  return loaded.problems.map((p) => `${loaded.file}:${p.line}:${p.column}: ${p.message}`).join('\n');
}
