/**
 * The tests module the workbench loads into the real extension host (extensionTestsPath): runs
 * every bundled suite next to it with mocha, and writes the results where the runner reads them.
 */
import * as vscode from 'vscode';
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import type { SuiteResults } from './results';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 120_000, color: false, reporter: 'base' });
  const grep = process.env.MLWB_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  return new Promise((resolve, reject) => {
    const runner = mocha.run();
    runner.on('suite', (suite: Mocha.Suite) => {
      if (suite.title) lines.push(`${'  '.repeat(suite.titlePath().length)}${suite.title}`);
    });
    runner.on('pass', (test: Mocha.Test) => {
      passed++;
      lines.push(`${'  '.repeat(test.titlePath().length)}✔ ${test.title} (${test.duration ?? 0} ms)`);
    });
    runner.on('pending', (test: Mocha.Test) => {
      skipped++;
      lines.push(`${'  '.repeat(test.titlePath().length)}- ${test.title} (skipped)`);
    });
    runner.on('fail', (test: Mocha.Test, error: Error) => {
      failed++;
      lines.push(`${'  '.repeat(test.titlePath().length)}✘ ${test.fullTitle()}: ${error.stack ?? error.message}`);
    });
    runner.on('end', () => {
      const results: SuiteResults = { vscodeVersion: vscode.version, appName: vscode.env.appName, passed, failed, skipped, lines };
      const target = process.env.MLWB_TEST_RESULTS ?? path.join(__dirname, 'results.json');
      writeFileSync(target, JSON.stringify(results, null, 2));
      if (failed > 0) reject(new Error(`${failed} integration tests failed`));
      else resolve();
    });
  });
}
