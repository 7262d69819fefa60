import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PREPARE_STEPS } from '../../../src/core/experiment/experiment';
import { MODEL_SPECS } from '../../../src/core/models/specs';
import { experimentFileDoc } from '../../../scripts/docs/experimentFile';

const DOCS = join(import.meta.dirname, '..', '..', '..', 'docs');

test('docs/experiment-file.md is what `npm run docs` writes from the specs (run it after changing a model or step)', () => {
  const committed = readFileSync(join(DOCS, 'experiment-file.md'), 'utf8');
  assert.ok(committed === experimentFileDoc(), 'docs/experiment-file.md is out of date with the model specs or step options: run `npm run docs`');
});

test('the experiment-file reference has a section for every model type with each parameter, and every step', () => {
  const doc = experimentFileDoc();
  for (const spec of MODEL_SPECS) {
    const section = doc.split(`\n### ${spec.type}\n`)[1]?.split('\n### ')[0] ?? '';
    assert.ok(section.includes(spec.doc), `${spec.type} has its section`);
    for (const name of Object.keys(spec.params)) assert.ok(section.includes(`| \`${name}\` |`), `${spec.type}.${name} is documented`);
  }
  for (const step of PREPARE_STEPS) assert.ok(doc.includes(`\n### ${step}\n`), `step ${step} is documented`);
});

test('docs/ stands alone: every link to another file points into the repository, none to DESIGN.md or ../shared', () => {
  for (const file of readdirSync(DOCS).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(DOCS, file), 'utf8');
    assert.doesNotMatch(text, /DESIGN\.md|\.\.\/shared/, file);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      if (!target || /^https?:/.test(target)) continue;
      assert.ok(readdirSync(join(DOCS, target, '..')).includes(target.split('/').pop() ?? ''), `${file} links to ${target}, which exists`);
    }
  }
});

test('docs/cli.md names every command and flag of mlwb (add a new one there)', () => {
  const doc = readFileSync(join(DOCS, 'cli.md'), 'utf8');
  const cli = join(import.meta.dirname, '..', '..', '..', 'src', 'cli');
  const sources = readdirSync(cli)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(cli, f), 'utf8'))
    .join('\n');
  // --run is how mlwb serve hands the run folder to the service, not a flag of mlwb.
  const flags = new Set([...sources.matchAll(/'(--[a-z][a-z-]*)'/g)].map((m) => m[1] ?? '').filter((flag) => flag !== '--run'));
  for (const flag of flags) assert.ok(doc.includes(`\`${flag}`) || doc.includes(` ${flag} `), `docs/cli.md documents ${flag}`);
  const commands = new Set([...sources.matchAll(/case '([a-z]+)':/g)].map((m) => m[1] ?? '').filter((command) => command !== 'help'));
  commands.add('import');
  for (const command of commands) assert.ok(doc.includes(`## \`mlwb ${command}`), `docs/cli.md has a section on mlwb ${command}`);
});
