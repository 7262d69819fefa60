/**
 * Arguments, host check and start of the prediction service, shared by its process entry
 * (server.ts, bundled to dist/serve/server.js) and `mlwb serve`. The entry's arguments:
 *   node server.js --run DIR [--port N] [--host H] [--token T] [--body-limit BYTES] [--window N] [--max-batch N]
 *                  [--headers-timeout SECONDS] [--request-timeout SECONDS] [--accept-new-classes]
 *                  [--online [--online-rows N] [--online-learning-rate X] [--online-margin M]]
 * The token may also come from the MLWB_SERVE_TOKEN environment variable (kept out of `ps`).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, DEFAULT_BODY_LIMIT, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './app';
import { DEFAULT_ONLINE_ROWS, type OnlineOptions } from './online';
import { DEFAULT_MAX_BATCH_ROWS, DEFAULT_WINDOW_SIZE } from './service';

export interface ServerArgs {
  readonly runDir: string;
  readonly port: number;
  readonly host: string;
  readonly token?: string;
  readonly bodyLimit: number;
  readonly windowSize: number;
  readonly maxBatchRows: number;
  /** Time a client has for its headers, and for its whole request, in milliseconds. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Online updates from feedback; absent when off. */
  readonly online?: OnlineOptions;
  /** Take feedback labels of classes the model does not know (for a retraining). */
  readonly acceptNewClasses?: boolean;
}

/** True for the addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/** Parses the service's arguments; throws a message for people on a bad one. */
export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServerArgs {
  let runDir: string | undefined;
  let port = 0;
  let host = '127.0.0.1';
  let token = env.MLWB_SERVE_TOKEN || undefined;
  let bodyLimit = DEFAULT_BODY_LIMIT;
  let windowSize = DEFAULT_WINDOW_SIZE;
  let maxBatchRows = DEFAULT_MAX_BATCH_ROWS;
  let headersTimeoutMs = DEFAULT_HEADERS_TIMEOUT_MS;
  let requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  let online = false;
  let acceptNewClasses = false;
  let onlineRows = DEFAULT_ONLINE_ROWS;
  let learningRate: number | undefined;
  let margin: number | undefined;
  const integer = (name: string, value: string | undefined, min: number, max: number): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max)
      throw new Error(`${name} needs an integer from ${min} to ${max}, got ${JSON.stringify(value ?? '')}`);
    return parsed;
  };
  const milliseconds = (name: string, value: string | undefined): number => {
    const seconds = Number(value);
    if (!(seconds >= 0.1 && seconds <= 3600)) throw new Error(`${name} needs a number of seconds from 0.1 to 3600, got ${JSON.stringify(value ?? '')}`);
    return Math.round(seconds * 1000);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = argv[i + 1];
    switch (arg) {
      case '--run':
        runDir = value;
        i++;
        break;
      case '--port':
        port = integer('--port', value, 0, 65535);
        i++;
        break;
      case '--host':
        host = value ?? host;
        i++;
        break;
      case '--token':
        token = value;
        i++;
        break;
      case '--body-limit':
        bodyLimit = integer('--body-limit', value, 1024, 1024 * 1024 * 1024);
        i++;
        break;
      case '--window':
        windowSize = integer('--window', value, 10, 1_000_000);
        i++;
        break;
      case '--max-batch':
        maxBatchRows = integer('--max-batch', value, 1, 10_000_000);
        i++;
        break;
      case '--headers-timeout':
        headersTimeoutMs = milliseconds('--headers-timeout', value);
        i++;
        break;
      case '--request-timeout':
        requestTimeoutMs = milliseconds('--request-timeout', value);
        i++;
        break;
      case '--online':
        online = true;
        break;
      case '--online-margin': {
        const allowed = Number(value);
        if (!(allowed >= 0 && allowed <= 1)) throw new Error(`--online-margin needs a number from 0 to 1, got ${JSON.stringify(value ?? '')}`);
        margin = allowed;
        i++;
        break;
      }
      case '--accept-new-classes':
        acceptNewClasses = true;
        break;
      case '--online-rows':
        onlineRows = integer('--online-rows', value, 1, 1_000_000);
        i++;
        break;
      case '--online-learning-rate': {
        const rate = Number(value);
        if (!(rate > 0 && rate <= 10)) throw new Error(`--online-learning-rate needs a number above 0 and at most 10, got ${JSON.stringify(value ?? '')}`);
        learningRate = rate;
        i++;
        break;
      }
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!runDir) throw new Error('--run DIR is required (a completed run folder or an exported model folder)');
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new Error(
      `--headers-timeout (${headersTimeoutMs / 1000} s) cannot be longer than --request-timeout (${requestTimeoutMs / 1000} s): the headers are part of the request`,
    );
  }
  if (!isLoopback(host) && !token) {
    throw new Error(
      `refusing to listen on ${host} without a token: only 127.0.0.1 is served without one. Pass --token T (or set MLWB_SERVE_TOKEN); clients then send "Authorization: Bearer T"`,
    );
  }
  return {
    runDir,
    port,
    host,
    ...(token ? { token } : {}),
    bodyLimit,
    windowSize,
    maxBatchRows,
    headersTimeoutMs,
    requestTimeoutMs,
    ...(online
      ? {
          online: {
            minRows: onlineRows,
            ...(learningRate === undefined ? {} : { learningRate }),
            ...(margin === undefined ? {} : { margin }),
          },
        }
      : {}),
    ...(acceptNewClasses ? { acceptNewClasses } : {}),
  };
}

/** Starts the service and resolves with the app and its URL once it listens. */
export async function startServer(args: ServerArgs): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({
    runDir: args.runDir,
    ...(args.token ? { token: args.token } : {}),
    bodyLimit: args.bodyLimit,
    windowSize: args.windowSize,
    maxBatchRows: args.maxBatchRows,
    headersTimeoutMs: args.headersTimeoutMs,
    requestTimeoutMs: args.requestTimeoutMs,
    ...(args.online ? { online: args.online } : {}),
    ...(args.acceptNewClasses ? { acceptNewClasses: true } : {}),
  });
  await app.listen({ port: args.port, host: args.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : args.port;
  const shownHost = args.host.includes(':') ? `[${args.host}]` : args.host;
  return { app, url: `http://${shownHost}:${port}` };
}

/**
 * Runs the service in this process until SIGTERM/SIGINT: prints one JSON line
 * `{"event":"listening","url":...,"pid":...}` on stdout when ready (the extension parses it), and
 * exits 0 once open requests finish. Bad arguments exit 2, a run that cannot load exits 1.
 */
export async function runServerProcess(argv: readonly string[]): Promise<void> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(argv);
  } catch (error) {
    process.stderr.write(`mlwb serve: ${(error as Error).message}\n`);
    process.exit(2);
  }
  // Input never reaches here (fastify answers it), but a bug must not take the service down.
  process.on('uncaughtException', (error) => process.stderr.write(`mlwb serve: uncaught error: ${error.stack ?? error.message}\n`));
  process.on('unhandledRejection', (reason) => process.stderr.write(`mlwb serve: unhandled rejection: ${String(reason)}\n`));
  let started: Awaited<ReturnType<typeof startServer>>;
  try {
    started = await startServer(args);
  } catch (error) {
    process.stderr.write(`mlwb serve: cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const { app, url } = started;
  const service = app.service;
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url, pid: process.pid, run_id: service.run.id, model: service.modelType, model_version: service.modelVersion, online: service.online?.state ?? 'off', task: service.schema.task, auth: args.token ? 'bearer' : 'none' })}\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    app.close().then(
      () => {
        process.stdout.write(`${JSON.stringify({ event: 'stopped', signal, pid: process.pid })}\n`);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
