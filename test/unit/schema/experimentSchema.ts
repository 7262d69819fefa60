/** The committed schemas/experiment.schema.json and an Ajv validator of it, as an editor's YAML extension reads it. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';

const root = path.join(__dirname, '..', '..', '..');

export const committedSchema = JSON.parse(readFileSync(path.join(root, 'schemas', 'experiment.schema.json'), 'utf8')) as Record<string, unknown>;

// strictTypes would ask for `type: object` beside every `properties` inside if/then, which draft-07 does not need.
const ajv = new Ajv({ allErrors: true, strictTypes: false });
ajv.addVocabulary(['defaultSnippets', 'enumDescriptions']);

/** True when the value is a valid experiment file; otherwise false, with `validateSchema.errors` saying why. */
export const validateSchema = ajv.compile(committedSchema);
