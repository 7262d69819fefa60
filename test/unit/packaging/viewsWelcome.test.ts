import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
interface Manifest {
  contributes: { viewsWelcome: { view: string; contents: string }[]; commands: { command: string; title: string }[] };
}
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;

/** The command ids a welcome text links to, with their link text. */
function links(contents: string): { text: string; command: string }[] {
  return [...contents.matchAll(/\[([^\]]+)\]\(command:([\w.]+)\)/g)].map((m) => ({ text: m[1] ?? '', command: m[2] ?? '' }));
}

test('the empty Deployed Models view offers "Deploy Run…" first, a command the extension contributes', () => {
  const welcome = manifest.contributes.viewsWelcome.filter((w) => w.view === 'mlWorkbench.deployments');
  assert.ok(welcome.length > 0);
  const first = links(welcome[0]?.contents ?? '')[0];
  assert.deepEqual(first, { text: 'Deploy Run…', command: 'mlWorkbench.deploy' });
});

test('every command a welcome text links to is contributed', () => {
  const known = new Set(manifest.contributes.commands.map((c) => c.command));
  for (const welcome of manifest.contributes.viewsWelcome) {
    for (const link of links(welcome.contents)) assert.ok(known.has(link.command) || link.command.startsWith('workbench.'), `${welcome.view}: ${link.command}`);
  }
});
