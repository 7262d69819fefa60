/**
 * The commented YAML experiment file the New Experiment wizard writes, from its answers and what the
 * data's profile says about each column. No vscode import, so unit tests check every combination.
 */
import * as path from 'node:path';
import { looksLikeDates } from '../../core/data/dates';
import type { ColumnProfile } from '../../core/datasets/types';
import type { HoldoutValidation, KFoldValidation } from '../../core/experiment/experiment';
import { modelSpec } from '../../core/models/specs';
import { suggestedSearch } from '../../core/models/spec';
import { DEFAULT_SEED } from '../../core/random';
import type { Task } from '../../core/types';

export type ValidationSpec = HoldoutValidation | KFoldValidation;

/** A column as the wizard knows it from the profile; `kind` is what the preparation will treat it as. */
export interface TemplateColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical' | 'text';
  /** Missing cells, when the profile knows them. */
  readonly missing?: number;
  /** Every present value differs (short text, or integers counting rows, over enough rows): an id or a name, proposed for `drop`. */
  readonly idLike?: boolean;
  /** Dates or date-times (a DATE/TIMESTAMP column, or text that reads as dates), proposed for `datetime`. */
  readonly date?: boolean;
}

/** Fewest present values for "every value differs" to mark a column as an id; a short table repeats nothing by chance. */
const ID_MIN_ROWS = 20;

/** Whether a string column's sampled values are a few words at most (a code or a name, not free text such as reviews). */
function shortValues(column: ColumnProfile): boolean {
  const sample = column.topValues ?? [];
  if (sample.length === 0) return false;
  const words = sample.reduce((sum, v) => sum + v.value.split(/\s+/u).filter((w) => w !== '').length, 0);
  return words / sample.length <= ID_MAX_WORDS;
}

/** Whether integers span at most twice as many values as there are rows: a row number, not a measurement whose values all differ. */
function countsUp(column: ColumnProfile): boolean {
  return column.numeric !== undefined && column.numeric.max - column.numeric.min + 1 <= 2 * column.count;
}

/** Most words on average of a string id or name; longer values are free text. */
const ID_MAX_WORDS = 3;

/** A column as the template sees it, from the data's profile (the wizard's, or a test's). */
export function templateColumn(column: ColumnProfile): TemplateColumn {
  const kind = column.type === 'integer' || column.type === 'float' ? 'numeric' : column.type === 'text' ? 'text' : 'categorical';
  const date =
    column.type === 'date' ||
    column.type === 'datetime' ||
    ((column.type === 'categorical' || column.type === 'text') && looksLikeDates((column.topValues ?? []).map((v) => v.value)));
  const idLike =
    !date &&
    ((column.type === 'integer' && countsUp(column)) || ((column.type === 'categorical' || column.type === 'text') && shortValues(column))) &&
    column.count >= ID_MIN_ROWS &&
    column.distinctEstimated !== true &&
    column.distinct === column.count;
  // Date cells that do not parse become missing numbers, which the impute step fills.
  const missing = date ? column.missing + column.invalidCount : column.missing;
  return { name: column.name, kind, missing, ...(idLike ? { idLike } : {}), ...(date ? { date } : {}) };
}

export interface TemplateInput {
  readonly name: string;
  /** The data file relative to the experiment file, with forward slashes. */
  readonly dataPath: string;
  readonly target: string;
  readonly task: Task;
  /** Why the task was chosen, for a comment (e.g. the inference rule). */
  readonly taskReason?: string;
  /** One-line summary of the target (class balance or range), for a comment. */
  readonly targetSummary?: string;
  readonly model: string;
  readonly validation: ValidationSpec;
  /** Every column of the data, the target included. */
  readonly columns: readonly TemplateColumn[];
  readonly seed?: number;
  /**
   * A pretrained encoder folder (relative to the experiment file, forward slashes, or absolute) for the
   * first text column: an `embed` step (mean pooling, unit length) instead of TF-IDF.
   */
  readonly encoder?: string;
}

/** The validation choices the wizard offers, by id. */
export function validationChoices(task: Task): { id: string; label: string; detail: string; spec: ValidationSpec }[] {
  const stratify = task === 'classification' ? { stratify: true } : {};
  const strat = task === 'classification' ? ' stratified' : '';
  return [
    {
      id: 'kfold5',
      label: `5-fold${strat} cross-validation`,
      detail: 'Every row is tested once; metrics on out-of-fold predictions, with mean ± std over folds.',
      spec: { method: 'kfold', folds: 5, ...stratify },
    },
    {
      id: 'holdout20',
      label: `Hold-out 20%${strat}`,
      detail: 'One train/test split; fastest, noisier on small data.',
      spec: { method: 'holdout', test_size: 0.2, ...stratify },
    },
    {
      id: 'kfold10',
      label: `10-fold${strat} cross-validation`,
      detail: 'More training rows per fold; ten fits.',
      spec: { method: 'kfold', folds: 10, ...stratify },
    },
    {
      id: 'holdout30',
      label: `Hold-out 30%${strat}`,
      detail: 'A larger test set for a steadier estimate.',
      spec: { method: 'holdout', test_size: 0.3, ...stratify },
    },
  ];
}

const YAML_WORDS = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

/** A scalar as YAML: plain when it reads back as the same string, else JSON-quoted (valid YAML). */
function scalar(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  const plain = /^[A-Za-z_][\w./\- ]*$/.test(text) && !text.endsWith(' ') && !YAML_WORDS.test(text) && !/\s[#:]|:\s/.test(text);
  return plain ? text : JSON.stringify(text);
}

/** A value in YAML flow style: `{ C: 1, penalty: l2 }`, `[1, 2]`. */
export function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${scalar(k)}: ${flow(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return scalar(value);
}

/** Aligns trailing comments of a block of lines. */
function withComments(rows: readonly (readonly [string, string?])[]): string[] {
  // Long lines (a params object) keep their comment close instead of pushing every comment right.
  const width = Math.max(...rows.filter(([code, c]) => c && code.length <= 40).map(([code]) => code.length), 0) + 2;
  return rows.map(([code, comment]) => (comment ? `${code}${' '.repeat(Math.max(2, width - code.length))}# ${comment}` : code));
}

/** The preparation steps for the data's columns and the model, each with a comment saying why. */
export function prepareSteps(input: TemplateInput): [Record<string, unknown>, string][] {
  const features = input.columns.filter((c) => c.name !== input.target);
  const steps: [Record<string, unknown>, string][] = [];
  const target = input.columns.find((c) => c.name === input.target);
  if (target?.missing !== undefined && target.missing > 0) {
    steps.push([{ dropMissing: { columns: [input.target] } }, `leave out the ${target.missing} row(s) whose target is missing`]);
  }
  const ids = features.filter((c) => c.idLike && !c.date);
  const dates = features.filter((c) => c.date);
  const encoded = features.filter((c) => !c.idLike && !c.date);
  const text = encoded.filter((c) => c.kind === 'text');
  if (input.model === 'transformer') {
    const column = text[0]?.name ?? features.find((c) => c.kind === 'text')?.name ?? features[0]?.name ?? 'text';
    return [...steps, [{ text: { column } }, 'the transformer reads this raw text column; other columns are not used']];
  }
  const numeric = encoded.filter((c) => c.kind === 'numeric');
  const categorical = encoded.filter((c) => c.kind === 'categorical');
  const unknownMissing = (c: TemplateColumn): boolean => c.missing === undefined || c.missing > 0;
  if (ids.length > 0) {
    steps.push([{ drop: { columns: ids.map((c) => c.name) } }, 'every value differs: an id or a name says nothing about new rows']);
  }
  if (dates.length > 0) {
    steps.push([{ datetime: { columns: dates.map((c) => c.name) } }, 'year, month, day, dayofweek as numbers (features: also dayofyear, hour, minute)']);
  }
  // A model that learns where missing values go (gradient_boosting) is better off without them filled.
  if ((numeric.some(unknownMissing) || dates.some(unknownMissing)) && modelSpec(input.model).acceptsMissing !== true)
    steps.push([{ impute: { strategy: 'median' } }, 'fill missing numbers with the training median']);
  const missingCategories = categorical.filter((c) => c.missing !== undefined && c.missing > 0);
  if (missingCategories.length > 0) {
    steps.push([
      { impute: { strategy: 'most_frequent', columns: missingCategories.map((c) => c.name) } },
      'fill missing categories with the most frequent one',
    ]);
  }
  if (categorical.length > 0)
    steps.push([{ onehot: { handle_unknown: 'ignore' } }, `one 0/1 column per category of ${categorical.map((c) => c.name).join(', ')}`]);
  const [firstText] = text;
  if (firstText) {
    const others = text.slice(1).map((c) => c.name);
    const note = others.length > 0 ? `; ${others.join(', ')} also hold text: add a step for each if they matter` : '';
    if (input.encoder !== undefined) {
      steps.push([
        { embed: { column: firstText.name, model: input.encoder, pooling: 'mean', normalize: true } },
        `a pretrained encoder's sentence vectors (mean of the token vectors, unit length; pooling: cls for BERT classification-style models)${note}`,
      ]);
    } else {
      steps.push([{ text: { column: firstText.name, method: 'tfidf', ngram_range: [1, 2], max_features: 20000 } }, `TF-IDF of words and word pairs${note}`]);
    }
  }
  if (modelSpec(input.model).needsScaling && numeric.length + dates.length > 0)
    steps.push([{ scale: { method: 'standard' } }, `${input.model} needs features on one scale`]);
  return steps;
}

/** The files a pretrained encoder folder must hold for the `embed` step (the Hugging Face layout). */
export const ENCODER_FILES = ['config.json', 'tokenizer.json', 'onnx/model.onnx'] as const;

/** Why a folder cannot serve as an `embed` encoder (the files it lacks), or undefined when it can; `has` tells whether a relative file exists. */
export function encoderFolderProblem(folder: string, has: (relative: string) => boolean): string | undefined {
  const missing = ENCODER_FILES.filter((file) => !has(file));
  if (missing.length === 0) return undefined;
  return `${folder} is not a pretrained encoder folder: it has no ${missing.join(', ')} (an encoder folder holds ${ENCODER_FILES.join(', ')}; see docs/embeddings.md for how to make one)`;
}

/** The `model` of an embed step: the folder relative to the experiment file's folder with forward slashes (absolute when on another drive). */
export function encoderPath(folder: string, experimentDir: string): string {
  const relative = path.relative(experimentDir, folder);
  if (relative === '') return '.';
  return path.isAbsolute(relative) ? folder : relative.split(path.sep).join('/');
}

/** `impute: { strategy: median }`: a step as one key with its options in flow style. */
function stepLine(step: Record<string, unknown>): string {
  return Object.entries(step)
    .map(([name, options]) => `${name}: ${flow(options)}`)
    .join(', ');
}

function validationComment(spec: ValidationSpec): string {
  if (spec.method === 'kfold') return `${spec.folds ?? 5}-fold${spec.stratify ? ' stratified' : ''} cross-validation; or { method: holdout, test_size: 0.2 }`;
  return `hold out ${Math.round((spec.test_size ?? 0.2) * 100)}% of the rows for testing; or { method: kfold, folds: 5 }`;
}

/** The experiment file's text. */
export function experimentYaml(input: TemplateInput): string {
  const spec = modelSpec(input.model);
  const params = spec.starter;
  const space = suggestedSearch(spec);
  const metric = input.task === 'classification' ? 'f1_macro' : 'r2';
  const steps = prepareSteps(input);
  const header = [
    `# ${input.name}: predict "${input.target}" (${input.task}) from ${input.dataPath}.`,
    '# Written by "ML Workbench: New Experiment…". Train it with "ML Workbench: Train Experiment" (or the',
    '# Train link above); Ctrl+Space completes every key, hovering one shows its meaning, and problems',
    '# show on their line in the Problems view.',
  ];
  const body = withComments([
    [`name: ${scalar(input.name)}`],
    ['data:'],
    [`  path: ${scalar(input.dataPath)}`, 'relative to this file'],
    [`  target: ${scalar(input.target)}`, input.targetSummary],
    [`task: ${input.task}`, input.taskReason ? `inferred: ${input.taskReason}` : 'classification or regression'],
    ...(steps.length > 0
      ? [['prepare:', 'fitted on the training rows only, in this order'] as const, ...steps.map(([step, why]) => [`  - ${stepLine(step)}`, why] as const)]
      : [['prepare: []', 'add steps such as - impute: { strategy: median }'] as const]),
    ['model:'],
    [`  type: ${input.model}`, spec.doc],
    ...(Object.keys(params).length > 0 ? [[`  params: ${flow(params)}`, "scikit-learn's names; hover a key for its meaning"] as const] : []),
    [`validation: ${flow(input.validation)}`, validationComment(input.validation)],
  ]);
  const search =
    Object.keys(space).length > 0
      ? [`# To tune, uncomment: each combination is a trial; the best by ${metric} is kept.`, `# search: ${flow({ method: 'grid', metric, params: space })}`]
      : [];
  return [...header, ...body, ...search, `seed: ${input.seed ?? DEFAULT_SEED}`, ''].join('\n');
}

/** `setosa 33% · versicolor 33% · …`: the share of each of the most frequent classes. */
export function classBalance(counts: readonly { value: string; count: number }[], present: number, distinct: number, most = 6): string {
  if (present <= 0) return '';
  const shown = counts.slice(0, most).map((c) => `${c.value} ${Math.round((100 * c.count) / present)}%`);
  const more = Math.max(distinct, counts.length) - shown.length;
  return [...shown, ...(more > 0 ? [`… ${more} more`] : [])].join(' · ');
}
