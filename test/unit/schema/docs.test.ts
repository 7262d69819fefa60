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
