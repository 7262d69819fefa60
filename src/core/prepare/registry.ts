/** Maps step names of the experiment file to their classes, for building from the YAML and from saved JSON. */
import { MlError } from '../types';
import { PrepareStep, StepJSON, StepName } from './step';
import { ClipStep } from './steps/clip';
import { CoerceStep } from './steps/coerce';
import { DatetimeStep } from './steps/datetime';
import { DropStep } from './steps/drop';
import { DropDuplicatesStep } from './steps/dropDuplicates';
import { DropMissingStep } from './steps/dropMissing';
import { EmbedStep, type EmbedContext } from './steps/embed';
import { ImputeStep } from './steps/impute';
import { OneHotStep } from './steps/onehot';
import { OrdinalStep } from './steps/ordinal';
import { ScaleStep } from './steps/scale';
import { SelectStep } from './steps/select';
import { TextStep } from './steps/text';

interface StepClass {
  new (options: Record<string, unknown>, context?: EmbedContext): PrepareStep;
  fromJSON(json: StepJSON, context?: EmbedContext): PrepareStep;
}

const STEPS: Record<StepName, StepClass> = {
  dropDuplicates: DropDuplicatesStep,
  dropMissing: DropMissingStep,
  drop: DropStep,
  datetime: DatetimeStep,
  impute: ImputeStep,
  coerce: CoerceStep,
  clip: ClipStep,
  scale: ScaleStep,
  onehot: OneHotStep,
  ordinal: OrdinalStep,
  text: TextStep,
  select: SelectStep,
  embed: EmbedStep,
};

export const STEP_NAMES = Object.keys(STEPS) as StepName[];

function stepClass(name: string): StepClass {
  const found = (STEPS as Record<string, StepClass | undefined>)[name];
  if (!found) throw new MlError(`unknown step "${name}"; the steps are ${STEP_NAMES.join(', ')}`);
  return found;
}

/** A new, unfitted step from its name and options as written in the experiment file; `context` serves the embed step. */
export function createStep(name: string, options: unknown, context?: EmbedContext): PrepareStep {
  const opts = options === null || options === undefined ? {} : options;
  if (typeof opts !== 'object' || Array.isArray(opts))
    throw new MlError(`${name}: options must be an object like { key: value }, got ${JSON.stringify(options)}`);
  return new (stepClass(name))(opts as Record<string, unknown>, context);
}

/** A fitted step restored from its JSON. */
export function stepFromJSON(json: StepJSON, context?: EmbedContext): PrepareStep {
  return stepClass(json.step).fromJSON(json, context);
}
