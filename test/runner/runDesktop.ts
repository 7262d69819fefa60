/**
 * Runner B: the same integration suites in desktop VS Code 1.100.3, downloaded by
 * @vscode/test-electron (needs a network that reaches VS Code's download servers and a display).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { SuiteResults } from '../integration/results';

const root = path.resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'mlwb-desktop-'));
  const workspace = path.join(scratch, 'workspace');
  cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const resultsFile = path.join(scratch, 'results.json');
  let code = 1;
  try {
    code = await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index'),
      extensionTestsEnv: { MLWB_TEST_RESULTS: resultsFile, MLWB_TEST_PROJECT_ROOT: root },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } catch (error) {
    console.error(`desktop VS Code could not run the suites: ${(error as Error).message}`);
  }
  if (existsSync(resultsFile)) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResults;
    for (const line of results.lines) console.log(line);
    console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  }
  return code;
}

main().then((code) => process.exit(code));
