/**
 * Entry of the prediction service in a container made by `mlwb export --format container`, bundled to
 * dist/serve/container.js and copied as server.js into the build context. Configured by the
 * environment, as containers are:
 *   PORT        the port (default 8080)
 *   HOST        the address (default 0.0.0.0: every interface of the container)
 *   MLWB_TOKEN  the bearer token clients send; required unless HOST is a loopback address
 *   MODEL_DIR   the exported model folder (default model/ beside this file)
 * Extra arguments are passed on to the service (`node server.js --max-batch 1000 --online`).
 * It prints and stops as the service process does (process.ts): exit 0 on SIGTERM once open requests
 * finish, 2 on a bad setting.
 */
import { containerArgs } from './containerEnv';
import { runServerProcess } from './process';

let argv: string[];
try {
  argv = containerArgs(process.env, process.argv.slice(2), __dirname);
} catch (error) {
  process.stderr.write(`mlwb container: ${(error as Error).message}\n`);
  process.exit(2);
}
void runServerProcess(argv);
