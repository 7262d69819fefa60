/** What a run records of its embed steps: each step's encoder, width and truncations, and the cache's hits and misses. */
import type { CacheCounts } from './cache';
import { AwaitedPipeline, Pipeline } from '../prepare/pipeline';
import { EmbedStep, type EmbedSummary } from '../prepare/steps/embed';

export interface EmbedRecord {
  /** Per embed step of the final fit: column, model folder, its sha256, the width, texts cut to max_length. */
  readonly steps: EmbedSummary[];
  /** Over the whole run (every fold, trial and the refit): texts found in the cache, and texts the encoder ran for. */
  readonly cache: CacheCounts;
}

/** The embed record of a trained pipeline, or undefined when it has no embed step. A pipeline trained on a queue worker carries it. */
export function embedRecord(pipeline: unknown): EmbedRecord | undefined {
  const carried = (pipeline as { embeddings?: EmbedRecord } | null)?.embeddings;
  if (carried) return carried;
  const inner = pipeline instanceof AwaitedPipeline ? pipeline.pipeline : pipeline;
  if (!(inner instanceof Pipeline)) return undefined;
  const steps = inner.steps.filter((step): step is EmbedStep => step instanceof EmbedStep);
  if (steps.length === 0) return undefined;
  return {
    steps: steps.flatMap((step) => (step.summary ? [step.summary] : [])),
    cache: (steps[0] as EmbedStep).cacheCounts,
  };
}
