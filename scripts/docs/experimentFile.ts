/**
 * docs/experiment-file.md, generated: the keys from the experiment file's JSON Schema, every model
 * type with its parameters from the model specs, every preparation step with its options, and the
 * metrics. A new model or option appears here by running `npm run docs`; a unit test
 * (test/unit/schema/docs.test.ts) fails while the committed file is out of date.
 */
import { PREPARE_STEPS } from '../../src/core/experiment/experiment';
import { isRecord } from '../../src/core/json';
import { metricInfo, METRIC_NAMES } from '../../src/core/metrics';
import type { ParamSpec } from '../../src/core/models/spec';
import { MODEL_SPECS } from '../../src/core/models/specs';
import { DEFAULT_SEED } from '../../src/core/random';
import { rangeText } from '../../src/extension/experiments/assist';
import type { JsonSchema } from '../../src/extension/experiments/modelParams';
import { buildExperimentSchema } from '../../src/extension/experiments/schema';
import { STEP_OPTION_SCHEMAS } from '../../src/extension/experiments/stepOptions';

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const code = (value: unknown): string => `\`${show(value)}\``;
/** A table cell: pipes escaped, no line breaks. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

/** `number`, `integer or null`, `l2, l1, none`: what a value may be. */
function allowed(schema: JsonSchema): string {
  if (schema.const !== undefined) return code(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map(code).join(', ');
  if (Array.isArray(schema.anyOf)) return [...new Set(schema.anyOf.filter(isRecord).map(allowed))].join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : typeof schema.type === 'string' ? schema.type : 'any';
  if (type === 'array' && isRecord(schema.items)) return `list of ${allowed(schema.items)}`;
  if (type === 'object' && isRecord(schema.additionalProperties)) return `map of name → ${allowed(schema.additionalProperties)}`;
  return type;
}

function rangeOf(schema: JsonSchema): string {
  const own = rangeText(schema);
  if (own) return own;
  if (Array.isArray(schema.anyOf)) return schema.anyOf.filter(isRecord).map(rangeOf).filter(Boolean).join('; ');
  if (isRecord(schema.items)) return rangeText(schema.items) ?? '';
  return '';
}

function defaultOf(param: Pick<ParamSpec, 'default' | 'taskDefaults'>): string {
  if (param.taskDefaults) {
    return Object.entries(param.taskDefaults)
      .map(([task, value]) => `${code(value)} (${task})`)
      .join(', ');
  }
  return param.default === undefined ? '—' : code(param.default);
}

/** A key's description, or the meaning of each of its values. */
function meaningOf(schema: JsonSchema): string {
  if (typeof schema.description === 'string') return schema.description;
  const values = Array.isArray(schema.enum) ? schema.enum : [];
  const descriptions = Array.isArray(schema.enumDescriptions) ? schema.enumDescriptions : [];
  return values.map((value, i) => `${code(value)}: ${show(descriptions[i] ?? '')}`).join(' ');
}

/** "holdout takes test_size, stratify; kfold takes …": the keys each validation method allows, from the schema's if/then rules. */
function methodKeys(schema: JsonSchema | undefined): string {
  const rules = Array.isArray(schema?.allOf) ? schema.allOf.filter(isRecord) : [];
  const parts = rules.flatMap((rule) => {
    const method = isRecord(rule.if) && isRecord(rule.if.properties) && isRecord(rule.if.properties.method) ? rule.if.properties.method.const : undefined;
    const keys = isRecord(rule.then) && isRecord(rule.then.properties) ? Object.keys(rule.then.properties).filter((key) => key !== 'method') : [];
    return typeof method === 'string' ? [`${code(method)} takes ${keys.map(code).join(', ')}`] : [];
  });
  return parts.length > 0 ? `${parts.join('; ')}.` : '';
}

/** The properties of an object schema, or of the object among its anyOf choices (\`importance: false | { … }\`). */
function objectProperties(schema: JsonSchema): Record<string, unknown> | undefined {
  if (isRecord(schema.properties)) return schema.properties;
  const choice = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isRecord).find((s) => isRecord(s.properties)) : undefined;
  return choice && isRecord(choice.properties) ? choice.properties : undefined;
}

/** A section for each top-level key with options of its own that has no hand-written section (so a new key is documented too). */
function otherKeySections(properties: Record<string, JsonSchema>): string {
  const written = new Set(['data', 'model', 'validation', 'search', 'prepare']);
  return Object.entries(properties)
    .filter(([name]) => !written.has(name))
    .flatMap(([name, schema]) => {
      const inner = objectProperties(schema);
      return inner ? [`### ${name}\n\n${meaningOf(schema)}\n\n${keyTable(inner)}`] : [];
    })
    .join('\n\n');
}

function keyTable(properties: Record<string, unknown>): string {
  const rows = Object.entries(properties)
    .filter((entry): entry is [string, JsonSchema] => isRecord(entry[1]))
    .map(([name, schema]) => [code(name), allowed(schema), schema.default === undefined ? '—' : code(schema.default), rangeOf(schema), meaningOf(schema)]);
  return table(['key', 'value', 'default', 'range', 'meaning'], rows);
}

function modelSection(): string {
  const summary = table(
    ['type', 'tasks', 'input', 'learns online', 'what it is'],
    MODEL_SPECS.map((spec) => [`[${code(spec.type)}](#${spec.type})`, spec.tasks.join(', '), spec.input, spec.online ? 'yes' : 'no', spec.doc]),
  );
  const sections = MODEL_SPECS.map((spec) => {
    const params = Object.entries(spec.params);
    const body =
      params.length === 0
        ? 'No parameters.'
        : table(
            ['parameter', 'value', 'default', 'range', 'meaning'],
            params.map(([name, param]) => {
              const values = param.taskValues
                ? Object.entries(param.taskValues)
                    .map(([task, list]) => `${list.map(code).join(', ')} (${task})`)
                    .join('; ')
                : allowed(param.schema as JsonSchema);
              return [code(name), values, defaultOf(param), rangeOf(param.schema as JsonSchema), param.doc];
            }),
          );
    const fixed = spec.fixed
      ? `\n\nFixed by the type: ${Object.entries(spec.fixed)
          .map(([k, v]) => `${code(k)} = ${code(v)}`)
          .join(', ')}.`
      : '';
    const starter = Object.keys(spec.starter).length > 0 ? `\n\nNew Experiment writes: \`params: ${show(spec.starter)}\`.` : '';
    return `### ${spec.type}\n\n${spec.doc} Tasks: ${spec.tasks.join(', ')}.\n\n${body}${fixed}${starter}`;
  });
  return [summary, ...sections].join('\n\n');
}

function stepSection(): string {
  const summary = table(
    ['step', 'what it does'],
    PREPARE_STEPS.map((name) => [`[${code(name)}](#${name.toLowerCase()})`, STEP_OPTION_SCHEMAS[name]?.description ?? '']),
  );
  const sections = PREPARE_STEPS.map((name) => {
    const step = STEP_OPTION_SCHEMAS[name];
    if (!step) return `### ${name}\n\n(no options documented)`;
    const required = new Set(step.required ?? []);
    const rows = Object.entries(step.options).map(([option, schema]) => [
      code(option) + (required.has(option) ? ' (required)' : ''),
      allowed(schema),
      schema.default === undefined ? '—' : code(schema.default),
      rangeOf(schema),
      typeof schema.description === 'string' ? schema.description : '',
    ]);
    return `### ${name}\n\n${step.description}\n\n${rows.length > 0 ? table(['option', 'value', 'default', 'range', 'meaning'], rows) : 'No options.'}`;
  });
  return [summary, ...sections].join('\n\n');
}

function metricSection(): string {
  return table(
    ['metric', 'task', 'better'],
    METRIC_NAMES.map((name) => {
      const info = metricInfo(name);
      return [code(name), info.task, info.greaterIsBetter ? 'higher' : 'lower'];
    }),
  );
}

/** The whole of docs/experiment-file.md. */
export function experimentFileDoc(): string {
  const schema = buildExperimentSchema() as JsonSchema & { properties: Record<string, JsonSchema> };
  const { data, validation, search } = schema.properties;
  const typeExample = MODEL_SPECS[0]?.type ?? 'MODEL_TYPE';
  return `<!-- Generated by \`npm run docs\` (scripts/gen-docs.ts) from the model specs, the step option schemas and the
experiment schema. Do not edit by hand: a unit test fails while this file differs from what the script writes. -->

# The experiment file

An experiment file describes one experiment: the data, the column to predict, how the data is
prepared, the model and its parameters, how the model is measured and, optionally, a search over
parameters. It is a YAML file named \`*.experiment.yaml\` (or \`.yml\`), or the same keys in JSON
(\`*.experiment.json\`). The editor checks it as you type (problems show on their line), completes
every key, model type, parameter, step and column name with Ctrl+Space, shows what a key means when
you hover it, and offers "Change to …" quick fixes for misspelt names. *ML Workbench: New
Experiment…* writes a commented one from a dataset; *ML Workbench: Train Experiment* (or \`mlwb train
FILE\`) trains it.

\`\`\`yaml
name: iris
data:
  path: data/iris.csv          # relative to this file
  target: species
task: classification           # or regression; inferred from the target when omitted
prepare:                       # ordered steps, each fitted on the training rows only
  - impute: { strategy: median }
  - scale: { method: standard }
model:
  type: logistic_regression
  params: { C: 1.0, penalty: l2 }
validation: { method: kfold, folds: 5, stratify: true }   # or { method: holdout, test_size: 0.2 }
search: { method: grid, metric: f1_macro, params: { C: [0.1, 1, 10] } }
seed: ${DEFAULT_SEED}
\`\`\`

Parameters take scikit-learn's names, so \`C\`, \`max_depth\` or \`n_estimators\` mean what they mean there.

## Keys

${keyTable(schema.properties)}

\`data\` and \`model\` are required.

### data

${keyTable(isRecord(data?.properties) ? data.properties : {})}

The data file may be csv, tsv, json, jsonl/ndjson or parquet.

### model

| key | value | meaning |
| --- | --- | --- |
| \`type\` | one of the [model types](#model-types) | The model to train (required). |
| \`params\` | map | Its parameters, listed under each type below; a parameter left out takes its default. |

### validation

${keyTable(isRecord(validation?.properties) ? validation.properties : {})}

${methodKeys(validation)} With
\`kfold\`, the metrics of a run are computed on the out-of-fold predictions of every row, and the run
also records each fold's metrics with their mean and standard deviation. Either way, the model that
is saved (and deployed) is then trained again on all rows.

### search

${keyTable(isRecord(search?.properties) ? search.properties : {})}

Each entry of \`search.params\` is a list of candidate values, or (random and halving search) a range:
\`{ loguniform: [0.001, 100] }\` (sampled on a log scale, both bounds > 0), \`{ uniform: [0, 1] }\`, or
\`{ randint: [1, 20] }\` (integers, upper bound excluded). Each candidate is scored by cross-validation
(the folds of \`validation\`, or \`search.folds\` inner folds when validation is a hold-out); the best is
the candidate with the best mean of \`metric\` over the folds, and it is trained again on all rows. The runs view lists every trial under its sweep.

${otherKeySections(schema.properties)}

## Model types

${modelSection()}

## Preparation steps

Each item of \`prepare\` is a one-key map: the step's name and its options, e.g. \`- scale: { method:
robust }\` (\`{}\` or nothing takes the defaults). Steps run in order and are fitted on the training rows
only (inside each fold under cross-validation), so nothing leaks from the test rows. A step without
\`columns\` applies to every column of the kinds it handles (numeric for \`impute\`/\`scale\`/\`clip\`,
categorical for \`onehot\`/\`ordinal\`); columns a step does not mention keep their values.

${stepSection()}

## Metrics

Classification runs record accuracy, macro precision/recall/F1 and the confusion matrix; regression
runs record rmse, mae and r2. \`search.metric\` may be any of these:

${metricSection()}

## Task

\`task\` is \`classification\` or \`regression\`. Left out, it is inferred from the target: text, and
integers with few distinct values, are classes; other numbers are a regression target. A model
type that does not serve the task is an error (each type's tasks are listed above, e.g.
\`${typeExample}\` does ${MODEL_SPECS[0]?.tasks.join(' and ') ?? 'its tasks'}).
`;
}
