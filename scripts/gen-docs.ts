/**
 * Writes the generated parts of docs/: docs/experiment-file.md from the model specs, the step option
 * schemas and the experiment schema. Run after adding a model, a parameter or a step option:
 * npm run docs (test/unit/schema/docs.test.ts fails while the committed file and the generated one differ).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentFileDoc } from './docs/experimentFile';

const target = join(import.meta.dirname, '..', 'docs', 'experiment-file.md');
writeFileSync(target, experimentFileDoc());
console.log(`wrote ${target}`);
