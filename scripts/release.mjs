// Builds everything a release publishes into dist/release/: one .vsix per VS Code target, the CLI tarball and
// SHA256SUMS (check with `sha256sum -c SHA256SUMS`). The bundles are built once for all of them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const releaseDir = join(root, 'dist/release');
const node = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

rmSync(releaseDir, { recursive: true, force: true });
node(['scripts/build.mjs', '--production']);
node(['scripts/package.mjs', '--target', 'all', '--no-build', '--out-dir', releaseDir]);
node(['scripts/package-cli.mjs', '--no-build', '--out-dir', releaseDir]);

const files = readdirSync(releaseDir)
  .filter((name) => /\.(vsix|tgz)$/.test(name))
  .sort();
const sums = files.map(
  (name) =>
    `${createHash('sha256')
      .update(readFileSync(join(releaseDir, name)))
      .digest('hex')}  ${name}`,
);
writeFileSync(join(releaseDir, 'SHA256SUMS'), `${sums.join('\n')}\n`);
for (const name of files) console.log(`${(statSync(join(releaseDir, name)).size / 2 ** 20).toFixed(1).padStart(6)} MiB  ${name}`);
console.log(`release in ${releaseDir}`);
