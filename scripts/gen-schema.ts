/**
 * Writes schemas/experiment.schema.json from the core's model registry, step names and metrics.
 * Run after changing a model's parameters or a step's options: node --import tsx scripts/gen-schema.ts
 * (test/unit/schema/schema.test.ts fails while the committed file and the generated one differ).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExperimentSchema } from '../src/extension/experiments/schema';

const target = join(import.meta.dirname, '..', 'schemas', 'experiment.schema.json');
writeFileSync(target, `${JSON.stringify(buildExperimentSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
