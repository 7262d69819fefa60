import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    walkthroughs?: { id: string; steps: { id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }[] }[];
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

test('the Getting Started walkthrough goes from data to monitoring, each step with a command link and its markdown', () => {
  const walkthrough = manifest.contributes.walkthroughs?.[0];
  assert.ok(walkthrough, 'a walkthrough is contributed');
  assert.deepEqual(
    walkthrough.steps.map((s) => s.id),
    ['openData', 'newExperiment', 'train', 'deploy', 'monitor'],
  );
  const commands = new Set(manifest.contributes.commands.map((c) => c.command));
  const views = new Set(Object.values(manifest.contributes.views).flatMap((list) => list.map((v) => `${v.id}.focus`)));
  for (const step of walkthrough.steps) {
    const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1] ?? '');
    assert.ok(links.length > 0, `${step.id} has a command link`);
    for (const link of links) assert.ok(commands.has(link) || views.has(link), `${step.id} links to ${link}, a contributed command`);
    for (const event of step.completionEvents ?? []) assert.ok(commands.has(event.replace(/^onCommand:/, '')), `${step.id}: ${event}`);
    assert.ok(step.media.markdown && existsSync(join(ROOT, step.media.markdown)), `${step.id}'s markdown exists`);
  }
});

test('the walkthrough markdown ships in the package', () => {
  const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^!media\/walkthrough\/\*\.md$/m);
});
