/**
 * Dataset engine benchmarks, each beside pandas on the same file in the same run:
 *   1. head preview (the hover's content) of a generated 1 GB CSV: target under 150 ms;
 *   2. full profile of a generated 2,000,000-row (~150 MB) mixed-type CSV with 5% missing cells,
 *      against pandas read_csv + describe(include='all') + isna().mean() + nunique(): target ≤ 0.5×.
 * Run: node --import tsx bench/datasets.ts   (files are generated once into bench/data/, git-ignored)
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DatasetEngine, headWith, profileWith } from '../src/core/datasets';
import { bigCsv, mixedCsv } from './datasetsData';

const dataDir = path.join(__dirname, 'data');
const PYTHON = '/usr/bin/python3';

const PANDAS_HEAD = `
import sys, time, pandas as pd
times = []
for _ in range(5):
    t = time.perf_counter(); pd.read_csv(sys.argv[1], nrows=5); times.append(time.perf_counter() - t)
print(sorted(times)[2] * 1000)
`;

const PANDAS_PROFILE = `
import sys, time, pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
df.describe(include='all'); df.isna().mean(); df.nunique()
print((time.perf_counter() - t) * 1000)
`;

function pandas(script: string, file: string): number {
  return Number(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim());
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (value: number): string => `${value.toFixed(0)} ms`;

async function headBenchmark(): Promise<void> {
  const file = await bigCsv(dataDir);
  const engine = new DatasetEngine();
  try {
    let started = performance.now();
    await headWith(engine, file, 5);
    const cold = performance.now() - started;
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Forgetting the file makes each run sniff, infer types and read the head again, as a first hover does.
      engine.forget(file);
      started = performance.now();
      await headWith(engine, file, 5);
      warm.push(performance.now() - started);
    }
    const anchor = pandas(PANDAS_HEAD, file);
    console.log(`head of ${path.basename(file)} (1 GB): first call incl. DuckDB start ${ms(cold)}; warm engine median ${ms(median(warm))} (target < 150 ms)`);
    console.log(`  pandas read_csv(nrows=5) median ${ms(anchor)}; ratio ${(median(warm) / anchor).toFixed(2)}×`);
  } finally {
    await engine.close();
  }
}

async function profileBenchmark(): Promise<void> {
  const file = await mixedCsv(dataDir);
  const engine = new DatasetEngine();
  try {
    const started = performance.now();
    const profile = await profileWith(engine, file);
    const ours = performance.now() - started;
    const anchor = pandas(PANDAS_PROFILE, file);
    console.log(`profile of ${path.basename(file)} (${profile.rowCount.toLocaleString('en-US')} rows × ${profile.columns.length} columns): ${ms(ours)}`);
    console.log(`  pandas read_csv + describe(include='all') + isna().mean() + nunique(): ${ms(anchor)}`);
    console.log(`  ratio ${(ours / anchor).toFixed(2)}× pandas (target ≤ 0.5×)`);
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const which = process.argv[2];
  if (!which || which === 'head') await headBenchmark();
  if (!which || which === 'profile') await profileBenchmark();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
