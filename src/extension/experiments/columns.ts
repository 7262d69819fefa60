/**
 * Checks that the columns an experiment names (the target, the columns of its steps) exist in its
 * data, and locates each key path of an experiment's text on its line. No vscode import.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { isRecord } from '../../core/json';

/** 1-based start and end, as the yaml library and parseExperiment count them. */
export interface TextRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface ColumnReference {
  /** Key path of the column name, e.g. `prepare[2].onehot.columns[0]`. */
  readonly path: string;
  readonly column: string;
}

export interface LocatedProblem extends TextRange {
  readonly path: string;
  readonly message: string;
}

// Steps whose `columns` is a list of names, and those whose option maps column names to settings.
export const LIST_STEPS: readonly string[] = ['dropDuplicates', 'dropMissing', 'drop', 'datetime', 'impute', 'clip', 'scale', 'onehot', 'ordinal'];
export const MAP_OPTIONS: Readonly<Record<string, string>> = { coerce: 'columns', ordinal: 'categories' };

/** Every column name the experiment mentions, with its key path. */
export function columnReferences(experiment: unknown): ColumnReference[] {
  if (!isRecord(experiment)) return [];
  const found: ColumnReference[] = [];
  const data = experiment.data;
  if (isRecord(data) && typeof data.target === 'string' && data.target !== '') found.push({ path: 'data.target', column: data.target });
  const prepare = Array.isArray(experiment.prepare) ? experiment.prepare : [];
  prepare.forEach((item: unknown, i) => {
    if (!isRecord(item)) return;
    for (const [step, options] of Object.entries(item)) {
      if (!isRecord(options)) continue;
      const at = `prepare[${i}].${step}`;
      if (LIST_STEPS.includes(step) && Array.isArray(options.columns)) {
        options.columns.forEach((column: unknown, j) => {
          if (typeof column === 'string') found.push({ path: `${at}.columns[${j}]`, column });
        });
      }
      const mapOption = MAP_OPTIONS[step];
      if (mapOption && isRecord(options[mapOption])) {
        for (const column of Object.keys(options[mapOption])) found.push({ path: `${at}.${mapOption}.${column}`, column });
      }
      if (step === 'text' && typeof options.column === 'string') found.push({ path: `${at}.column`, column: options.column });
    }
  });
  return found;
}

/** The names, shortened for a message when there are many. */
export function listColumns(columns: readonly string[], most = 25): string {
  const shown = columns.slice(0, most).join(', ');
  return columns.length > most ? `${shown}, … (${columns.length} columns)` : shown;
}

/** `unknown column` problems of the references that are not columns of the data, each on its line. */
export function unknownColumnProblems(text: string, columns: readonly string[]): LocatedProblem[] {
  const parsed = parseText(text);
  if (!parsed) return [];
  const known = new Set(columns);
  return columnReferences(parsed.document.toJS()).flatMap((ref) => {
    if (known.has(ref.column)) return [];
    const near = columns.find((c) => c.toLowerCase() === ref.column.toLowerCase());
    const hint = near ? ` (did you mean "${near}"?)` : '';
    const message = `${ref.path}: unknown column "${ref.column}"${hint}; the data has: ${listColumns(columns)}`;
    return [{ path: ref.path, message, ...parsed.locate(ref.path) }];
  });
}

/** A data column's name and the type the datasets engine reads it as (see core/datasets/types.ts). */
export interface TypedColumn {
  readonly name: string;
  readonly type: string;
}

// Steps that encode or remove the columns they name; dropMissing only looks at its columns.
const HANDLING_STEPS = new Set(['drop', 'datetime', 'onehot', 'ordinal', 'coerce', 'text']);

/**
 * Warnings for string columns that no step encodes or drops, which stop training at the end of the
 * preparation: free text and dates, each with both ways out (encode it, or drop it). Columns of few
 * categories are left alone, since `onehot: {}` takes every one of them.
 */
export function unencodedColumnProblems(text: string, columns: readonly TypedColumn[]): LocatedProblem[] {
  const parsed = parseText(text);
  if (!parsed) return [];
  const experiment: unknown = parsed.document.toJS();
  if (!isRecord(experiment) || (isRecord(experiment.model) && experiment.model.type === 'transformer')) return [];
  const handled = new Set(
    columnReferences(experiment)
      .filter((ref) => HANDLING_STEPS.has(ref.path.split('.')[1] ?? ''))
      .map((ref) => ref.column),
  );
  const target = isRecord(experiment.data) ? experiment.data.target : undefined;
  const at = parsed.locate('data.path');
  return columns.flatMap((column): LocatedProblem[] => {
    if (column.name === target || handled.has(column.name)) return [];
    const drop = `\`drop: { columns: [${column.name}] }\``;
    if (column.type === 'date' || column.type === 'datetime') {
      const message = `column "${column.name}" holds dates and no step turns them into numbers; add \`datetime: { columns: [${column.name}] }\` to prepare (year, month, day, dayofweek), or ${drop} to leave it out`;
      return [{ path: 'data.path', message, ...at }];
    }
    if (column.type === 'text') {
      const message = `column "${column.name}" is free text and no step encodes it, so training would stop at it; encode it with \`text: { column: ${column.name} }\` (or onehot/ordinal if it is a category), or leave it out with ${drop} (an id, a name)`;
      return [{ path: 'data.path', message, ...at }];
    }
    return [];
  });
}

/** Parses experiment text once and locates key paths in it; undefined when the text has syntax errors. */
export function parseText(text: string): { document: Document; locate(keyPath: string): TextRange } | undefined {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) return undefined;
  const locate = (keyPath: string): TextRange => {
    const range = nodeAt(document.contents, keyPath)?.range ?? [0, 0];
    const start = lineCounter.linePos(range[0]);
    const end = lineCounter.linePos(range[1]);
    return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
  };
  return { document, locate };
}

/** The node of a key path like `prepare[2].coerce.columns.age`; for a mapping key, the key itself. */
function nodeAt(root: Node | null | undefined, keyPath: string): Node | undefined {
  let node: Node | undefined = root ?? undefined;
  const parts = keyPath.split(/\.|\[(\d+)\]/).filter((p): p is string => p !== undefined && p !== '');
  for (const [index, part] of parts.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === part);
      if (!pair) return node;
      const last = index === parts.length - 1;
      // A column named as a key (coerce, ordinal) is marked on its name, not its setting.
      node = (last && isMap(node) && keyPath.match(/\.(columns|categories)\.[^.]+$/) ? pair.key : (pair.value ?? pair.key)) as Node | undefined;
    } else if (isSeq(node) && /^\d+$/.test(part)) {
      const item = node.items[Number(part)];
      if (!item) return node;
      node = item as Node;
    } else {
      return node;
    }
  }
  return node;
}
