/** Shared by the serve tests: trained runs in a temporary workspace, CSV rows, and a listening app. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';
import { buildApp, type AppOptions } from '../../../src/serve/app';
import { featureRows } from '../../featureRows';

export const fixtures = path.join(__dirname, '..', '..', 'fixtures');

const EXPERIMENTS: Record<string, string[]> = {
  iris: [
    'name: iris-serve',
    'data: { path: iris.csv, target: species }',
    'prepare:',
    '  - scale: { method: standard }',
    'model: { type: logistic_regression, params: { C: 1.0 } }',
    'validation: { method: holdout, test_size: 0.2 }',
    'seed: 42',
  ],
  diabetes: [
    'name: diabetes-serve',
    'data: { path: diabetes.csv, target: progression }',
    'task: regression',
    'model: { type: ridge, params: { alpha: 1.0 } }',
    'validation: { method: holdout, test_size: 0.2 }',
    'seed: 7',
  ],
};

/** The experiment file of a fixture experiment (also trained by bench/serve.ts), optionally under another name. */
export function experimentYaml(name: 'iris' | 'diabetes', experimentName?: string): string {
  const lines = EXPERIMENTS[name] as string[];
  return `${(experimentName === undefined ? lines : [`name: ${experimentName}`, ...lines.slice(1)]).join('\n')}\n`;
}

const trained = new Map<string, Promise<string>>();

/** The folder of a completed run of a small experiment on a fixture dataset (trained once per process). */
export function trainedRun(name: 'iris' | 'diabetes'): Promise<string> {
  let run = trained.get(name);
  if (!run) {
    run = (async () => {
      const root = mkdtempSync(path.join(tmpdir(), `mlwb-serve-${name}-`));
      cpSync(path.join(fixtures, 'datasets', `${name}.csv`), path.join(root, `${name}.csv`));
      return trainInWorkspace(root, name, experimentYaml(name).trimEnd().split('\n'));
    })();
    trained.set(name, run);
  }
  return run;
}

/** Trains an experiment (its YAML lines, reading `<name>.csv`) on the CSV lines given, in a new workspace; returns the run folder. */
export async function trainOnCsv(name: string, csv: readonly string[], experiment: readonly string[]): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), `mlwb-serve-${name}-`));
  writeFileSync(path.join(root, `${name}.csv`), `${csv.join('\n')}\n`);
  return trainInWorkspace(root, name, experiment);
}

/** Trains `<name>.experiment.yaml` (the YAML lines given) in the workspace `root`; returns the completed run's folder. */
export async function trainInWorkspace(root: string, name: string, experiment: readonly string[]): Promise<string> {
  const file = path.join(root, `${name}.experiment.yaml`);
  writeFileSync(file, `${experiment.join('\n')}\n`);
  const record = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(record.status, 'completed', `training ${name} failed: ${record.reason ?? ''}`);
  return new RunStore(root).runDir(record.id);
}

/** A fixture dataset as header and rows of strings (the files have no quotes). */
export function readCsv(name: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path.join(fixtures, 'datasets', `${name}.csv`), 'utf8')
    .trim()
    .split(/\r?\n/);
  return { header: (lines[0] as string).split(','), rows: lines.slice(1).map((line) => line.split(',')) };
}

/** Feature records of a fixture dataset (target column dropped), numbers parsed. */
export function featureRecords(name: string): Record<string, number>[] {
  return featureRows(path.join(fixtures, 'datasets', `${name}.csv`));
}

/** Starts the app on a free 127.0.0.1 port; returns its URL and the app to close. */
export async function listen(options: AppOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp(options);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

/**
 * Runs `use` against the app listening on a free port, and closes the app however `use` ends. A run folder
 * alone is served with feedback kept in memory (writeFeedback false).
 */
export async function withService<T>(service: string | AppOptions, use: (url: string, app: FastifyInstance) => Promise<T>): Promise<T> {
  const { app, url } = await listen(typeof service === 'string' ? { runDir: service, writeFeedback: false } : service);
  try {
    return await use(url, app);
  } finally {
    await app.close();
  }
}

/** POSTs a body and returns status and parsed JSON (or text when not JSON). */
export async function post(
  url: string,
  body: string,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } });
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}
