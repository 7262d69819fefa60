import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MODEL_SPECS } from '../../../src/core/models/specs';
import { PREPARE_STEPS } from '../../../src/core/experiment/experiment';
import { completionsAt, hoverAt, quickFixes } from '../../../src/extension/experiments/assist';
import { STEP_OPTION_SCHEMAS } from '../../../src/extension/experiments/stepOptions';
import { experimentYaml } from '../../../src/extension/experiments/template';
import { buildExperimentSchema } from '../../../src/extension/experiments/schema';
import { LIST_STEPS } from '../../../src/extension/experiments/columns';

/** The completions at the `|` of `marked`. */
function complete(marked: string, columns: readonly string[] = []) {
  const offset = marked.indexOf('|');
  return completionsAt(marked.replace('|', ''), offset, { columns })?.items ?? [];
}
const labels = (items: readonly { label: string }[]): string[] => items.map((i) => i.label);

test('model.type completes every model type of the specs, each with its doc', () => {
  const items = complete('data: { path: a.csv, target: y }\nmodel:\n  type: |\n');
  assert.deepEqual(
    labels(items),
    MODEL_SPECS.map((spec) => spec.type),
  );
  for (const spec of MODEL_SPECS) {
    const item = items.find((i) => i.label === spec.type);
    assert.ok(item?.documentation?.includes(spec.doc), `${spec.type} documents itself`);
    assert.equal(item?.detail, spec.tasks.join(', '));
  }
});

test('model.params completes the parameters of the current type with default and range, leaving out those written', () => {
  for (const spec of MODEL_SPECS) {
    const items = complete(`model:\n  type: ${spec.type}\n  params:\n    |\n`);
    assert.deepEqual(labels(items), Object.keys(spec.params), spec.type);
    for (const [name, param] of Object.entries(spec.params)) {
      const item = items.find((i) => i.label === name);
      if (param.default !== undefined) {
        const shown = typeof param.default === 'string' ? param.default : JSON.stringify(param.default);
        assert.ok(item?.detail?.includes(`default ${shown}`), `${spec.type}.${name}: ${item?.detail}`);
      }
      assert.ok(item?.documentation?.includes(param.doc), `${spec.type}.${name} documents itself`);
    }
  }
  const withC = MODEL_SPECS.find((spec) => 'C' in spec.params && spec.params.C?.schema.exclusiveMinimum === 0);
  assert.ok(withC, 'a model with C > 0');
  const rest = complete(`model:\n  type: ${withC.type}\n  params:\n    C: 1\n    |\n`);
  assert.ok(!labels(rest).includes('C'));
  const c = complete(`model:\n  type: ${withC.type}\n  params:\n    |\n`).find((i) => i.label === 'C');
  assert.match(c?.detail ?? '', /> 0/);
});

test('an enum parameter completes its values with the default first', () => {
  for (const spec of MODEL_SPECS) {
    for (const [name, param] of Object.entries(spec.params)) {
      const values = param.schema.enum;
      if (!values || param.taskValues) continue;
      const items = complete(`model:\n  type: ${spec.type}\n  params:\n    ${name}: |\n`);
      for (const value of values) assert.ok(labels(items).includes(String(value)), `${spec.type}.${name} offers ${String(value)}`);
      if (param.default !== undefined) assert.equal(items.find((i) => i.preselect)?.label, String(param.default));
    }
  }
});

test('prepare completes step names with their descriptions, and each step its options and values', () => {
  const steps = complete('prepare:\n  - |\n');
  assert.deepEqual(labels(steps), [...PREPARE_STEPS]);
  for (const name of PREPARE_STEPS) {
    assert.equal(steps.find((s) => s.label === name)?.detail, STEP_OPTION_SCHEMAS[name]?.description);
    assert.deepEqual(labels(complete(`prepare:\n  - ${name}: { | }\n`)), Object.keys(STEP_OPTION_SCHEMAS[name]?.options ?? {}), name);
  }
  assert.deepEqual(labels(complete('prepare:\n  - impute: { strategy: | }\n')), ['mean', 'median', 'most_frequent', 'constant']);
});

test('column names are offered where a column is expected, and only there', () => {
  const columns = ['sepal_length', 'species'];
  assert.deepEqual(labels(complete('data:\n  path: iris.csv\n  target: |\n', columns)), columns);
  assert.deepEqual(labels(complete('prepare:\n  - onehot: { columns: [|] }\n', columns)), columns);
  assert.deepEqual(labels(complete('prepare:\n  - scale:\n      columns:\n        - |\n', columns)), columns);
  assert.deepEqual(labels(complete('prepare:\n  - text: { column: | }\n', columns)), columns);
  assert.deepEqual(labels(complete('prepare:\n  - coerce:\n      columns:\n        |\n', columns)), columns);
  assert.ok(!labels(complete('model:\n  type: |\n', columns)).includes('species'));
  const files = ['data/iris.csv', '../other/people.parquet'];
  assert.deepEqual(labels(completionsAt('data:\n  path: \n', 14, { columns, dataFiles: files })?.items ?? []), files);
  assert.deepEqual(labels(complete('name: |\n', columns)), [], 'a name is free text: nothing to offer');
  for (const step of LIST_STEPS) assert.deepEqual(labels(complete(`prepare:\n  - ${step}: { columns: [|] }\n`, columns)), columns, step);
});

test('top-level, validation and search keys and values come from the schema', () => {
  const schema = buildExperimentSchema() as { properties: Record<string, unknown> };
  assert.deepEqual(labels(complete('|')), Object.keys(schema.properties));
  assert.deepEqual(
    labels(complete('name: x\nmodel: { type: svm }\n|')),
    Object.keys(schema.properties).filter((k) => k !== 'name' && k !== 'model'),
  );
  assert.deepEqual(labels(complete('validation: { method: | }\n')), ['holdout', 'kfold']);
  assert.ok(labels(complete('validation:\n  |\n')).includes('folds'));
  assert.deepEqual(labels(complete('search: { method: | }\n')), ['grid', 'random', 'halving']);
  assert.ok(labels(complete('search: { metric: | }\n')).includes('f1_macro'));
  assert.deepEqual(labels(complete('task: |')), ['classification', 'regression']);
  // A key whose value is false or an object of options (importance) completes the object's options.
  for (const [key, value] of Object.entries(schema.properties)) {
    const choices = (value as { anyOf?: { properties?: Record<string, unknown> }[] }).anyOf ?? [];
    const options = choices.find((choice) => choice.properties)?.properties;
    if (options) assert.deepEqual(labels(complete(`${key}:\n  |\n`)), Object.keys(options), key);
  }
  const spec = MODEL_SPECS[0];
  assert.ok(spec);
  assert.deepEqual(labels(complete(`model:\n  type: ${spec.type}\nsearch:\n  params:\n    |\n`)), Object.keys(spec.params));
});

test('hover shows a key, a parameter and a model type', () => {
  const spec = MODEL_SPECS.find((s) => Object.keys(s.params).length > 0);
  assert.ok(spec);
  const [name, param] = Object.entries(spec.params)[0] ?? [];
  assert.ok(name && param);
  const text = `model:\n  type: ${spec.type}\n  params:\n    ${name}: 1\nvalidation: { method: kfold }\n`;
  assert.match(hoverAt(text, text.indexOf(spec.type) + 1)?.markdown ?? '', new RegExp(spec.doc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.ok(hoverAt(text, text.indexOf(`${name}:`))?.markdown.includes(param.doc));
  assert.match(hoverAt(text, text.indexOf('validation') + 2)?.markdown ?? '', /hold-out split or k-fold/);
  assert.match(hoverAt(text, text.indexOf('kfold') + 1)?.markdown ?? '', /k-fold cross-validation/);
  assert.equal(hoverAt(text, text.indexOf('  params') + 1), undefined);
});

test('quick fixes: the closest model type, parameter, step, option, value and column', () => {
  const [first] = MODEL_SPECS;
  assert.ok(first);
  const typo = `${first.type.slice(0, -1)}`;
  const param = Object.keys(first.params)[0] ?? '';
  const text = [
    `model:`,
    `  type: ${typo}`,
    'prepare:',
    '  - scael: {}',
    '  - impute: { stratgy: median }',
    'validation: { method: kfodl }',
    'data: { path: a.csv, target: Species }',
  ].join('\n');
  const fixes = quickFixes(text, ['species', 'x']);
  const byPath = Object.fromEntries(fixes.filter((f) => f.preferred).map((f) => [f.path, f.replacement]));
  assert.deepEqual(byPath, {
    'model.type': first.type,
    'prepare[0].scael': 'scale',
    'prepare[1].impute.stratgy': 'strategy',
    'validation.method': 'kfold',
    'data.target': 'species',
  });
  const fix = fixes.find((f) => f.path === 'model.type');
  assert.equal(text.slice(fix?.start, fix?.end), typo);
  assert.equal(fix?.title, `Change to "${first.type}"`);

  const misspelt = `${param}x`;
  const paramText = `model:\n  type: ${first.type}\n  params: { ${misspelt}: 1 }\n`;
  assert.deepEqual(
    quickFixes(paramText).map((f) => [f.path, f.replacement]),
    [[`model.params.${misspelt}`, param]],
  );
  assert.deepEqual(quickFixes('model:\n  type: svm\n'), []);
});

test('the experiment file and its schema name commands that exist', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { commands: { title: string }[] } };
  const titles = new Set(manifest.contributes.commands.map((c) => c.title));
  const [spec] = MODEL_SPECS;
  assert.ok(spec);
  const yaml = experimentYaml({
    name: 'iris',
    dataPath: 'iris.csv',
    target: 'species',
    task: spec.tasks[0] ?? 'classification',
    model: spec.type,
    validation: { method: 'kfold', folds: 5 },
    columns: [],
  });
  const named = [...`${yaml}\n${JSON.stringify(buildExperimentSchema())}`.matchAll(/ML Workbench: ([^"\\]+)/g)].map((m) => m[1] ?? '');
  assert.ok(named.length >= 2);
  for (const title of named) assert.ok(titles.has(title), `"ML Workbench: ${title}" is a command`);
});
