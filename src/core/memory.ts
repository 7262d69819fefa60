/**
 * A full garbage collection on request, between the stages of a large run. A hold-out's copies of the rows and its
 * fit's arrays are dead once it is scored, but V8 collects them when its own heap grows, and typed arrays live outside
 * it: the refit on every row would allocate beside them and the run's peak memory would be the two stages together.
 * The `gc` function comes from a fresh context made while V8 exposes it, as jest's leak detector takes it; where that
 * fails, nothing is collected and nothing else changes.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The collector once looked up: null where it cannot be had. */
let collector: (() => void) | null | undefined;

function lookUp(): (() => void) | null {
  const hidden = typeof (globalThis as { gc?: unknown }).gc !== 'function';
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  } finally {
    // Contexts made later (other code's) do not get a gc global from this.
    if (hidden) setFlagsFromString('--no-expose-gc');
  }
}

/** Collects this thread's garbage now (a full collection); false where no collector could be had. */
export function collectGarbage(): boolean {
  if (collector === undefined) collector = lookUp();
  collector?.();
  return collector !== null;
}
