/**
 * Where a position of an experiment file's text lies in its YAML: the key path (`model.params.C`)
 * and whether the position is on a key, a value or a list item. Completion, hover and quick fixes
 * read it; it works on unfinished text (`type: ` with nothing after it, a half-typed key).
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Scalar } from 'yaml';

/** A key path: map keys as strings, list indexes as numbers. */
export type YamlPath = readonly (string | number)[];

/** `key`: a key of the map at `path`; `value`: the value at `path`; `item`: an item of the list at `path`. */
export type YamlRole = 'key' | 'value' | 'item';

export interface YamlLocation {
  readonly role: YamlRole;
  /** For `key` and `item`, the map or list holding the position; for `value`, the key path of the value. */
  readonly path: YamlPath;
  /** The scalar's text between its start and the position (what the user typed so far). */
  readonly prefix: string;
  /** Offsets of the scalar's text (inside its quotes, if any) in the original text: what a completion replaces. */
  readonly start: number;
  readonly end: number;
  /** The scalar's whole text, without the part a completion would add. */
  readonly text: string;
  /** The scalar is quoted (a JSON file's keys and values). */
  readonly quoted: boolean;
}

const MARKER = '__mlwb_cursor__';

interface Found {
  readonly scalar: Scalar;
  readonly role: YamlRole;
  readonly path: YamlPath;
}

/** Depth-first search for the scalar (key, value or item) that `matches`, with its path and role. */
function findScalar(node: unknown, path: YamlPath, matches: (scalar: Scalar) => boolean): Found | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      if (isScalar(key) && matches(key)) return { scalar: key, role: 'key', path };
      const name = isScalar(key) ? String(key.value) : '';
      const value = pair.value;
      if (isScalar(value) && matches(value)) return { scalar: value, role: 'value', path: [...path, name] };
      const inner = findScalar(value, [...path, name], matches);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      if (isScalar(item) && matches(item)) return { scalar: item, role: 'item', path };
      const inner = findScalar(item, [...path, index], matches);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Offsets of a scalar's text without its quotes. */
function innerRange(scalar: Scalar, source: string): { start: number; end: number; quoted: boolean } {
  const [start, valueEnd] = scalar.range ?? [0, 0];
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
  if (!quoted) return { start, end: valueEnd, quoted };
  const close = source.lastIndexOf(source[start] ?? '"', valueEnd - 1);
  return { start: start + 1, end: close > start ? close : valueEnd, quoted };
}

/** The line of `text` around `offset`: its text before and after the offset. */
function lineAround(text: string, offset: number): { before: string; after: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  return { before: text.slice(lineStart, offset), after: text.slice(offset, lineEnd < 0 ? text.length : lineEnd) };
}

/**
 * Where `offset` lies, for completion: a marker is put at the offset (with a `:` when a block key is
 * being typed on a line of its own) so that even unfinished text parses to a node there.
 * Undefined inside a comment, or where the text around cannot hold a key or value.
 */
export function locateForCompletion(text: string, offset: number): YamlLocation | undefined {
  const { before, after } = lineAround(text, offset);
  if (/(^|\s)#/.test(before)) return undefined;
  const typedOnLine = before.replace(/^\s*(-\s+)*/, '');
  const restEmpty = /^\s*(#.*)?$/.test(after);
  // `  pen` alone on a line is a key being typed; `- ` alone starts a list item, which a key may also start.
  const blockKey = restEmpty && !/[:{}[\],"']/.test(typedOnLine);
  const marked = text.slice(0, offset) + MARKER + (blockKey ? ':' : '') + text.slice(offset);
  const document = parseDocument(marked, { prettyErrors: false });
  const found = findScalar(document.contents, [], (scalar) => typeof scalar.value === 'string' && scalar.value.includes(MARKER));
  if (!found) {
    // A lone marker makes the whole document a scalar: the position is a top-level key.
    if (isScalar(document.contents) && String(document.contents.value).includes(MARKER)) {
      return { role: 'key', path: [], prefix: typedOnLine, start: offset - typedOnLine.length, end: offset, text: typedOnLine, quoted: false };
    }
    return undefined;
  }
  const { scalar } = found;
  const value = String(scalar.value);
  const at = value.indexOf(MARKER);
  const range = innerRange(scalar, marked);
  // Offsets in the marked text map back: everything after the marker moved by its length.
  const added = MARKER.length + (blockKey ? 1 : 0);
  const start = range.start;
  const end = Math.max(offset, range.end - added);
  const prefix = value.slice(0, at);
  const whole = value.replace(MARKER, '');
  let { role, path } = found;
  // `- sep` typed as a block key parses as a one-key map in a list: that is an item of the list.
  if (role === 'key' && blockKey && /^\s*-\s/.test(before) && typeof path[path.length - 1] === 'number') {
    const node = document.getIn(path, true);
    if (isMap(node) && node.items.length === 1 && isPair(node.items[0]) && isEmpty(node.items[0].value)) {
      const parentPath = path.slice(0, -1);
      if (!isPrepareList(parentPath)) {
        role = 'item';
        path = parentPath;
      }
    }
  }
  // A value typed where a map is expected (`params:` then a key on the next line) is a key of that map.
  if (role === 'value' && /^\s*$/.test(before.slice(0, before.length - prefix.length)) && !/:\s/.test(before)) {
    role = 'key';
  }
  return { role, path, prefix, start, end, text: whole, quoted: range.quoted };
}

function isEmpty(value: unknown): boolean {
  return value === null || (isScalar(value) && value.value === null);
}

/** The `prepare` list, whose items are one-key maps named by their step. */
function isPrepareList(path: YamlPath): boolean {
  return path.length === 1 && path[0] === 'prepare';
}

/** Where `offset` lies in complete text, for hovers and fixes: the key or value under it, undefined between nodes. */
export function locateAt(text: string, offset: number): YamlLocation | undefined {
  const document = parseDocument(text, { prettyErrors: false });
  const found = findScalar(document.contents, [], (scalar) => {
    const [start, end] = scalar.range ?? [-1, -1];
    return start <= offset && offset <= end && end > start;
  });
  if (!found) return undefined;
  const range = innerRange(found.scalar, text);
  const value = String(found.scalar.value);
  return { role: found.role, path: found.path, prefix: value.slice(0, Math.max(0, offset - range.start)), ...range, text: value };
}

export interface ScalarAt {
  readonly value: unknown;
  readonly start: number;
  readonly end: number;
}

/** Every key and value scalar of the text with its path, for checks that need their offsets (quick fixes). */
export function scalarsOf(text: string): { role: YamlRole; path: YamlPath; scalar: ScalarAt }[] {
  const document = parseDocument(text, { prettyErrors: false });
  const found: { role: YamlRole; path: YamlPath; scalar: ScalarAt }[] = [];
  const visit = (node: unknown, path: YamlPath): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        const name = isScalar(key) ? String(key.value) : '';
        if (isScalar(key)) found.push({ role: 'key', path, scalar: at(key, text) });
        if (isScalar(pair.value)) found.push({ role: 'value', path: [...path, name], scalar: at(pair.value, text) });
        else visit(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (isScalar(item)) found.push({ role: 'item', path, scalar: at(item, text) });
        else visit(item, [...path, index]);
      });
    }
  };
  visit(document.contents as Node | null, []);
  return found;
}

function at(scalar: Scalar, text: string): ScalarAt {
  const range = innerRange(scalar, text);
  return { value: scalar.value, start: range.start, end: range.end };
}

/** `model.params.C`, `prepare[2].text.column`: a path as the validation messages write it. */
export function formatPath(path: YamlPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
