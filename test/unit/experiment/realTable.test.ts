// A table as found in the wild (an id, a name, a release date, a target with gaps) trains from the
// file the New Experiment wizard writes for it, without hand edits, and its model serves raw rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { profileDataset, readTable } from '../../../src/core/datasets';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { trainExperiment } from '../../../src/core/experiment/train';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { MlError } from '../../../src/core/types';
import { tableFromBody } from '../../../src/serve/input';
import { experimentYaml, templateColumn, validationChoices } from '../../../src/extension/experiments/template';

const cars = path.join(__dirname, '..', '..', 'fixtures', 'workspace', 'data', 'cars.csv');

/** The rows of cars.csv as records of their text cells (empty cells missing), as a client would send them. */
function carRecords(): Record<string, string | null>[] {
  const [header, ...lines] = readFileSync(cars, 'utf8').trim().split('\n');
  const names = (header as string).split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, j) => [names[j] as string, cell === '' ? null : cell])));
}

/** What the wizard writes for cars.csv, from the same profile and template. */
async function wizardFile(model: string): Promise<string> {
  const profile = await profileDataset(cars);
  return experimentYaml({
    name: 'cars',
    dataPath: 'data/cars.csv',
    target: 'mpg',
    task: 'regression',
    model,
    validation: (validationChoices('regression')[0] as { spec: Experiment['validation'] & object }).spec,
    columns: profile.columns.map(templateColumn),
  });
}

test('the wizard proposes drop for the id and the name, datetime for the date and dropMissing for the target', async () => {
  const experiment = parse(await wizardFile('ridge')) as Experiment;
  assert.deepEqual(experiment.prepare, [
    { dropMissing: { columns: ['mpg'] } },
    { drop: { columns: ['id', 'name'] } },
    { datetime: { columns: ['released'] } },
    { impute: { strategy: 'median' } },
    { onehot: { handle_unknown: 'ignore' } },
    { scale: { method: 'standard' } },
  ]);
});

for (const model of ['ridge', 'random_forest']) {
  test(`cars.csv trains with ${model} from the wizard's file as written, leaving out the 5 rows without mpg`, async () => {
    const experiment = parse(await wizardFile(model)) as Experiment;
    const table = await readTable(cars);
    const result = await trainExperiment(experiment, table);
    assert.equal(result.missingTargetRows, 5);
    assert.equal(result.rows, 75);
    assert.ok(result.featureNames.includes('released_year') && result.featureNames.includes('released_dayofweek'), result.featureNames.join(', '));
    assert.ok(!result.featureNames.includes('id') && !result.featureNames.some((f) => f.startsWith('name')), result.featureNames.join(', '));
    // mpg follows weight, horsepower and the year: a model that learnt anything explains most of it.
    assert.ok((result.metrics as { r2: number }).r2 > 0.5, JSON.stringify(result.metrics));
  });
}

test('without dropMissing on the target the error names that fix', async () => {
  const experiment = parse(await wizardFile('ridge')) as Experiment;
  const table = await readTable(cars);
  const withoutIt = { ...experiment, prepare: experiment.prepare?.slice(1) };
  await assert.rejects(
    trainExperiment(withoutIt, table),
    (e: unknown) => e instanceof MlError && /target "mpg" is missing at row 11; add `dropMissing: \{ columns: \[mpg\] \}` to prepare/.test(e.message),
  );
  // dropMissing without columns leaves out those rows too (and every row with any missing cell).
  const dropAll = { ...withoutIt, prepare: [{ dropMissing: {} }, ...(withoutIt.prepare ?? [])] };
  assert.equal((await trainExperiment(dropAll, table)).missingTargetRows, 5);
  // A text column nobody encodes or drops: the error offers both.
  const keepName = { ...experiment, prepare: [experiment.prepare?.[0] ?? {}, { drop: { columns: ['id'] } }, ...(experiment.prepare?.slice(2) ?? [])] };
  await assert.rejects(
    trainExperiment(keepName, table),
    (e: unknown) =>
      e instanceof MlError &&
      /column "name" is text and no step encodes it; add `text: \{ column: name \}`.*or `drop: \{ columns: \[name\] \}`/.test(e.message),
  );
});

test('a run reports the rows left out in its log, run.json and mlwb --json, and its model serves raw rows without a target', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-cars-'));
  mkdirSync(path.join(root, 'data'));
  cpSync(cars, path.join(root, 'data', 'cars.csv'));
  const file = path.join(root, 'cars.experiment.yaml');
  writeFileSync(file, await wizardFile('ridge'));
  const cli = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'mlwb.ts');
  const run = spawnSync(process.execPath, ['--import', require.resolve('tsx'), cli, 'train', file, '--json', '--workspace', root], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const printed = JSON.parse(run.stdout) as { runId: string; status: string; missingTargetRows?: number };
  assert.equal(printed.status, 'completed', run.stdout);
  assert.equal(printed.missingTargetRows, 5);
  const record = { id: printed.runId };
  const runDir = path.join(root, '.mlwb', 'runs', record.id);
  const saved = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { missingTargetRows?: number; data?: { rows: number } };
  assert.equal(saved.missingTargetRows, 5);
  assert.equal(saved.data?.rows, 80);
  const log = readFileSync(path.join(runDir, 'log.txt'), 'utf8');
  assert.match(log, /left out 5 row\(s\) whose target "mpg" is missing/);
  assert.match(log, /datetime: column "released": 1 value\(s\) are not dates and became missing \(first at row \d+: "unknown"\)/);

  const served = await loadRunModel(runDir);
  const rows = carRecords().map(({ mpg: _mpg, ...features }) => features);
  const { table } = tableFromBody({ dataframe_records: rows }, served.schema, true);
  const predictions = served.predict(table).predictions as number[];
  assert.equal(predictions.length, 80);
  assert.ok(
    predictions.every((p) => Number.isFinite(p)),
    'every row is predicted, those without a target and the one whose date does not parse too',
  );
});
