import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { PREPARE_STEPS, validateExperiment } from '../../../src/core/experiment/experiment';
import { METRIC_NAMES } from '../../../src/core/metrics';
import { createModel, MODEL_TYPES, modelTypes } from '../../../src/core/models/registry';
import { createStep } from '../../../src/core/prepare/registry';
import { MlError, type Task } from '../../../src/core/types';
import { MODEL_PARAM_SCHEMAS } from '../../../src/extension/experiments/modelParams';
import { buildExperimentSchema } from '../../../src/extension/experiments/schema';
import { SELECT_METHOD_OPTIONS, STEP_OPTION_SCHEMAS } from '../../../src/extension/experiments/stepOptions';
import { committedSchema as committed, validateSchema as validate } from './experimentSchema';

const root = path.join(import.meta.dirname, '..', '..', '..');

type Json = Record<string, unknown>;
const schemaAt = (...keys: string[]): Json => keys.reduce<Json>((node, key) => node[key] as Json, committed);

function errorsOf(value: unknown): ErrorObject[] {
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

function experimentFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) found.push(...experimentFiles(full));
    else if (/\.experiment\.(ya?ml|json)$/.test(name)) found.push(full);
  }
  return found;
}

const base = { data: { path: 'data/iris.csv', target: 'species' }, model: { type: 'logistic_regression' } };

test('the committed schema is what scripts/gen-schema.ts generates from the registries', () => {
  assert.deepEqual(committed, JSON.parse(JSON.stringify(buildExperimentSchema())), 'run: node --import tsx scripts/gen-schema.ts');
});

test('model types, their parameters, prepare steps and metrics equal the core registries', () => {
  assert.deepEqual(schemaAt('properties', 'model', 'properties', 'type').enum, [...MODEL_TYPES]);
  assert.deepEqual(Object.keys(schemaAt('properties', 'prepare', 'items', 'properties')), [...PREPARE_STEPS]);
  assert.deepEqual(schemaAt('properties', 'search', 'properties', 'metric').enum, [...METRIC_NAMES]);
  for (const info of modelTypes()) {
    const params = schemaAt('definitions', `params.${info.type}`, 'properties');
    assert.deepEqual(Object.keys(params).sort(), [...info.params].sort(), info.type);
  }
});

test('every example and fixture experiment file validates against the schema', () => {
  const files = [...experimentFiles(path.join(root, 'examples')), ...experimentFiles(path.join(root, 'test', 'fixtures'))];
  const good = files.filter((f) => !/(^|[-_.])(bad|invalid|broken)[-_.]/.test(path.basename(f)));
  assert.ok(good.length >= 3, `found ${good.length} experiment files`);
  for (const file of good) {
    const value: unknown = parse(readFileSync(file, 'utf8'));
    assert.deepEqual(errorsOf(value), [], path.relative(root, file));
  }
});

test('the bad fixtures fail on the offending path', () => {
  const dir = path.join(root, 'test', 'fixtures', 'workspace');
  const read = (name: string): unknown => parse(readFileSync(path.join(dir, name), 'utf8'));
  assert.ok(errorsOf(read('schema-bad-model.experiment.yaml')).some((e) => e.instancePath === '/model/type' && e.keyword === 'enum'));
  assert.ok(errorsOf(read('schema-bad-param.experiment.yaml')).some((e) => e.instancePath === '/model/params/C' && e.keyword === 'exclusiveMinimum'));
});

/** Each case: an experiment the core rejects, and the instance path where the schema must report it. */
const BAD_CASES: [string, Json, string][] = [
  ['unknown model type', { ...base, model: { type: 'xgboost' } }, '/model/type'],
  ['negative C', { ...base, model: { type: 'svm', params: { C: -1 } } }, '/model/params/C'],
  ['unknown kernel', { ...base, model: { type: 'svm', params: { kernel: 'sigmoid' } } }, '/model/params/kernel'],
  ['gamma neither named nor positive', { ...base, model: { type: 'svm', params: { gamma: 0 } } }, '/model/params/gamma'],
  ['unknown parameter', { ...base, model: { type: 'ridge', params: { C: 1 } } }, '/model/params'],
  ['fractional n_estimators', { ...base, model: { type: 'random_forest', params: { n_estimators: 2.5 } } }, '/model/params/n_estimators'],
  ['max_depth 0', { ...base, model: { type: 'decision_tree', params: { max_depth: 0 } } }, '/model/params/max_depth'],
  ['hidden layer width 0', { ...base, model: { type: 'mlp', params: { hidden_layer_sizes: [10, 0] } } }, '/model/params/hidden_layer_sizes/1'],
  ['regression model for classification', { ...base, task: 'classification', model: { type: 'ridge' } }, '/model/type'],
  ['unknown task', { ...base, task: 'clustering' }, '/task'],
  ['missing target', { ...base, data: { path: 'x.csv' } }, '/data'],
  ['unknown top-level key', { ...base, epochs: 3 }, ''],
  ['unknown step', { ...base, prepare: [{ normalize: {} }] }, '/prepare/0'],
  ['two steps in one item', { ...base, prepare: [{ impute: {}, scale: {} }] }, '/prepare/0'],
  ['kfold with test_size', { ...base, validation: { method: 'kfold', test_size: 0.2 } }, '/validation'],
  ['one fold', { ...base, validation: { method: 'kfold', folds: 1 } }, '/validation/folds'],
  ['test_size 1.5', { ...base, validation: { method: 'holdout', test_size: 1.5 } }, '/validation/test_size'],
  ['search method', { ...base, search: { method: 'bayes', params: { C: [1] } } }, '/search/method'],
  ['search param of another model', { ...base, search: { method: 'grid', params: { alpha: [1, 2] } } }, '/search/params'],
  ['empty search list', { ...base, search: { method: 'grid', params: { C: [] } } }, '/search/params/C'],
  [
    'regression metric for classification',
    { ...base, task: 'classification', search: { method: 'grid', metric: 'rmse', params: { C: [1] } } },
    '/search/metric',
  ],
  ['negative seed', { ...base, seed: -1 }, '/seed'],
];

test('bad experiments fail on the right path, and the core rejects them too', () => {
  for (const [name, experiment, at] of BAD_CASES) {
    const errors = errorsOf(experiment);
    assert.ok(
      errors.some((e) => e.instancePath === at),
      `${name}: expected an error at "${at}", got ${JSON.stringify(errors.map((e) => `${e.instancePath} ${e.message ?? ''}`))}`,
    );
    assert.notDeepEqual(validateExperiment(experiment), [], `${name}: the core accepts what the schema rejects`);
  }
});

test('search candidates are checked against the parameter, before any trial builds the model', () => {
  const errors = errorsOf({ ...base, search: { method: 'grid', params: { C: [1, -2], max_iter: { randint: [10, 100] } } } });
  assert.ok(
    errors.some((e) => e.instancePath === '/search/params/C/1'),
    JSON.stringify(errors.map((e) => e.instancePath)),
  );
  assert.ok(!errors.some((e) => e.instancePath.startsWith('/search/params/max_iter')), 'a range is a valid search entry');
  assert.throws(() => createModel('logistic_regression', { C: -2 }, 'classification'), MlError);
});

const STEP_CASES: [string, Json, string][] = [
  ['impute strategy', { impute: { strategy: 'average' } }, '/prepare/0/impute/strategy'],
  ['unknown impute option', { impute: { strategy: 'mean', value: 0 } }, '/prepare/0/impute'],
  ['text without column', { text: { method: 'tfidf' } }, '/prepare/0/text'],
  ['ngram_range of three', { text: { column: 'review', ngram_range: [1, 2, 3] } }, '/prepare/0/text/ngram_range'],
  ['coerce to a bad type', { coerce: { columns: { age: 'int' } } }, '/prepare/0/coerce/columns/age'],
  ['pca without components', { select: { method: 'pca' } }, '/prepare/0/select'],
  ['pca with a variance threshold', { select: { components: 2, threshold: 0.1 } }, '/prepare/0/select'],
  ['scale method', { scale: { method: 'zscore' } }, '/prepare/0/scale/method'],
];

test('bad step options fail on the step, and the step itself rejects them', () => {
  for (const [name, step, at] of STEP_CASES) {
    const errors = errorsOf({ ...base, prepare: [step] });
    assert.ok(
      errors.some((e) => e.instancePath === at),
      `${name}: expected an error at "${at}", got ${JSON.stringify(errors.map((e) => e.instancePath))}`,
    );
    const [stepName, options] = Object.entries(step)[0] as [string, unknown];
    assert.throws(() => createStep(stepName, options), MlError, `${name}: the step accepts what the schema rejects`);
  }
});

/** A value of an option schema that the schema itself accepts: its default, else its first example, else by type. */
function sample(schema: Json): unknown {
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.examples)) return schema.examples[0];
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return { string: 'review', boolean: true, integer: 1, number: 1, array: [] }[String(type)];
}

test('every step option the schema names is one the step reads, with a value it accepts', () => {
  const required: Record<string, Json> = {
    coerce: { columns: { age: 'number' } },
    text: { column: 'review' },
    drop: { columns: ['id'] },
    datetime: { columns: ['date'] },
    embed: { column: 'review', model: 'models/encoder' },
  };
  for (const [name, step] of Object.entries(STEP_OPTION_SCHEMAS)) {
    for (const [option, schema] of Object.entries(step.options)) {
      const method = name === 'select' ? Object.entries(SELECT_METHOD_OPTIONS).find(([, allowed]) => allowed.includes(option))?.[0] : undefined;
      const options: Json = { ...required[name], ...(method ? { method } : {}), [option]: sample(schema as Json) };
      if (method === 'pca' && option !== 'components' && option !== 'variance') options.components = 2;
      assert.doesNotThrow(() => createStep(name, options), `${name}.${option} = ${JSON.stringify(options[option])}`);
      assert.deepEqual(errorsOf({ ...base, prepare: [{ [name]: options }] }), [], `${name}.${option} in the schema`);
    }
  }
});

test('every parameter default in the schema is accepted by the model, and the schema accepts it', () => {
  for (const info of modelTypes()) {
    const task = info.tasks[0] as Task;
    for (const [param, schema] of Object.entries(MODEL_PARAM_SCHEMAS[info.type] ?? {})) {
      const value = sample(schema);
      if (param === 'criterion') continue; // its default depends on the task; checked below
      assert.doesNotThrow(() => createModel(info.type, { [param]: value }, task), `${info.type}.${param} = ${JSON.stringify(value)}`);
      const experiment = { ...base, task, model: { type: info.type, params: { [param]: value } } };
      assert.deepEqual(errorsOf(experiment), [], `${info.type}.${param} in the schema`);
      assert.deepEqual(validateExperiment(experiment), [], `${info.type}.${param} in the core`);
    }
  }
  const tree = (task: Task, criterion: string): unknown => ({ ...base, task, model: { type: 'decision_tree', params: { criterion } } });
  assert.deepEqual(errorsOf(tree('regression', 'squared_error')), []);
  assert.ok(errorsOf(tree('regression', 'gini')).some((e) => e.instancePath === '/model/params/criterion'));
  assert.notDeepEqual(validateExperiment(tree('regression', 'gini')), []);
});
