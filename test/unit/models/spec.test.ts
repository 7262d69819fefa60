import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateExperiment } from '../../../src/core/experiment/experiment';
import { createModel, modelTypes } from '../../../src/core/models/registry';
import { paramDefaults } from '../../../src/core/models/spec';
import { MlError } from '../../../src/core/types';

const base = { data: { path: 'data/iris.csv', target: 'species' } };

/** The names a model lists in its unknown-parameter message: exactly what it accepts. */
function acceptedNames(create: () => unknown): string[] {
  try {
    create();
  } catch (error) {
    assert.ok(error instanceof MlError, String(error));
    const known = /; known: (.*)$/.exec(error.message)?.[1];
    assert.ok(known !== undefined, error.message);
    return known.split(', ');
  }
  assert.fail('a made-up parameter was accepted');
}

test('every model accepts exactly the parameters of its spec', () => {
  for (const { type, tasks, spec } of modelTypes()) {
    for (const task of tasks) {
      assert.deepEqual(
        acceptedNames(() => createModel(type, { not_a_parameter: 1 }, task)),
        Object.keys(spec.params),
        `${type} (${task})`,
      );
    }
  }
});

test('every parameter a spec lists is read and checked by the model', () => {
  for (const { type, tasks, spec } of modelTypes()) {
    for (const task of tasks) {
      for (const name of Object.keys(spec.params)) {
        // An object is a value no parameter takes: a model that ignored the parameter would accept it.
        assert.throws(
          () => createModel(type, { [name]: { wrong: true } }, task),
          (error: unknown) => error instanceof MlError && error.message.includes(name),
          `${type}.${name} (${task})`,
        );
      }
    }
  }
});

test('every default, example and search suggestion of a spec is a value the model accepts', () => {
  for (const { type, tasks, spec } of modelTypes()) {
    for (const task of tasks) {
      assert.doesNotThrow(() => createModel(type, paramDefaults(spec, task), task), `${type} defaults (${task})`);
      assert.doesNotThrow(() => createModel(type, spec.starter, task), `${type} starter (${task})`);
      for (const [name, param] of Object.entries(spec.params)) {
        const allowed = param.taskValues?.[task];
        for (const value of [...(param.examples ?? []), ...(param.grid ?? []), ...(allowed ?? [])]) {
          assert.doesNotThrow(() => createModel(type, { [name]: value }, task), `${type}.${name} = ${JSON.stringify(value)} (${task})`);
        }
      }
    }
  }
});

test("the kernel svm's shrinking is accepted in an experiment file", () => {
  assert.deepEqual(validateExperiment({ ...base, model: { type: 'svm', params: { shrinking: false } } }), []);
  assert.deepEqual(validateExperiment({ ...base, model: { type: 'svm' }, search: { method: 'grid', params: { shrinking: [true, false] } } }), []);
});
