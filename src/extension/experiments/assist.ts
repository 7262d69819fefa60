/**
 * What completion, hover and quick fixes offer in an experiment file, as plain data: derived from the
 * experiment's JSON Schema (itself built from the model specs and the step option schemas) and the
 * columns of the data file. No vscode import, so it is unit-tested; completion.ts, hover.ts and
 * quickFix.ts turn it into the editor's objects.
 */
import { parseDocument } from 'yaml';
import { isRecord } from '../../core/json';
import { closestNames } from '../../core/experiment/closest';
import { formatPath, locateAt, locateForCompletion, scalarsOf, type YamlLocation, type YamlPath } from '../../core/experiment/yamlPath';
import { modelTypes } from '../../core/models/specs';
import { LIST_STEPS, MAP_OPTIONS } from './columns';
import type { JsonSchema } from './modelParams';
import { buildExperimentSchema } from './schema';

export type SuggestionKind = 'key' | 'modelType' | 'param' | 'step' | 'option' | 'value' | 'column' | 'file';

export interface Suggestion {
  readonly label: string;
  readonly kind: SuggestionKind;
  /** One line beside the label: the default and range of a parameter, the tasks of a model type. */
  readonly detail?: string;
  /** Markdown shown beside the list. */
  readonly documentation?: string;
  /** Snippet syntax ($0 is where the cursor goes); absent: the label. */
  readonly snippet?: string;
  /** Sorted first (the default value). */
  readonly preselect?: boolean;
}

export interface Completions {
  readonly location: YamlLocation;
  readonly items: readonly Suggestion[];
}

let cachedSchema: JsonSchema | undefined;
function rootSchema(): JsonSchema {
  cachedSchema ??= buildExperimentSchema();
  return cachedSchema;
}

const asSchema = (value: unknown): JsonSchema | undefined => (isRecord(value) ? value : undefined);

function resolveRef(schema: JsonSchema | undefined): JsonSchema | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) return schema;
  const definitions = asSchema(rootSchema().definitions) ?? {};
  let node: unknown = definitions;
  for (const part of ref.slice('#/definitions/'.length).split('/')) node = isRecord(node) ? node[part] : undefined;
  return asSchema(node);
}

/** The model type the document names, if any. */
function modelTypeOf(document: unknown): string | undefined {
  const model = isRecord(document) ? document.model : undefined;
  return isRecord(model) && typeof model.type === 'string' ? model.type : undefined;
}

function paramsSchema(document: unknown): JsonSchema | undefined {
  const type = modelTypeOf(document);
  return type ? resolveRef({ $ref: `#/definitions/params.${type}` }) : undefined;
}

/** The sub-schema at a key path; `model.params` and `search.params` follow the document's model type. */
export function schemaAt(path: YamlPath, document: unknown): JsonSchema | undefined {
  let node: JsonSchema | undefined = rootSchema();
  for (const [index, part] of path.entries()) {
    node = resolveRef(node);
    if (!node) return undefined;
    const head = path.slice(0, index);
    if (head.length === 1 && head[0] === 'model' && part === 'params' && index < path.length - 1) {
      node = paramsSchema(document);
      continue;
    }
    if (head.length === 2 && head[0] === 'search' && head[1] === 'params' && typeof part === 'string') {
      node = asSchema(asSchema(paramsSchema(document)?.properties)?.[part]);
      continue;
    }
    if (typeof part === 'number') {
      node = asSchema(node.items);
      continue;
    }
    const properties = asSchema(node.properties);
    node = asSchema(properties?.[part]) ?? asSchema(node.additionalProperties);
  }
  return resolveRef(node);
}

/** The schema of the map at `path`, whose properties are the keys it may hold (the model type's parameters under params). */
function mapSchemaAt(path: YamlPath, document: unknown): JsonSchema | undefined {
  const at = formatPath(path);
  return at === 'model.params' || at === 'search.params' ? paramsSchema(document) : schemaAt(path, document);
}

/** The schema of the items of the list at `path` (a search's candidate values are the parameter's own values). */
function itemSchemaAt(path: YamlPath, document: unknown): JsonSchema | undefined {
  const schema = schemaAt(path, document);
  if (path.length === 3 && path[0] === 'search' && path[1] === 'params') return schema;
  return resolveRef(asSchema(schema?.items));
}

/** Keys a map at `path` may hold, with their schemas. */
function keysAt(path: YamlPath, document: unknown): Record<string, JsonSchema> {
  return propertiesOf(mapSchemaAt(path, document));
}

function propertiesOf(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  // An object among anyOf choices (`importance: false | { n_repeats }`) lends its keys.
  const choice = Array.isArray(schema?.anyOf) ? schema.anyOf.map(asSchema).find((s) => asSchema(s?.properties)) : undefined;
  const properties = asSchema(schema?.properties) ?? asSchema(choice?.properties) ?? {};
  return Object.fromEntries(Object.entries(properties).flatMap(([name, value]) => (isRecord(value) ? [[name, value]] : [])));
}

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** `> 0`, `[0, 1]`, `≥ 1`: a number's range in the schema's words. */
export function rangeText(schema: JsonSchema): string | undefined {
  const low = typeof schema.minimum === 'number' ? `≥ ${schema.minimum}` : typeof schema.exclusiveMinimum === 'number' ? `> ${schema.exclusiveMinimum}` : '';
  const high = typeof schema.maximum === 'number' ? `≤ ${schema.maximum}` : typeof schema.exclusiveMaximum === 'number' ? `< ${schema.exclusiveMaximum}` : '';
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') return `[${schema.minimum}, ${schema.maximum}]`;
  if (low && high) return `${low} and ${high}`;
  return low || high || undefined;
}

function typeText(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.map(show).join(' | ');
  const type = schema.type;
  if (Array.isArray(type)) return type.join(' or ');
  if (typeof type === 'string') return type;
  if (Array.isArray(schema.anyOf))
    return (
      schema.anyOf
        .map((s) => (isRecord(s) ? typeText(s) : undefined))
        .filter(Boolean)
        .join(' or ') || undefined
    );
  return undefined;
}

/** One line: default, range, type. */
export function detailOf(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.default !== undefined) parts.push(`default ${show(schema.default)}`);
  const range = rangeText(schema) ?? (Array.isArray(schema.items) ? undefined : isRecord(schema.items) ? rangeText(schema.items) : undefined);
  if (range) parts.push(range);
  const type = typeText(schema);
  if (type && !Array.isArray(schema.enum)) parts.push(type);
  else if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map(show).join(', ')}`);
  return parts.join(' · ');
}

/** Markdown of a key: its description, default, range, allowed values and examples. */
function keyDoc(name: string, schema: JsonSchema, withDetail = true): string {
  const lines = [`**${name}**`, '', typeof schema.description === 'string' ? schema.description : ''];
  const detail = withDetail ? detailOf(schema) : '';
  if (detail) lines.push('', detail);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) lines.push('', `e.g. \`${schema.examples.map(show).join('`, `')}\``);
  return lines.join('\n').trim();
}

function modelTypeDoc(type: string): string | undefined {
  const info = modelTypes().find((t) => t.type === type);
  if (!info) return undefined;
  const params = Object.entries(info.spec.params).map(
    ([name, param]) => `- \`${name}\`${param.default !== undefined ? ` = ${show(param.default)}` : ''}: ${param.doc}`,
  );
  return [`**${type}** (${info.tasks.join(', ')})`, '', info.spec.doc, ...(params.length > 0 ? ['', 'Parameters:', ...params] : [])].join('\n');
}

/** True where the text at `location` names a column of the data (the places columns.ts checks). */
export function expectsColumn(location: Pick<YamlLocation, 'role' | 'path'>): boolean {
  const { role, path } = location;
  const key = formatPath(path);
  if (role === 'value' && (key === 'data.target' || /^prepare\[\d+\]\.text\.column$/.test(key))) return true;
  if (path[0] !== 'prepare' || typeof path[1] !== 'number' || typeof path[2] !== 'string') return false;
  const step = path[2];
  if (role === 'item' && path.length === 4 && path[3] === 'columns' && LIST_STEPS.includes(step)) return true;
  return role === 'key' && path.length === 4 && MAP_OPTIONS[step] === path[3];
}

function parse(text: string): unknown {
  try {
    return parseDocument(text, { prettyErrors: false }).toJS() as unknown;
  } catch {
    return undefined;
  }
}

/** The data file the experiment names (as written, relative to the experiment file). */
export function dataPathOf(text: string): string | undefined {
  const document = parse(text);
  const data = isRecord(document) ? document.data : undefined;
  return isRecord(data) && typeof data.path === 'string' && data.path !== '' ? data.path : undefined;
}

/** Keys already written in the map at `path`, which completion leaves out. */
function presentKeys(document: unknown, path: YamlPath): Set<string> {
  let node: unknown = document;
  for (const part of path) node = Array.isArray(node) ? node[part as number] : isRecord(node) ? node[part] : undefined;
  return new Set(isRecord(node) ? Object.keys(node) : []);
}

function keySuggestions(location: YamlLocation, document: unknown): Suggestion[] {
  const { path } = location;
  const present = presentKeys(document, path);
  present.delete(location.text);
  const isStepList = path.length === 2 && path[0] === 'prepare' && typeof path[1] === 'number';
  const isParams = formatPath(path) === 'model.params' || formatPath(path) === 'search.params';
  const isStepOptions = path.length === 3 && path[0] === 'prepare';
  return Object.entries(keysAt(path, document))
    .filter(([name]) => !present.has(name))
    .map(([name, schema]) => {
      const kind: SuggestionKind = isStepList ? 'step' : isParams ? 'param' : isStepOptions ? 'option' : 'key';
      const object = schema.type === 'object' || (Array.isArray(schema.type) && schema.type[0] === 'object' && !isStepList);
      const snippet = isStepList ? `${name}: { $0 }` : object ? `${name}:\n\t$0` : schema.type === 'array' && !isParams ? `${name}: [$0]` : `${name}: $0`;
      const description = typeof schema.description === 'string' ? schema.description : undefined;
      // Completion shows the detail above the documentation: the documentation does not repeat it.
      const detail = isStepList ? description : detailOf(schema) || description;
      return { label: name, kind, detail, documentation: keyDoc(name, schema, false), snippet };
    });
}

function valueSuggestions(location: YamlLocation, document: unknown): Suggestion[] {
  if (formatPath(location.path) === 'model.type') {
    return modelTypes().map((info) => ({ label: info.type, kind: 'modelType', detail: info.tasks.join(', '), documentation: modelTypeDoc(info.type) }));
  }
  const schema = location.role === 'item' ? itemSchemaAt(location.path, document) : schemaAt(location.path, document);
  if (!schema) return [];
  const candidates = new Map<string, Suggestion>();
  const descriptions = Array.isArray(schema.enumDescriptions) ? schema.enumDescriptions : [];
  const enums = Array.isArray(schema.enum) ? schema.enum : [];
  enums.forEach((value, i) => {
    const description = descriptions[i];
    candidates.set(show(value), {
      label: show(value),
      kind: 'value',
      detail: value === schema.default ? 'default' : typeof description === 'string' ? description : undefined,
      documentation: typeof description === 'string' ? description : undefined,
      preselect: value === schema.default,
    });
  });
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (enums.length === 0 && types.includes('boolean'))
    for (const value of [true, false]) candidates.set(String(value), { label: String(value), kind: 'value', preselect: value === schema.default });
  if (schema.default !== undefined && !candidates.has(show(schema.default)) && typeof schema.default !== 'object') {
    candidates.set(show(schema.default), { label: show(schema.default), kind: 'value', detail: 'default', preselect: true });
  }
  // Examples of free text (a name, a path) are no choices; numbers are (max_features: 20000).
  for (const example of Array.isArray(schema.examples) ? schema.examples : []) {
    if (typeof example === 'number' && !candidates.has(show(example)))
      candidates.set(show(example), { label: show(example), kind: 'value', detail: 'example' });
  }
  return [...candidates.values()];
}

/** True where the text at `location` is the data file's path. */
export function expectsDataFile(location: Pick<YamlLocation, 'role' | 'path'>): boolean {
  return location.role === 'value' && formatPath(location.path) === 'data.path';
}

/** What completion needs beyond the text: the data's columns, and the workspace's data files relative to the experiment. */
export interface CompletionContext {
  readonly columns?: readonly string[];
  readonly dataFiles?: readonly string[];
}

/** What to offer at `offset`: keys, model types, parameters, step names, options, values, the data's columns or the data files. */
export function completionsAt(text: string, offset: number, context: CompletionContext = {}): Completions | undefined {
  const location = locateForCompletion(text, offset);
  if (!location) return undefined;
  const document = parse(text);
  if (expectsColumn(location)) {
    const items: Suggestion[] = (context.columns ?? []).map((column) => ({ label: column, kind: 'column', detail: 'column of the data file' }));
    return { location, items };
  }
  if (expectsDataFile(location)) {
    const items: Suggestion[] = (context.dataFiles ?? []).map((file) => ({ label: file, kind: 'file', detail: 'data file, relative to this experiment' }));
    return { location, items };
  }
  const items = location.role === 'key' ? keySuggestions(location, document) : valueSuggestions(location, document);
  return { location, items };
}

export interface HoverInfo {
  readonly markdown: string;
  readonly start: number;
  readonly end: number;
}

/** The doc of the key, model type or value under `offset`. */
export function hoverAt(text: string, offset: number): HoverInfo | undefined {
  const location = locateAt(text, offset);
  if (!location) return undefined;
  const document = parse(text);
  const range = { start: location.start, end: location.end };
  if (location.role === 'key') {
    const path = [...location.path, location.text];
    const schema = schemaAt(path, document);
    if (!schema || (schema.description === undefined && schema.default === undefined)) return undefined;
    return { markdown: keyDoc(location.text, schema), ...range };
  }
  if (formatPath(location.path) === 'model.type') {
    const markdown = modelTypeDoc(location.text);
    return markdown ? { markdown, ...range } : undefined;
  }
  const schema = location.role === 'item' ? itemSchemaAt(location.path, document) : schemaAt(location.path, document);
  const enums = Array.isArray(schema?.enum) ? schema.enum : [];
  const descriptions = Array.isArray(schema?.enumDescriptions) ? schema.enumDescriptions : [];
  const description = descriptions[enums.findIndex((value) => show(value) === location.text)];
  return typeof description === 'string' ? { markdown: `**${location.text}**: ${description}`, ...range } : undefined;
}

export interface QuickFix {
  /** `Change to "logistic_regression"`. */
  readonly title: string;
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
  /** The key path of the problem (as the diagnostics write it). */
  readonly path: string;
  /** The closest candidate of its problem. */
  readonly preferred: boolean;
}

function fixesFor(path: string, start: number, end: number, name: string, known: readonly string[]): QuickFix[] {
  if (known.includes(name)) return [];
  return closestNames(name, known).map((candidate, i) => ({
    title: `Change to "${candidate}"`,
    start,
    end,
    replacement: candidate,
    path,
    preferred: i === 0,
  }));
}

/**
 * "Did you mean" replacements for the names of the text that are not known: a model type, a
 * parameter, a step, a step option, a key, an allowed value, and (given the data's `columns`) a column.
 */
export function quickFixes(text: string, columns?: readonly string[]): QuickFix[] {
  const document = parse(text);
  const fixes: QuickFix[] = [];
  for (const { role, path, scalar } of scalarsOf(text)) {
    if (typeof scalar.value !== 'string') continue;
    const name = scalar.value;
    const where = role === 'key' ? formatPath([...path, name]) : formatPath(path);
    if (columns && expectsColumn({ role, path })) {
      fixes.push(...fixesFor(where, scalar.start, scalar.end, name, columns));
      continue;
    }
    if (role === 'key') {
      const schema = mapSchemaAt(path, document);
      if (!schema || schema.additionalProperties !== false) continue;
      fixes.push(...fixesFor(where, scalar.start, scalar.end, name, Object.keys(propertiesOf(schema))));
      continue;
    }
    const schema = role === 'item' ? itemSchemaAt(path, document) : schemaAt(path, document);
    const enums = Array.isArray(schema?.enum) ? schema.enum.filter((v): v is string => typeof v === 'string') : [];
    if (enums.length > 0) fixes.push(...fixesFor(where, scalar.start, scalar.end, name, enums));
  }
  return fixes;
}
