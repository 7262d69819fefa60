/**
 * Builds the JSON Schema (draft-07) of experiment files from the core's registries: model types, their
 * tasks and parameters (each model's spec, through models/registry), step names (PREPARE_STEPS) and
 * metric names. No vscode
 * import: scripts/gen-schema.ts writes it to schemas/experiment.schema.json and unit tests compare.
 */
import { N_JOBS_PARAM } from '../../core/parallel/jobs';
import { PREPARE_STEPS } from '../../core/experiment/experiment';
import { metricInfo, METRIC_NAMES } from '../../core/metrics';
import { modelTypes, type ModelTypeInfo } from '../../core/models/specs';
import { DEFAULT_SEED } from '../../core/random';
import type { Task } from '../../core/types';
import { MODEL_PARAM_SCHEMAS, type JsonSchema } from './modelParams';
import { SELECT_METHOD_OPTIONS, STEP_OPTION_SCHEMAS } from './stepOptions';

const TASKS: readonly Task[] = ['classification', 'regression'];

/** The parameter schemas of a model type, from its spec. */
export function paramSchemasOf(info: ModelTypeInfo): Readonly<Record<string, JsonSchema>> {
  return MODEL_PARAM_SCHEMAS[info.type] ?? {};
}

/** The values each task allows of the parameters whose choices depend on the task (a tree's criterion). */
function taskValuesOf(types: readonly ModelTypeInfo[], task: Task): Record<string, JsonSchema> {
  const narrowed: Record<string, JsonSchema> = {};
  for (const info of types) {
    for (const [name, param] of Object.entries(info.spec.params)) if (param.taskValues) narrowed[name] = { enum: param.taskValues[task] };
  }
  return narrowed;
}

function stepSchema(name: string): JsonSchema {
  const step = STEP_OPTION_SCHEMAS[name];
  if (!step) throw new Error(`no option schemas for prepare step ${name}; add them to stepOptions.ts`);
  const schema: JsonSchema = {
    type: ['object', 'null'],
    description: step.description,
    properties: step.options,
    additionalProperties: false,
    ...(step.required ? { required: step.required } : {}),
  };
  if (name !== 'select') return schema;
  // select reads only its method's options, and pca needs exactly one of components or variance.
  const byMethod = Object.entries(SELECT_METHOD_OPTIONS).map(([method, allowed]) => ({
    if:
      method === 'pca'
        ? { not: { required: ['method'], properties: { method: { not: { const: 'pca' } } } } }
        : { required: ['method'], properties: { method: { const: method } } },
    then: {
      propertyNames: { enum: allowed },
      ...(method === 'pca' ? { oneOf: [{ required: ['components'] }, { required: ['variance'] }] } : {}),
    },
  }));
  return { ...schema, type: 'object', allOf: byMethod };
}

function prepareSchema(): JsonSchema {
  const properties = Object.fromEntries(PREPARE_STEPS.map((name) => [name, stepSchema(name)]));
  return {
    type: 'array',
    description: 'Ordered preparation steps, each fitted on the training rows only. Each item has one key, the step name, with its options.',
    items: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      properties,
      additionalProperties: false,
      defaultSnippets: PREPARE_STEPS.map((name) => ({ label: name, description: STEP_OPTION_SCHEMAS[name]?.description, body: { [name]: {} } })),
    },
    examples: [[{ impute: { strategy: 'median' } }, { scale: { method: 'standard' } }]],
  };
}

function modelSchema(types: readonly ModelTypeInfo[]): JsonSchema {
  return {
    type: 'object',
    description: 'The model to train: its type and scikit-learn-named parameters.',
    required: ['type'],
    additionalProperties: false,
    properties: {
      type: {
        type: 'string',
        enum: types.map((t) => t.type),
        enumDescriptions: types.map((t) => `${t.spec.doc} (${t.tasks.join(', ')})`),
        description: 'Model type.',
      },
      params: { type: ['object', 'null'], description: "Parameters of the model type, with scikit-learn's names." },
    },
    allOf: types.map((info) => ({
      if: { properties: { type: { const: info.type } }, required: ['type'] },
      then: { properties: { params: { $ref: `#/definitions/${paramsDefinition(info.type)}` } } },
    })),
  };
}

const range = (kind: string, description: string, example: [number, number]): JsonSchema => ({
  type: 'object',
  required: [kind],
  additionalProperties: false,
  properties: { [kind]: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2, description } },
  examples: [{ [kind]: example }],
});

const paramsDefinition = (type: string): string => `params.${type}`;

/** A range of random and halving search. */
const RANGE: JsonSchema = {
  anyOf: [
    range('loguniform', '[low, high], both > 0; sampled on a log scale (random and halving search).', [0.001, 100]),
    range('uniform', '[low, high]; sampled uniformly (random and halving search).', [0, 1]),
    range('randint', '[low, high) integers (random and halving search).', [1, 20]),
  ],
};

/** A search entry: a list of candidate values (each valid for the parameter, when `param` points at its schema) or a range. */
function searchEntry(param?: string): JsonSchema {
  return {
    anyOf: [{ type: 'array', minItems: 1, items: param ? { $ref: param } : {}, description: 'Candidate values.' }, { $ref: '#/definitions/range' }],
  };
}

/** Shared pieces: the range of a search, and each model type's parameters (used by model.params and search.params). */
function definitions(types: readonly ModelTypeInfo[]): JsonSchema {
  const params = types.map((info) => [
    paramsDefinition(info.type),
    { type: ['object', 'null'], properties: paramSchemasOf(info), additionalProperties: false },
  ]);
  return { range: RANGE, ...Object.fromEntries(params) };
}

function searchSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Hyper-parameter search: each trial trains with one candidate parameter set; the best by metric is kept.',
    required: ['method', 'params'],
    additionalProperties: false,
    properties: {
      method: {
        type: 'string',
        enum: ['grid', 'random', 'halving'],
        enumDescriptions: [
          'Every combination of the listed values.',
          'n_iter random draws from lists and ranges.',
          'Successive halving: many candidates on few rows, the best on more.',
        ],
        description: 'How candidates are chosen.',
      },
      metric: {
        type: 'string',
        enum: [...METRIC_NAMES],
        description: 'Metric to optimise; default accuracy (classification) or r2 (regression).',
      },
      params: {
        type: 'object',
        minProperties: 1,
        additionalProperties: searchEntry(),
        description: 'Parameter name → list of values, or a range such as { loguniform: [0.001, 100] }.',
        examples: [{ C: [0.1, 1, 10] }],
      },
      n_iter: { type: 'integer', minimum: 1, default: 10, description: 'Candidates drawn by random search (and halving search with ranges).' },
      factor: { type: 'number', exclusiveMinimum: 1, default: 3, description: 'Halving search: the share of candidates kept each round is 1 / factor.' },
      folds: { type: 'integer', minimum: 2, default: 3, description: 'Folds of the inner cross-validation when validation is a hold-out.' },
    },
  };
}

function validationSchema(): JsonSchema {
  const allowed = (names: readonly string[]): JsonSchema => ({ properties: Object.fromEntries(names.map((n) => [n, true])), additionalProperties: false });
  return {
    type: 'object',
    description: 'How the model is measured: a hold-out split or k-fold cross-validation (metrics on out-of-fold predictions).',
    required: ['method'],
    properties: {
      method: { type: 'string', enum: ['holdout', 'kfold'], enumDescriptions: ['One train/test split.', 'k-fold cross-validation.'] },
      test_size: {
        anyOf: [
          { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
          { type: 'integer', minimum: 1 },
        ],
        default: 0.2,
        description: 'holdout: share of rows in (0, 1) or a number of rows held out for testing.',
      },
      folds: { type: 'integer', minimum: 2, default: 5, description: 'kfold: number of folds (>= 2).' },
      stratify: { type: 'boolean', default: true, description: 'Keep class proportions in every split (classification).' },
      shuffle: { type: 'boolean', default: true, description: 'kfold: shuffle rows (seeded) before cutting folds.' },
      n_jobs: { ...N_JOBS_PARAM.schema, default: null, description: `kfold: folds fitted at the same time. ${N_JOBS_PARAM.doc}` },
    },
    allOf: [
      { if: { properties: { method: { const: 'holdout' } }, required: ['method'] }, then: allowed(['method', 'test_size', 'stratify', 'n_jobs']) },
      { if: { properties: { method: { const: 'kfold' } }, required: ['method'] }, then: allowed(['method', 'folds', 'stratify', 'shuffle', 'n_jobs']) },
    ],
    defaultSnippets: [
      { label: '5-fold stratified cross-validation', body: { method: 'kfold', folds: 5, stratify: true } },
      { label: 'hold-out 20%', body: { method: 'holdout', test_size: 0.2 } },
    ],
  };
}

function importanceSchema(): JsonSchema {
  return {
    description:
      "Permutation importance (scikit-learn's permutation_importance) of each original column on the held-out rows: the drop of the run's metric when the column is shuffled. On with 5 repeats unless false.",
    anyOf: [
      { const: false, description: 'No permutation importance.' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          n_repeats: { type: 'integer', minimum: 1, default: 5, description: 'Shuffles of each column; the importance is their mean ± std.' },
          n_jobs: { ...N_JOBS_PARAM.schema, default: null, description: `Columns scored at the same time. ${N_JOBS_PARAM.doc}` },
        },
      },
    ],
    defaultSnippets: [{ label: '5 repeats', body: { n_repeats: 5 } }],
  };
}

/** Rules that tie keys together: the task limits model types, criteria and metrics; search.params follow model.type. */
function crossKeyRules(types: readonly ModelTypeInfo[]): JsonSchema[] {
  const byTask = TASKS.map((task) => ({
    if: { properties: { task: { const: task } }, required: ['task'] },
    then: {
      properties: {
        model: {
          properties: {
            type: { enum: types.filter((t) => t.tasks.includes(task)).map((t) => t.type) },
            params: { properties: taskValuesOf(types, task) },
          },
        },
        search: { properties: { metric: { enum: METRIC_NAMES.filter((m) => metricInfo(m).task === task) } } },
      },
    },
  }));
  const searchByType = types.map((info) => {
    const names = Object.keys(paramSchemasOf(info));
    const pointer = (name: string): string => `#/definitions/${paramsDefinition(info.type)}/properties/${name}`;
    return {
      if: { properties: { model: { properties: { type: { const: info.type } }, required: ['type'] } }, required: ['model'] },
      then: {
        properties: {
          search: {
            properties: {
              params: { properties: Object.fromEntries(names.map((name) => [name, searchEntry(pointer(name))])), additionalProperties: false },
            },
          },
        },
      },
    };
  });
  return [...byTask, ...searchByType];
}

/** The experiment file's JSON Schema. */
export function buildExperimentSchema(): JsonSchema {
  const types = modelTypes();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ML Workbench experiment',
    description: 'One experiment: the data, its preparation, the model, how it is validated and searched. Train it with "ML Workbench: Train Experiment".',
    type: 'object',
    required: ['data', 'model'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', description: 'Name of the experiment; runs are grouped by it.', examples: ['iris'] },
      data: {
        type: 'object',
        description: 'The data file and the column to predict.',
        required: ['path', 'target'],
        additionalProperties: false,
        properties: {
          path: {
            type: 'string',
            minLength: 1,
            description: 'Data file (csv, tsv, json, jsonl, parquet), relative to this experiment file.',
            examples: ['data/iris.csv'],
          },
          target: { type: 'string', minLength: 1, description: 'The column to predict.', examples: ['species'] },
          sample: {
            type: 'integer',
            minimum: 1,
            description:
              "Train on a seeded sample of this many rows, drawn by DuckDB while it reads the file (the seed is the run's): for a table too big to train whole with a model that needs all rows in memory.",
            examples: [100000],
          },
        },
      },
      task: {
        type: 'string',
        enum: [...TASKS],
        enumDescriptions: ['Predict a class label.', 'Predict a number.'],
        description: 'Inferred from the target column when omitted.',
      },
      prepare: prepareSchema(),
      model: modelSchema(types),
      validation: validationSchema(),
      search: searchSchema(),
      seed: {
        type: 'integer',
        minimum: 0,
        default: DEFAULT_SEED,
        description: 'Seed of every random choice (splits, shuffles, initial weights), for reproducible runs.',
      },
      importance: importanceSchema(),
    },
    allOf: crossKeyRules(types),
    definitions: definitions(types),
  };
}
