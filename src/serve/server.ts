/**
 * Entry of the prediction service process, bundled to dist/serve/server.js:
 *   node server.js --run DIR [--port N] [--host H] [--token T] [--body-limit BYTES] [--window N] [--max-batch N]
 *                  [--headers-timeout SECONDS] [--request-timeout SECONDS] [--online …]
 * See process.ts for what it prints and how it stops.
 */
import { runServerProcess } from './process';

void runServerProcess(process.argv.slice(2));
