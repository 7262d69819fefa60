import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MlError } from '../types';

/** Words for the errors mkdir gives where a folder cannot be made. */
const MKDIR_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'the file system there does not take new folders',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a part of the path is a file, not a folder',
};

/**
 * Creates `dir` and its missing parents, one level at a time. Node's recursive mkdirSync spins
 * forever at full CPU where the kernel answers ENOENT under a parent that exists (/proc, /sys),
 * so a bad `--out` would hang instead of failing; here every refusal is an MlError naming the folder.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!existsSync(current)) {
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (existsSync(current) && !statSync(current).isDirectory()) throw new MlError(`cannot create the folder ${dir}: ${current} is a file, not a folder`);
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST' && statSync(folder).isDirectory()) continue; // another process made it meanwhile
      throw new MlError(`cannot create the folder ${folder}: ${MKDIR_ERRORS[code] ?? (error as Error).message}${code ? ` (${code})` : ''}`);
    }
  }
}

/** Writes a file through a temporary sibling and a rename, so a crash never leaves it half written. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  makeDirectory(path.dirname(file));
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/** Writes pretty JSON atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
