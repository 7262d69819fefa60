/**
 * The pretrained encoders a saved pipeline's embed steps read, where their folders are when the run
 * is served (a run folder records each folder's absolute path; an export carries a copy under
 * `encoders/` and records it relative to itself), and the check that each folder is still the one
 * the run was trained with (its SHA-256).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { hashModelFolder } from '../embed/modelFolder';
import type { PipelineJSON } from '../prepare/pipeline';
import type { StepJSON } from '../prepare/step';
import { MlError } from '../types';

/** Where an exported run keeps the encoder folders it carries. */
export const ENCODERS_DIR = 'encoders';

/** One embed step of a saved pipeline: its column, the folder as recorded, the folder resolved, and the folder's hash at training. */
export interface EncoderUse {
  /** Index of the step in pipeline.json's steps. */
  readonly step: number;
  readonly column: string;
  /** As pipeline.json records it: absolute (a run folder) or relative to the run folder (an export). */
  readonly recorded: string;
  /** The absolute folder. */
  readonly folder: string;
  readonly sha256: string;
}

interface EmbedStateJSON {
  model: string;
  sha256: string;
  width?: number;
}

function isPipeline(json: unknown): json is PipelineJSON {
  return typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'pipeline' && Array.isArray((json as PipelineJSON).steps);
}

/** The embed steps of a saved pipeline (none for other pipelines), with their folders resolved against `runDir`. */
export function encoderUses(pipeline: unknown, runDir: string): EncoderUse[] {
  if (!isPipeline(pipeline)) return [];
  return pipeline.steps.flatMap((step: StepJSON, index) => {
    if (step.step !== 'embed') return [];
    const state = step.state as EmbedStateJSON | undefined;
    if (!state || typeof state.model !== 'string' || typeof state.sha256 !== 'string') {
      throw new MlError(`pipeline.json in ${runDir}: embed step ${index + 1} records no encoder folder and hash; train the run again`);
    }
    const column = typeof step.options?.column === 'string' ? step.options.column : '?';
    return [{ step: index, column, recorded: state.model, folder: path.resolve(runDir, state.model), sha256: state.sha256 }];
  });
}

/** The pipeline with each embed step's folder made absolute (resolved against `runDir`), as the embed step reads it. */
export function withEncoderFolders<T>(pipeline: T, runDir: string): T {
  const uses = encoderUses(pipeline, runDir);
  if (uses.length === 0) return pipeline;
  const json = pipeline as unknown as PipelineJSON;
  const steps = json.steps.map((step, index) => {
    const use = uses.find((u) => u.step === index);
    return use ? { ...step, state: { ...(step.state as EmbedStateJSON), model: use.folder } } : step;
  });
  return { ...json, steps } as unknown as T;
}

/**
 * Throws an MlError when an encoder folder the run embeds with is missing or differs from the one
 * it was trained with: served predictions would otherwise come from other features than training's.
 */
export function checkEncoderFolders(pipeline: unknown, runDir: string): EncoderUse[] {
  const uses = encoderUses(pipeline, runDir);
  for (const use of uses) {
    const what = `the run embeds column "${use.column}" with the encoder folder ${use.folder}`;
    if (!existsSync(use.folder)) {
      throw new MlError(
        `${what}, which does not exist: put the folder the run was trained with back there (sha256 ${short(use.sha256)}), or serve an export of the run (mlwb export --format folder or container), which carries the folder`,
      );
    }
    let hash: string;
    try {
      hash = hashModelFolder(use.folder);
    } catch (error) {
      throw new MlError(`${what}, which cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (hash !== use.sha256) {
      throw new MlError(
        `${what}, whose files have changed since training (sha256 ${short(hash)}, trained with ${short(use.sha256)}): texts would be embedded otherwise than in training; put the original folder back or train the experiment again`,
      );
    }
  }
  return uses;
}

const short = (hash: string): string => `${hash.slice(0, 12)}…`;
