/**
 * A run's note and tags, set by the user after the run (as MLflow's run description and tags):
 * `annotations.json` in the run folder, apart from run.json, which the training process owns while
 * it runs. Written atomically; a missing or unreadable file reads as no note and no tags.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isRecord } from '../json';
import { MlError } from '../types';
import { writeJsonAtomic } from './atomic';

export const ANNOTATIONS_FILE = 'annotations.json';

export interface RunAnnotations {
  readonly note?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The note and tags of the run in `runDir`. */
export function readAnnotations(runDir: string): RunAnnotations {
  const file = path.join(runDir, ANNOTATIONS_FILE);
  if (!existsSync(file)) return { tags: {} };
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isRecord(value)) return { tags: {} };
    const tags = isRecord(value.tags)
      ? Object.fromEntries(Object.entries(value.tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
      : {};
    return { ...(typeof value.note === 'string' && value.note !== '' ? { note: value.note } : {}), tags };
  } catch {
    return { tags: {} };
  }
}

function write(runDir: string, annotations: RunAnnotations): RunAnnotations {
  if (!existsSync(runDir)) throw new MlError(`no run folder ${runDir}`);
  writeJsonAtomic(path.join(runDir, ANNOTATIONS_FILE), annotations);
  return annotations;
}

/** Replaces the run's note; an empty note removes it. */
export function setNote(runDir: string, note: string): RunAnnotations {
  const { tags } = readAnnotations(runDir);
  const text = note.trim();
  return write(runDir, { ...(text ? { note: text } : {}), tags });
}

/** Reads `key=value` (or a bare `key`, value empty) as a tag; a key is letters, digits, `_`, `-`, `.` or `/`. */
export function parseTag(text: string): { key: string; value: string } {
  const at = text.indexOf('=');
  const key = (at < 0 ? text : text.slice(0, at)).trim();
  const value = at < 0 ? '' : text.slice(at + 1).trim();
  if (!/^[\w./-]+$/.test(key)) throw new MlError(`tag "${text}": the key must be letters, digits, _ - . or / (as in team=vision), got "${key}"`);
  return { key, value: value.replace(/^(['"])(.*)\1$/, '$2') };
}

/** Sets one tag (replacing its value). */
export function setTag(runDir: string, key: string, value: string): RunAnnotations {
  parseTag(`${key}=x`);
  const current = readAnnotations(runDir);
  return write(runDir, { ...current, tags: { ...current.tags, [key]: value } });
}

/** Removes one tag. */
export function removeTag(runDir: string, key: string): RunAnnotations {
  const current = readAnnotations(runDir);
  const tags = Object.fromEntries(Object.entries(current.tags).filter(([name]) => name !== key));
  return write(runDir, { ...current, tags });
}
