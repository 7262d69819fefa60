/**
 * Searching runs with MLflow's search expression: comparisons joined by `and`, such as
 * `metrics.accuracy > 0.9 and params.C < 1 and tags.team = 'a' and status = 'completed'`.
 * Keys: `metrics.<name>`, `params.<name>`, `tags.<name>` and the attributes `status`, `run_id`,
 * `experiment`, `model`, `task`, `note`, `created` (also written `attributes.<name>`); a name with
 * other characters goes in backticks (metrics.`f1 score`). Operators: = != < <= > >= on numbers and
 * strings, LIKE / ILIKE with % and _, IN / NOT IN (list). A run lacking the key does not match.
 */
import { MlError } from '../types';
import type { RunAnnotations } from './annotations';
import type { RunRecord } from './store';

export type FilterKind = 'metrics' | 'params' | 'tags' | 'attributes';
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';
export type FilterValue = string | number;

export interface FilterClause {
  readonly kind: FilterKind;
  readonly key: string;
  readonly comparator: Comparator;
  /** One value, or the list of IN / NOT IN. */
  readonly value: FilterValue | readonly FilterValue[];
}

export const RUN_ATTRIBUTES = ['status', 'run_id', 'experiment', 'model', 'task', 'note', 'created'] as const;
const ATTRIBUTE_ALIASES: Readonly<Record<string, string>> = {
  id: 'run_id',
  run_name: 'experiment',
  name: 'experiment',
  start_time: 'created',
  model_type: 'model',
};
const KIND_ALIASES: Readonly<Record<string, FilterKind>> = {
  metrics: 'metrics',
  metric: 'metrics',
  params: 'params',
  param: 'params',
  parameters: 'params',
  tags: 'tags',
  tag: 'tags',
  attributes: 'attributes',
  attribute: 'attributes',
  attr: 'attributes',
  run: 'attributes',
};

interface Token {
  readonly type: 'word' | 'string' | 'number' | 'op' | 'punct' | 'quoted-key';
  readonly text: string;
  /** 1-based column where the token starts. */
  readonly column: number;
}

function fail(expression: string, column: number, message: string): never {
  throw new MlError(`filter, column ${column}: ${message} (in: ${expression})`);
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i] as string;
    const column = i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const end = expression.indexOf(c, i + 1);
      if (end < 0) fail(expression, column, `the ${c === '`' ? 'backtick' : 'quote'} ${c} is not closed`);
      tokens.push({ type: c === '`' ? 'quoted-key' : 'string', text: expression.slice(i + 1, end), column });
      i = end + 1;
      continue;
    }
    const op = /^(<=|>=|!=|<>|==|=|<|>)/.exec(expression.slice(i))?.[1];
    if (op) {
      tokens.push({ type: 'op', text: op === '<>' ? '!=' : op === '==' ? '=' : op, column });
      i += op.length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '.') {
      // A dot starts a number when a digit follows and no key is before it (".5").
      if (c === '.' && /\d/.test(expression[i + 1] ?? '') && tokens[tokens.length - 1]?.type === 'op') {
        const number = /^\.\d+(e[+-]?\d+)?/i.exec(expression.slice(i))?.[0] as string;
        tokens.push({ type: 'number', text: number, column });
        i += number.length;
        continue;
      }
      tokens.push({ type: 'punct', text: c, column });
      i++;
      continue;
    }
    const number = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?(?![\w])/i.exec(expression.slice(i))?.[0];
    if (number && (c === '-' || /\d/.test(c))) {
      tokens.push({ type: 'number', text: number, column });
      i += number.length;
      continue;
    }
    const word = /^[\w-]+/.exec(expression.slice(i))?.[0];
    if (word) {
      tokens.push({ type: 'word', text: word, column });
      i += word.length;
      continue;
    }
    fail(expression, column, `unexpected "${c}"`);
  }
  return tokens;
}

/** Parses a search expression; an empty one matches every run. Errors are MlErrors naming the column. */
export function parseRunFilter(expression: string): FilterClause[] {
  const tokens = tokenize(expression);
  const clauses: FilterClause[] = [];
  let at = 0;
  const end = expression.length + 1;
  const peek = (): Token | undefined => tokens[at];
  const next = (what: string): Token => {
    const token = tokens[at++];
    if (!token) fail(expression, end, `expected ${what} at the end`);
    return token;
  };
  const value = (): FilterValue => {
    const token = next('a value');
    if (token.type === 'number') return Number(token.text);
    if (token.type === 'string') return token.text;
    fail(
      expression,
      token.column,
      `expected a number or a quoted string, got "${token.text}"${token.type === 'word' ? ` (quote text values: '${token.text}')` : ''}`,
    );
  };
  while (at < tokens.length) {
    const first = next('a key');
    let kind: FilterKind;
    let key: string;
    if (first.type === 'quoted-key') {
      kind = 'attributes';
      key = first.text;
    } else if (first.type !== 'word')
      fail(expression, first.column, `expected a key such as metrics.accuracy, params.C, tags.team or status, got "${first.text}"`);
    else if (peek()?.text === '.' && peek()?.type === 'punct') {
      at++;
      const aliased = KIND_ALIASES[first.text.toLowerCase()];
      if (!aliased) fail(expression, first.column, `"${first.text}" is not metrics, params, tags or attributes`);
      kind = aliased;
      const name = next(`the name after ${first.text}.`);
      if (name.type !== 'word' && name.type !== 'quoted-key' && name.type !== 'number') fail(expression, name.column, `expected a name after "${first.text}."`);
      key = name.text;
      // Dotted names (tags.mlflow.note) continue until the operator.
      while (peek()?.text === '.' && peek()?.type === 'punct') {
        at++;
        key += `.${next('a name').text}`;
      }
    } else {
      kind = 'attributes';
      key = first.text;
    }
    if (kind === 'attributes') {
      key = ATTRIBUTE_ALIASES[key.toLowerCase()] ?? key.toLowerCase();
      if (!(RUN_ATTRIBUTES as readonly string[]).includes(key)) {
        fail(expression, first.column, `unknown key "${first.text}": use metrics.<name>, params.<name>, tags.<name> or one of ${RUN_ATTRIBUTES.join(', ')}`);
      }
    }
    const operator = next(`an operator after ${key}`);
    let comparator: Comparator;
    const word = operator.text.toUpperCase();
    if (operator.type === 'op') comparator = operator.text as Comparator;
    else if (operator.type === 'word' && (word === 'LIKE' || word === 'ILIKE' || word === 'IN')) comparator = word;
    else if (operator.type === 'word' && word === 'NOT' && peek()?.text.toUpperCase() === 'IN') {
      at++;
      comparator = 'NOT IN';
    } else fail(expression, operator.column, `expected an operator (= != < <= > >= LIKE ILIKE IN) after ${key}, got "${operator.text}"`);
    let clauseValue: FilterValue | FilterValue[];
    if (comparator === 'IN' || comparator === 'NOT IN') {
      const open = next('(');
      if (open.text !== '(') fail(expression, open.column, `expected ( after ${comparator}`);
      const list: FilterValue[] = [value()];
      while (peek()?.text === ',') {
        at++;
        list.push(value());
      }
      const close = next(')');
      if (close.text !== ')') fail(expression, close.column, `expected , or ) in the list, got "${close.text}"`);
      clauseValue = list;
    } else {
      clauseValue = value();
      if ((comparator === 'LIKE' || comparator === 'ILIKE') && typeof clauseValue !== 'string')
        fail(expression, operator.column, `${comparator} takes a quoted pattern such as '%cnn%'`);
    }
    if (kind === 'metrics' && typeof clauseValue === 'string') fail(expression, operator.column, `metrics.${key} is a number: compare it with a number`);
    clauses.push({ kind, key, comparator, value: clauseValue });
    const joiner = peek();
    if (!joiner) break;
    if (joiner.type === 'word' && joiner.text.toLowerCase() === 'and') {
      at++;
      if (!peek()) fail(expression, end, 'expected a comparison after "and"');
      continue;
    }
    if (joiner.type === 'word' && joiner.text.toLowerCase() === 'or')
      fail(expression, joiner.column, '"or" is not supported (as in MLflow): join comparisons with "and", or use IN (…)');
    fail(expression, joiner.column, `expected "and" between comparisons, got "${joiner.text}"`);
  }
  return clauses;
}

/** What a filter reads of a run: its record and its note and tags. */
export interface FilterableRun {
  readonly record: RunRecord;
  readonly annotations: RunAnnotations;
}

function lookup(run: FilterableRun, clause: FilterClause): FilterValue | undefined {
  const { record, annotations } = run;
  if (clause.kind === 'metrics') {
    const value = record.metrics?.[clause.key];
    return typeof value === 'number' ? value : undefined;
  }
  if (clause.kind === 'params') {
    const value = record.params?.[clause.key];
    if (value === undefined) return undefined;
    return typeof value === 'number' || typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (clause.kind === 'tags') return annotations.tags[clause.key];
  switch (clause.key) {
    case 'status':
      return record.status;
    case 'run_id':
      return record.id;
    case 'experiment':
      return record.experiment;
    case 'model':
      return record.modelType;
    case 'task':
      return record.task;
    case 'note':
      return annotations.note;
    case 'created':
      return record.startedAt ?? record.createdAt;
    default:
      return undefined;
  }
}

function likeRegExp(pattern: string, insensitive: boolean): RegExp {
  const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, insensitive ? 'is' : 's');
}

/** Numbers compare as numbers (a parameter written "0.5" too); anything else as text. */
function compare(actual: FilterValue, expected: FilterValue): number {
  const a = Number(actual);
  const b = Number(expected);
  if (actual !== '' && expected !== '' && Number.isFinite(a) && Number.isFinite(b)) return a - b;
  const left = String(actual);
  const right = String(expected);
  return left < right ? -1 : left > right ? 1 : 0;
}

function matchesClause(run: FilterableRun, clause: FilterClause): boolean {
  const actual = lookup(run, clause);
  if (actual === undefined) return false;
  const { comparator, value } = clause;
  if (comparator === 'IN' || comparator === 'NOT IN') {
    const found = (value as readonly FilterValue[]).some((candidate) => compare(actual, candidate) === 0);
    return comparator === 'IN' ? found : !found;
  }
  if (comparator === 'LIKE' || comparator === 'ILIKE') return likeRegExp(String(value), comparator === 'ILIKE').test(String(actual));
  const order = compare(actual, value as FilterValue);
  switch (comparator) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

/** Whether a run satisfies every comparison of the filter. */
export function matchesRunFilter(clauses: readonly FilterClause[], run: FilterableRun): boolean {
  return clauses.every((clause) => matchesClause(run, clause));
}
