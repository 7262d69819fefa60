/** The experiment file's shape (DESIGN.md) and its validation into problems with key paths. */
import { METRIC_NAMES, metricInfo } from '../metrics';
import { checkModelParams } from '../models/check';
import { MODEL_TYPES, modelTypes } from '../models/specs';
import { rangeOf, spaceProblems, type ParamSpace } from '../search';
import { nJobsProblem } from '../parallel/jobs';
import { DEFAULT_SEED } from '../random';
import { errorMessage, MlError, type Task } from '../types';
import { isRecord } from '../json';
import { closestNames } from './closest';

/** Most preparation steps an experiment takes; real pipelines have a handful. */
export const MAX_PREPARE_STEPS = 200;
/** Longest experiment name: it is shown in every list of runs. */
export const MAX_NAME_LENGTH = 200;

export const PREPARE_STEPS = [
  'dropDuplicates',
  'dropMissing',
  'drop',
  'datetime',
  'impute',
  'coerce',
  'clip',
  'scale',
  'onehot',
  'ordinal',
  'text',
  'select',
  'embed',
] as const;

export interface HoldoutValidation {
  readonly method: 'holdout';
  /** Fraction in (0, 1) or a row count; default 0.2. */
  readonly test_size?: number;
  /** Default true for classification. */
  readonly stratify?: boolean;
  /** Worker threads, as scikit-learn's n_jobs (a hold-out's one split always runs inline). */
  readonly n_jobs?: number | null;
}

export interface KFoldValidation {
  readonly method: 'kfold';
  /** Default 5. */
  readonly folds?: number;
  readonly stratify?: boolean;
  /** Shuffle (seeded) before cutting folds; default true. */
  readonly shuffle?: boolean;
  /** Folds fitted at the same time on worker threads, as scikit-learn's n_jobs; default: the cores less one. */
  readonly n_jobs?: number | null;
}

export interface SearchSpec {
  readonly method: 'grid' | 'random' | 'halving';
  /** Default: accuracy (classification) or r2 (regression). */
  readonly metric?: string;
  readonly params: ParamSpace;
  readonly n_iter?: number;
  readonly factor?: number;
  /** Folds of the inner cross-validation when validation is a hold-out; default 3. */
  readonly folds?: number;
}

/** Permutation importance of the run (`importance:`); `false` turns it off. */
export interface ImportanceSpec {
  /** Shuffles per column; default 5 (scikit-learn's). */
  readonly n_repeats?: number;
  /** Worker threads, as scikit-learn's n_jobs; default: the cores less one. */
  readonly n_jobs?: number | null;
}

export interface Experiment {
  readonly name?: string;
  /** `sample`: train on a seeded sample of this many rows, drawn by DuckDB while reading (for tables too big to train whole). */
  readonly data: { readonly path: string; readonly target: string; readonly sample?: number };
  readonly task?: Task;
  readonly prepare?: readonly Readonly<Record<string, unknown>>[];
  readonly model: { readonly type: string; readonly params?: Readonly<Record<string, unknown>> };
  readonly validation?: HoldoutValidation | KFoldValidation;
  readonly search?: SearchSpec;
  readonly seed?: number;
  /** Permutation importance on held-out rows; on (5 repeats) unless `false`. */
  readonly importance?: false | ImportanceSpec;
}

type Json = Record<string, unknown>;

function unknownKeys(obj: Json, allowed: readonly string[], path: string, problems: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push(`${path ? `${path}.` : ''}${key}: unknown key; expected one of: ${allowed.join(', ')}`);
  }
}

function integerAtLeast(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** Problems of an experiment object, each starting with its key path (`model.params.C: …`); empty when valid. */
export function validateExperiment(obj: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(obj)) return ['(root): an experiment must be an object with data, model and the other keys of DESIGN.md'];
  unknownKeys(obj, ['name', 'data', 'task', 'prepare', 'model', 'validation', 'search', 'seed', 'importance'], '', problems);
  if (obj.name !== undefined && typeof obj.name !== 'string') problems.push('name: must be a string');
  else if (typeof obj.name === 'string' && obj.name.length > MAX_NAME_LENGTH) {
    problems.push(`name: ${obj.name.length.toLocaleString('en')} characters; a name is at most ${MAX_NAME_LENGTH} (it is shown in every list of runs)`);
  }

  if (!isRecord(obj.data)) problems.push('data: required, an object with path and target');
  else {
    unknownKeys(obj.data, ['path', 'target', 'sample'], 'data', problems);
    if (obj.data.sample !== undefined && !integerAtLeast(obj.data.sample, 1))
      problems.push(`data.sample: must be a whole number of rows >= 1, got ${JSON.stringify(obj.data.sample)}`);
    if (typeof obj.data.path !== 'string' || obj.data.path === '') problems.push('data.path: required, the data file relative to the experiment file');
    if (typeof obj.data.target !== 'string' || obj.data.target === '') problems.push('data.target: required, the name of the column to predict');
  }

  let task: Task | undefined;
  if (obj.task !== undefined) {
    if (obj.task === 'classification' || obj.task === 'regression') task = obj.task;
    else problems.push(`task: must be classification or regression, got ${JSON.stringify(obj.task)}`);
  }

  if (obj.prepare !== undefined) {
    if (!Array.isArray(obj.prepare)) problems.push('prepare: must be a list of steps such as - impute: { strategy: median }');
    else if (obj.prepare.length > MAX_PREPARE_STEPS)
      problems.push(`prepare: ${obj.prepare.length.toLocaleString('en')} steps; an experiment takes at most ${MAX_PREPARE_STEPS}`);
    else obj.prepare.forEach((step, i) => prepareStepProblems(step, `prepare[${i}]`, problems));
  }

  const modelParams = modelProblems(obj.model, task, problems);
  if (obj.validation !== undefined) validationProblems(obj.validation, problems);
  if (obj.search !== undefined) searchProblems(obj.search, task, modelParams, problems);
  if (obj.seed !== undefined && !integerAtLeast(obj.seed, 0)) problems.push(`seed: must be a whole number >= 0, got ${JSON.stringify(obj.seed)}`);
  if (obj.importance !== undefined) importanceProblems(obj.importance, problems);
  return problems;
}

function importanceProblems(importance: unknown, problems: string[]): void {
  if (importance === false) return;
  if (!isRecord(importance)) {
    problems.push('importance: must be false (off) or { n_repeats: 5, n_jobs: null }');
    return;
  }
  unknownKeys(importance, ['n_repeats', 'n_jobs'], 'importance', problems);
  if (importance.n_repeats !== undefined && !integerAtLeast(importance.n_repeats, 1))
    problems.push(`importance.n_repeats: must be a whole number >= 1, got ${JSON.stringify(importance.n_repeats)}`);
  const jobs = nJobsProblem(importance.n_jobs);
  if (jobs) problems.push(`importance.n_jobs: ${jobs}`);
}

function prepareStepProblems(step: unknown, path: string, problems: string[]): void {
  const keys = isRecord(step) ? Object.keys(step) : [];
  if (!isRecord(step) || keys.length !== 1) {
    problems.push(`${path}: a step is an object with one key, the step name (${PREPARE_STEPS.join(', ')})`);
    return;
  }
  const name = keys[0] as string;
  if (!(PREPARE_STEPS as readonly string[]).includes(name)) {
    problems.push(`${path}.${name}: unknown step${didYouMean(name, PREPARE_STEPS)}; known steps: ${PREPARE_STEPS.join(', ')}`);
  } else if (step[name] !== null && step[name] !== undefined && !isRecord(step[name])) {
    problems.push(`${path}.${name}: the step's settings must be an object, e.g. ${name}: {}`);
  }
}

/** ` (did you mean "x"?)` when a known name is close to a misspelt one, else nothing. */
function didYouMean(name: string, known: readonly string[]): string {
  const [closest] = closestNames(name, known, 1);
  return closest === undefined ? '' : ` (did you mean "${closest}"?)`;
}

/** Checks model; returns the parameter names its type accepts (for search), or undefined. */
function modelProblems(model: unknown, task: Task | undefined, problems: string[]): readonly string[] | undefined {
  if (!isRecord(model)) {
    problems.push(`model: required, an object with type (${MODEL_TYPES.join(', ')}) and params`);
    return undefined;
  }
  unknownKeys(model, ['type', 'params'], 'model', problems);
  const info = modelTypes().find((m) => m.type === model.type);
  if (!info) {
    const hint = typeof model.type === 'string' ? didYouMean(model.type, MODEL_TYPES) : '';
    problems.push(`model.type: ${JSON.stringify(model.type)} is not a model type${hint}; known types: ${MODEL_TYPES.join(', ')}`);
    return undefined;
  }
  if (task && !info.tasks.includes(task)) problems.push(`model.type: ${info.type} does ${info.tasks.join(' and ')}, not ${task}`);
  if (model.params === undefined || model.params === null) return info.params;
  if (!isRecord(model.params)) {
    problems.push('model.params: must be an object of parameter: value');
    return info.params;
  }
  const unknown = Object.keys(model.params).filter((name) => !info.params.includes(name));
  for (const name of unknown) problems.push(`model.params.${name}: unknown parameter of ${info.type}; known: ${info.params.join(', ')}`);
  if (unknown.length === 0 && info.available) {
    // The model's own constructor is the authority on values; its message is moved under the parameter's path.
    try {
      checkModelParams(info.type, model.params, task ?? (info.tasks[0] as Task));
    } catch (error) {
      if (!(error instanceof MlError)) throw error;
      problems.push(paramProblem(error.message, info.type, info.params));
    }
  }
  return info.params;
}

function paramProblem(message: string, type: string, params: readonly string[]): string {
  const text = message.replace(new RegExp(`^${type}: `), '');
  const name = params.find((p) => new RegExp(`(^|[^\\w])'?${p}'?([^\\w]|$)`).test(text));
  const rest = name ? text.replace(new RegExp(`^(parameter )?'?${name}'? `), '') : text;
  return `model.params${name ? `.${name}` : ''}: ${rest}`;
}

function validationProblems(validation: unknown, problems: string[]): void {
  if (!isRecord(validation)) {
    problems.push('validation: must be { method: holdout, test_size: 0.2 } or { method: kfold, folds: 5 }');
    return;
  }
  if (validation.method === 'holdout') {
    unknownKeys(validation, ['method', 'test_size', 'stratify', 'n_jobs'], 'validation', problems);
    const size = validation.test_size;
    if (size !== undefined && !(typeof size === 'number' && size > 0 && (size < 1 || Number.isInteger(size)))) {
      problems.push(`validation.test_size: must be a fraction between 0 and 1 or a whole number of rows, got ${JSON.stringify(size)}`);
    }
  } else if (validation.method === 'kfold') {
    unknownKeys(validation, ['method', 'folds', 'stratify', 'shuffle', 'n_jobs'], 'validation', problems);
    if (validation.folds !== undefined && !integerAtLeast(validation.folds, 2))
      problems.push(`validation.folds: must be a whole number >= 2, got ${JSON.stringify(validation.folds)}`);
    if (validation.shuffle !== undefined && typeof validation.shuffle !== 'boolean') problems.push('validation.shuffle: must be true or false');
  } else {
    problems.push(`validation.method: must be holdout or kfold, got ${JSON.stringify(validation.method)}`);
  }
  if (validation.stratify !== undefined && typeof validation.stratify !== 'boolean') problems.push('validation.stratify: must be true or false');
  const jobs = nJobsProblem(validation.n_jobs);
  if (jobs) problems.push(`validation.n_jobs: ${jobs}`);
}

function searchProblems(search: unknown, task: Task | undefined, modelParams: readonly string[] | undefined, problems: string[]): void {
  if (!isRecord(search)) {
    problems.push('search: must be { method: grid | random | halving, metric, params }');
    return;
  }
  unknownKeys(search, ['method', 'metric', 'params', 'n_iter', 'factor', 'folds'], 'search', problems);
  if (!['grid', 'random', 'halving'].includes(search.method as string))
    problems.push(`search.method: must be grid, random or halving, got ${JSON.stringify(search.method)}`);
  if (search.metric !== undefined) {
    try {
      metricInfo(String(search.metric), task);
    } catch (error) {
      problems.push(`search.metric: ${errorMessage(error)}`);
    }
    if (typeof search.metric !== 'string') problems.push(`search.metric: must be one of ${METRIC_NAMES.join(', ')}`);
  }
  const spaceIssues = spaceProblems(search.params);
  problems.push(...spaceIssues);
  if (spaceIssues.length === 0 && isRecord(search.params)) {
    for (const [name, entry] of Object.entries(search.params)) {
      if (modelParams && !modelParams.includes(name)) problems.push(`search.params.${name}: not a parameter of the model; known: ${modelParams.join(', ')}`);
      if (search.method === 'grid' && rangeOf(entry as ParamSpace[string]) !== undefined)
        problems.push(`search.params.${name}: grid search needs a list of values; ranges are for random or halving search`);
    }
  }
  if (search.n_iter !== undefined && !integerAtLeast(search.n_iter, 1))
    problems.push(`search.n_iter: must be a whole number >= 1, got ${JSON.stringify(search.n_iter)}`);
  if (search.factor !== undefined && !(typeof search.factor === 'number' && search.factor > 1))
    problems.push(`search.factor: must be a number > 1, got ${JSON.stringify(search.factor)}`);
  if (search.folds !== undefined && !integerAtLeast(search.folds, 2))
    problems.push(`search.folds: must be a whole number >= 2, got ${JSON.stringify(search.folds)}`);
}

/** The seed of a run: the override, else the experiment's, else DEFAULT_SEED. Everything below trainExperiment is handed it. */
export function runSeed(experiment: Experiment, override?: number): number {
  return override ?? experiment.seed ?? DEFAULT_SEED;
}
