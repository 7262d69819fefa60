/**
 * Runner A: runs the integration suites inside the real VS Code 1.100.3 extension host served by
 * code-server, driven by headless Chromium. The workbench calls `codeAutomationExit(code)` when the
 * tests module's run() settles; the suites' results come back through a JSON file.
 * Prints the mocha report and a line `MLWB_RESULT {"passed":N,"failed":N,"skipped":N}` for scripts/test-all.mjs.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { launchBrowser, newWorkbenchPage, projectRoot, startCodeServer, workbenchUrl } from './codeServer';
import type { SuiteResults } from '../integration/results';

const TIMEOUT_MS = Number(process.env.MLWB_INTEGRATION_TIMEOUT_MS ?? 15 * 60_000);

async function main(): Promise<number> {
  const resultsFile = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-it-')), 'results.json');
  const server = await startCodeServer({ env: { MLWB_TEST_RESULTS: resultsFile, MLWB_TEST_PROJECT_ROOT: projectRoot } });
  const browser = await launchBrowser();
  try {
    const page = await newWorkbenchPage(browser);
    const exited = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    const url = workbenchUrl(server, { extensionTestsPath: path.join(projectRoot, 'out', 'test', 'integration', 'index') });
    console.log(`code-server ${server.baseUrl} (VS Code ${codeServerVersion()}), workspace ${server.workspace}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 180_000 });
    const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(-1), TIMEOUT_MS));
    const code = await Promise.race([exited, timeout]);
    if (code === -1) console.log(`integration suites did not finish within ${TIMEOUT_MS / 1000} s`);
    if (!existsSync(resultsFile)) {
      console.log('the extension host wrote no results; code-server said:\n' + server.output().slice(-4000));
      console.log('MLWB_RESULT {"passed":0,"failed":1,"skipped":0}');
      return 1;
    }
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResults;
    for (const line of results.lines) console.log(line);
    console.log(
      `ran in VS Code ${results.vscodeVersion} extension host (${results.appName}), ${results.passed} passing, ${results.failed} failing, ${results.skipped} skipped`,
    );
    console.log(`MLWB_RESULT ${JSON.stringify({ passed: results.passed, failed: results.failed, skipped: results.skipped })}`);
    return code === 0 && results.failed === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.stop();
  }
}

function codeServerVersion(): string {
  const packageJson = path.join(projectRoot, '.vscode-test', 'code-server-4.100.3', 'node_modules', 'code-server', 'lib', 'vscode', 'package.json');
  return existsSync(packageJson) ? (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version : 'unknown';
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    console.log('MLWB_RESULT {"passed":0,"failed":1,"skipped":0}');
    process.exit(1);
  },
);
