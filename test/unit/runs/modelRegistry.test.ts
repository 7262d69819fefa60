import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  aliasedVersions,
  deployChoices,
  readModelRegistry,
  registerModelVersion,
  registrationsOf,
  registryFile,
  removeModelAlias,
} from '../../../src/core/runs/modelRegistry';
import type { RunRecord } from '../../../src/core/runs/store';

function run(id: string, experiment: string, status: RunRecord['status'] = 'completed'): RunRecord {
  return { id, experiment, experimentFile: `${experiment}.experiment.yaml`, snapshot: null, status, createdAt: '2026-12-04T21:00:00Z' };
}

test('runs register as numbered versions of their experiment; an alias points at one version and moves', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-registry-'));
  assert.deepEqual(readModelRegistry(root), { models: {} });
  assert.deepEqual(registerModelVersion(root, run('r1', 'iris'), { alias: 'champion' }), { model: 'iris', version: 1, runId: 'r1', alias: 'champion' });
  assert.deepEqual(registerModelVersion(root, run('r2', 'iris'), { alias: 'challenger' }), { model: 'iris', version: 2, runId: 'r2', alias: 'challenger' });
  // Registering r2 again keeps its version; the champion alias moves to it.
  assert.equal(registerModelVersion(root, run('r2', 'iris'), { alias: 'champion' }).version, 2);
  const registry = JSON.parse(readFileSync(registryFile(root), 'utf8')) as {
    models: { iris: { versions: { version: number; runId: string }[]; aliases: Record<string, number> } };
  };
  assert.deepEqual(
    registry.models.iris.versions.map((v) => [v.version, v.runId]),
    [
      [1, 'r1'],
      [2, 'r2'],
    ],
  );
  assert.deepEqual(registry.models.iris.aliases, { champion: 2, challenger: 2 });
  assert.deepEqual(registrationsOf(readModelRegistry(root), 'r2'), ['iris v2 @champion @challenger']);
  assert.deepEqual(registrationsOf(readModelRegistry(root), 'r1'), ['iris v1']);
  removeModelAlias(root, 'iris', 'challenger');
  assert.deepEqual(readModelRegistry(root).models.iris?.aliases, { champion: 2 });
  assert.throws(() => removeModelAlias(root, 'iris', 'challenger'), /has no alias "challenger"/);
});

test('only completed runs register; names are checked; a broken registry file is reported, not overwritten', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-registry-'));
  assert.throws(() => registerModelVersion(root, run('r1', 'iris', 'failed')), /run r1 is failed: only a completed run/);
  assert.throws(() => registerModelVersion(root, run('r1', 'iris'), { alias: 'top model' }), /alias name "top model"/);
  mkdirSync(path.join(root, '.mlwb'), { recursive: true });
  writeFileSync(registryFile(root), '{ "models": ');
  assert.throws(() => registerModelVersion(root, run('r1', 'iris')), /models\.json is not valid JSON/);
  assert.equal(readFileSync(registryFile(root), 'utf8'), '{ "models": ');
});

test('Deploy offers the aliased versions first (champion, then challenger), then the other completed runs newest first', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-registry-'));
  registerModelVersion(root, run('old', 'iris'), { alias: 'challenger' });
  registerModelVersion(root, run('mid', 'iris'), { alias: 'champion' });
  registerModelVersion(root, run('wine1', 'wine'), { alias: 'staging' });
  registerModelVersion(root, run('gone', 'wine'), { alias: 'champion' });
  const runs = [run('new', 'iris'), run('failed', 'iris', 'failed'), run('wine1', 'wine'), run('mid', 'iris'), run('old', 'iris')];
  const registry = readModelRegistry(root);
  assert.deepEqual(
    aliasedVersions(registry).map((a) => `${a.model}@${a.alias}`),
    ['iris@champion', 'wine@champion', 'iris@challenger', 'wine@staging'],
  );
  // wine@champion's run was deleted: not offered.
  assert.deepEqual(
    deployChoices(registry, runs).map((c) => (c.aliased ? `${c.aliased.model}@${c.aliased.alias}` : c.runId)),
    ['iris@champion', 'iris@challenger', 'wine@staging', 'new'],
  );
});

test("a registered version records the run's model version; after an online update the run registers as a new version", () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-registry-'));
  assert.deepEqual(registerModelVersion(root, run('r1', 'iris'), { alias: 'champion', modelVersion: 1 }), {
    model: 'iris',
    version: 1,
    runId: 'r1',
    modelVersion: 1,
    alias: 'champion',
  });
  // Same run, same model version: the same registered version.
  assert.equal(registerModelVersion(root, run('r1', 'iris'), { alias: 'challenger', modelVersion: 1 }).version, 1);
  // The run was updated online (model version 3 serves now): a new registered version that names it.
  assert.deepEqual(registerModelVersion(root, run('r1', 'iris'), { alias: 'challenger', modelVersion: 3 }), {
    model: 'iris',
    version: 2,
    runId: 'r1',
    modelVersion: 3,
    alias: 'challenger',
  });
  const registry = readModelRegistry(root);
  assert.deepEqual(
    aliasedVersions(registry).map((a) => [a.alias, a.version, a.modelVersion]),
    [
      ['champion', 1, 1],
      ['challenger', 2, 3],
    ],
  );
  assert.deepEqual(registrationsOf(registry, 'r1'), ['iris v1 @champion', 'iris v2 (model v3) @challenger']);
});

test('a registry written before model versions were recorded keeps matching the run at any model version', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-registry-'));
  mkdirSync(path.join(root, '.mlwb'), { recursive: true });
  writeFileSync(
    registryFile(root),
    JSON.stringify({ models: { iris: { versions: [{ version: 1, runId: 'r1', createdAt: 'x' }], aliases: { champion: 1 } } } }),
  );
  const again = registerModelVersion(root, run('r1', 'iris'), { alias: 'challenger', modelVersion: 2 });
  assert.equal(again.version, 1);
  assert.equal(again.modelVersion, undefined);
  assert.equal(aliasedVersions(readModelRegistry(root))[0]?.modelVersion, undefined);
});
