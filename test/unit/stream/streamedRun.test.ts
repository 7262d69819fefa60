/**
 * Training beyond memory end to end (real DuckDB, real CSV files): `mlwb train --max-memory-mb` streams a table over
 * its budget instead of failing and gets the in-memory fit's held-out accuracy on the same hash split; models that
 * need all rows are refused with a message that offers data.sample (which then trains); a cancel mid-pass leaves
 * the run cancelled.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTable } from '../../../src/core/datasets';
import { splitTarget, targetValues } from '../../../src/core/data/target';
import { accuracy } from '../../../src/core/metrics';
import { LogisticRegression } from '../../../src/core/models/logisticRegression';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { Random } from '../../../src/core/random';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';
import { HOLDOUT_FOLD, rowFold } from '../../../src/core/stream/source';
import { selectRows, selectTarget } from '../../../src/core/validation';

const root = path.join(__dirname, '..', '..', '..');
const ROWS = 20_000;
const SEED = 42;
let dir: string;

const mlwb = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', require.resolve('tsx'), path.join(root, 'src', 'cli', 'mlwb.ts'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 240_000,
  });

function experiment(name: string, model: string, extra = ''): string {
  const file = path.join(dir, `${name}.experiment.yaml`);
  writeFileSync(
    file,
    `name: ${name}\ndata:\n  path: data.csv\n  target: label\n${extra}task: classification\nprepare:\n  - impute: { strategy: mean }\n  - onehot: {}\n  - scale: { method: standard }\nmodel:\n  type: ${model}\n  params: ${model === 'logistic_regression' ? '{ C: 1.0, max_iter: 200 }' : '{}'}\nvalidation: { method: holdout, test_size: 0.2 }\nseed: ${SEED}\n`,
  );
  return file;
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlwb-streamed-run-'));
  const rng = new Random(3);
  const lines = ['f1,f2,f3,f4,group,label'];
  for (let i = 0; i < ROWS; i++) {
    const f = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const group = ['a', 'b', 'c', 'd'][i % 4] as string;
    const z = 1.2 * (f[0] as number) - 0.8 * (f[1] as number) + 0.3 * (f[2] as number) + (group === 'c' ? 0.5 : 0) + 0.7 * rng.normal();
    lines.push(`${f.map((v, j) => (j === 3 && i % 23 === 0 ? '' : v.toFixed(5))).join(',')},${group},${z > 0 ? 'pos' : 'neg'}`);
  }
  writeFileSync(path.join(dir, 'data.csv'), lines.join('\n') + '\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('training beyond memory (mlwb train --max-memory-mb)', () => {
  it('a run over its memory budget streams instead of failing, with the in-memory fit’s held-out accuracy on the same split', async () => {
    const file = experiment('streamed', 'logistic_regression');
    const result = mlwb('train', file, '--json', '--max-memory-mb', '1');
    assert.equal(result.status, 0, result.stderr);
    const run = JSON.parse(result.stdout) as { runId: string; status: string; metrics: { accuracy: number; confusion_matrix: number[][] } };
    assert.equal(run.status, 'completed');
    const record = new RunStore(dir).get(run.runId);
    assert.ok(record?.streamed, 'run.json records streamed');
    assert.equal(record.streamed.rows, ROWS);
    assert.ok(record.streamed.passes > 5 && record.streamed.batchSize >= 1024, JSON.stringify(record.streamed));
    assert.equal(record.data?.rows, ROWS);
    assert.match(readFileSync(path.join(new RunStore(dir).runDir(run.runId), 'log.txt'), 'utf8'), /over the 1 MB limit: streaming/);

    // The in-memory fit on the same hash split scores the held-out rows the same.
    const table = await readTable(path.join(dir, 'data.csv'));
    const { features, target } = splitTarget(table, 'label');
    const y = targetValues(target, 'classification') as string[];
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < ROWS; i++) (rowFold(i, SEED, { method: 'holdout', testSize: 0.2 }) === HOLDOUT_FOLD ? test : train).push(i);
    const pipeline = Pipeline.fromSpec([{ impute: { strategy: 'mean' } }, { onehot: {} }, { scale: { method: 'standard' } }]);
    const prepared = pipeline.fitTransform(selectRows(features, train), selectTarget(y, train), { seed: SEED });
    const memory = new LogisticRegression({ C: 1.0, max_iter: 200 });
    memory.fit(prepared.X, prepared.y, { seed: SEED });
    const expected = accuracy(selectTarget(y, test) as string[], memory.predict(pipeline.transform(selectRows(features, test))));
    assert.equal(run.metrics.accuracy, expected);
    assert.equal(
      run.metrics.confusion_matrix.flat().reduce((a, b) => a + b, 0),
      test.length,
    );

    // The saved run serves: its pipeline and model predict raw rows.
    const loaded = loadRunModel(new RunStore(dir).runDir(run.runId));
    assert.ok(loaded);
    // The drift reference: a seeded sample of 5,000 rows read by DuckDB.
    const reference = JSON.parse(readFileSync(path.join(new RunStore(dir).runDir(run.runId), 'reference.json'), 'utf8')) as {
      rows: number;
      columns: Record<string, unknown[]>;
    };
    assert.equal(reference.rows, 5000);
    assert.deepEqual(Object.keys(reference.columns), ['f1', 'f2', 'f3', 'f4', 'group']);

    // The same file under a budget it fits trains in memory (no `streamed`).
    const fits = mlwb('train', file, '--json', '--max-memory-mb', '4096');
    assert.equal(fits.status, 0, fits.stderr);
    const inMemory = new RunStore(dir).get((JSON.parse(fits.stdout) as { runId: string }).runId);
    assert.equal(inMemory?.streamed, undefined);
  });

  it('a model that needs all rows is refused with a message that offers data.sample; with data.sample it trains', () => {
    const refused = mlwb('train', experiment('knn', 'knn'), '--json', '--max-memory-mb', '1');
    assert.equal(refused.status, 1);
    const run = JSON.parse(refused.stdout) as { status: string; reason: string };
    assert.equal(run.status, 'failed');
    assert.match(run.reason, /model\.type knn needs all rows in memory, and this table does not fit in the 1 MB memory limit/);
    assert.match(run.reason, /`sample: N` under `data:`/);

    const sampled = mlwb('train', experiment('knn-sample', 'knn', '  sample: 2000\n'), '--json', '--max-memory-mb', '1');
    assert.equal(sampled.status, 0, sampled.stderr);
    const record = new RunStore(dir).get((JSON.parse(sampled.stdout) as { runId: string }).runId);
    assert.equal(record?.status, 'completed');
    assert.equal(record?.data?.rows, 2000);
  });

  it('a prepare step that cannot stream is refused naming it', () => {
    const file = path.join(dir, 'dedupe.experiment.yaml');
    writeFileSync(
      file,
      `data: { path: data.csv, target: label }\ntask: classification\nprepare:\n  - dropDuplicates: {}\n  - impute: {}\n  - onehot: {}\nmodel: { type: logistic_regression }\n`,
    );
    const refused = mlwb('train', file, '--json', '--max-memory-mb', '1');
    const run = JSON.parse(refused.stdout) as { status: string; reason: string };
    assert.equal(run.status, 'failed');
    assert.match(run.reason, /prepare step 1 \(dropDuplicates\) needs all rows in memory/);
  });

  it('cancel mid-pass leaves the run cancelled', async () => {
    const file = experiment('cancel', 'logistic_regression');
    const controller = new AbortController();
    const phases: string[] = [];
    const record = await executeRun({
      workspaceRoot: dir,
      experimentFile: file,
      maxMemoryMb: 1,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type !== 'progress') return;
        phases.push(event.phase);
        if (/batch/.test(event.phase) && /lbfgs/.test(event.phase)) controller.abort();
      },
    });
    assert.equal(record.status, 'cancelled', record.reason);
    assert.ok(
      phases.some((p) => /objective \d+ batch \d+\/\d+/.test(p)),
      phases.slice(-5).join(' | '),
    );
  });
});
