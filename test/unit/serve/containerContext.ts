/**
 * A container build context used as an engine would use it, with no engine here: its Dockerfile read for the
 * instructions the tests need, and its CMD run with plain node under the Dockerfile's ENV.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export interface Dockerfile {
  readonly text: string;
  readonly lines: string[];
  /** The exec-form CMD (not HEALTHCHECK's). */
  readonly cmd: string[];
  readonly healthcheck: string[];
  readonly env: Record<string, string>;
  readonly expose: number[];
  readonly user: string;
  readonly from: string;
}

/** The instructions the tests need, continuation lines joined. */
export function readDockerfile(dir: string): Dockerfile {
  const text = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const instruction = (name: string): string[] => lines.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1).trim());
  const env: Record<string, string> = {};
  for (const line of instruction('ENV')) for (const [, key, value] of line.matchAll(/(\w+)=(\S+)/g)) env[key as string] = value as string;
  const healthcheck = instruction('HEALTHCHECK')[0] ?? '';
  return {
    text,
    lines,
    cmd: JSON.parse(instruction('CMD').at(-1) ?? 'null') as string[],
    healthcheck: JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[],
    env,
    expose: instruction('EXPOSE').flatMap((line) => line.split(/\s+/).map((port) => Number(port.split('/')[0]))),
    user: instruction('USER').at(-1) ?? 'root',
    from: instruction('FROM')[0] ?? '',
  };
}

/** Runs the Dockerfile's CMD in `dir` with its ENV and `env` on top, `node` being this node; no inherited environment but PATH. */
export function runCmd(dir: string, docker: Dockerfile, env: Record<string, string>) {
  const [command, ...args] = docker.cmd;
  assert.equal(command, 'node');
  const child = spawn(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...docker.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise<{ url: string }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; url?: string };
      if (event.event === 'listening' && event.url) resolve({ url: event.url });
    });
    void exited.then(({ code }) => reject(new Error(`the CMD exited (${code}) before listening: ${stderr}`)));
  });
  return { child, exited, listening, stderr: () => stderr };
}
