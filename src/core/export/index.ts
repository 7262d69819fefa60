/**
 * `mlwb export`: a completed run (or an earlier export) as a self-contained folder that
 * `mlwb serve DIR` serves on any machine: run.json, the model (model.json, and model/ for networks),
 * pipeline.json, schema.json, reference.json, a README and a scikit-learn script that reproduces it.
 */
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PipelineJSON } from '../prepare/pipeline';
import type { RunSchema } from '../runs/artifacts';
import { makeDirectory } from '../runs/atomic';
import type { RunRecord } from '../runs/store';
import { checkEncoderFolders, ENCODERS_DIR, type EncoderUse } from '../runs/encoders';
import { VERSIONS_DIR } from '../runs/versions';
import { MlError } from '../types';
import { sklearnScript } from './sklearnScript';

/** Files a served model needs; model/ only for networks saved in tfjs format. */
export const EXPORT_FILES = ['run.json', 'model.json', 'pipeline.json', 'schema.json', 'reference.json'] as const;

export interface ExportResult {
  readonly outDir: string;
  readonly files: string[];
}

/** Checks that `runDir` holds a completed run and `outDir` is new or empty; returns both resolved and the run's record. */
export function checkExportable(runDir: string, outDir: string): { from: string; to: string; record: RunRecord } {
  const from = path.resolve(runDir);
  const to = path.resolve(outDir);
  for (const file of EXPORT_FILES) {
    if (!existsSync(path.join(from, file))) throw new MlError(`${file} is missing in ${from}: only a completed run can be exported`);
  }
  const record = JSON.parse(readFileSync(path.join(from, 'run.json'), 'utf8')) as RunRecord;
  if (record.status !== 'completed') throw new MlError(`run ${record.id} is ${record.status}; only a completed run can be exported`);
  if (from === to) throw new MlError('the export folder must differ from the run folder');
  if (existsSync(to) && readdirSync(to).length > 0) throw new MlError(`${to} exists and is not empty; choose a new folder`);
  return { from, to, record };
}

/** Copies a completed run into `outDir` (new or empty) with a README.md and train_sklearn.py. */
export function exportRun(runDir: string, outDir: string): ExportResult {
  const { from, to, record } = checkExportable(runDir, outDir);
  makeDirectory(to);
  const files: string[] = [];
  for (const file of EXPORT_FILES) {
    cpSync(path.join(from, file), path.join(to, file));
    files.push(file);
  }
  const encoders = copyEncoders(from, to);
  files.push(...encoders);
  const model = JSON.parse(readFileSync(path.join(from, 'model.json'), 'utf8')) as { format?: string; dir?: string };
  if (model.format === 'tfjs-layers') {
    const dir = model.dir ?? 'model';
    cpSync(path.join(from, dir), path.join(to, dir), { recursive: true });
    files.push(`${dir}/`);
  }
  if (existsSync(path.join(from, VERSIONS_DIR, 'index.json'))) {
    // Models updated online from feedback: the newest version is the one `mlwb serve` loads.
    cpSync(path.join(from, VERSIONS_DIR), path.join(to, VERSIONS_DIR), { recursive: true, filter: (source) => !source.endsWith('.tmp') });
    files.push(`${VERSIONS_DIR}/`);
  }
  const schema = JSON.parse(readFileSync(path.join(from, 'schema.json'), 'utf8')) as RunSchema;
  const reference = JSON.parse(readFileSync(path.join(from, 'reference.json'), 'utf8')) as { columns: Record<string, unknown[]> };
  const pipeline = JSON.parse(readFileSync(path.join(from, 'pipeline.json'), 'utf8')) as PipelineJSON | { type: 'text_column' };
  writeFileSync(path.join(to, 'train_sklearn.py'), sklearnScript(record, pipeline.type === 'pipeline' ? pipeline : undefined), { mode: 0o755 });
  writeFileSync(path.join(to, 'README.md'), exportReadme(record, schema, reference.columns, encoders.length > 0));
  files.push('train_sklearn.py', 'README.md');
  return { outDir: to, files };
}

/**
 * Embed steps: copies each encoder folder the run reads (checked first: present, same SHA-256 as in
 * training) into `encoders/<folder name>/` of the export, and records it there in the export's
 * pipeline.json, relative to the export, so the export serves wherever it is copied.
 */
function copyEncoders(from: string, to: string): string[] {
  const pipeline = JSON.parse(readFileSync(path.join(from, 'pipeline.json'), 'utf8')) as PipelineJSON;
  let uses: EncoderUse[];
  try {
    uses = checkEncoderFolders(pipeline, from);
  } catch (error) {
    throw error instanceof MlError ? new MlError(`cannot export: ${error.message}`) : error;
  }
  if (uses.length === 0) return [];
  const copied = new Map<string, string>();
  const steps = pipeline.steps.map((step, index) => {
    const use = uses.find((u) => u.step === index);
    if (!use) return step;
    let relative = copied.get(use.folder);
    if (relative === undefined) {
      const base = path.basename(use.folder).replace(/[^\w.-]+/g, '-') || 'encoder';
      const taken = new Set(copied.values());
      for (let i = 1; relative === undefined || taken.has(relative); i++) relative = `${ENCODERS_DIR}/${i === 1 ? base : `${base}-${i}`}`;
      cpSync(use.folder, path.join(to, relative), { recursive: true });
      copied.set(use.folder, relative);
    }
    return { ...step, state: { ...(step.state as Record<string, unknown>), model: relative } };
  });
  writeFileSync(path.join(to, 'pipeline.json'), `${JSON.stringify({ ...pipeline, steps }, null, 2)}\n`);
  return [`${ENCODERS_DIR}/`];
}

/** The README of an export: what the model is, how to serve and call it, and the files. */
export function exportReadme(record: RunRecord, schema: RunSchema, referenceColumns: Record<string, unknown[]>, withEncoders = false): string {
  const example = Object.fromEntries(schema.features.map((f) => [f.name, referenceColumns[f.name]?.[0] ?? null]));
  const metrics = Object.entries(record.metrics ?? {}).filter(([, v]) => typeof v === 'number');
  return `# ${record.experiment} — run ${record.id}

A ${schema.task} model (\`${record.modelType ?? 'model'}\`) exported by ML Workbench with its fitted preparation
pipeline, ready to serve on any machine with Node.js 20 and the \`mlwb\` command.

## Serve it

\`\`\`sh
mlwb serve path/to/this-folder --port 8080                   # 127.0.0.1 by default
mlwb serve . --host 0.0.0.0 --port 8080 --token SECRET      # other hosts need a token
\`\`\`

Then call it (one row; \`dataframe_split\`, \`instances\` and \`text/csv\` work as well):

\`\`\`sh
curl -s http://127.0.0.1:8080/invocations -H 'Content-Type: application/json' \\
  -d '${JSON.stringify({ dataframe_records: [example] }).replace(/'/g, "'\\''")}'
\`\`\`

The answer holds \`predictions\`${schema.task === 'classification' ? ', `probabilities` (columns in `labels` order)' : ''} and a
\`prediction_ids\` entry per row. Send true ${schema.task === 'classification' ? 'labels' : 'values'} back with
\`POST /feedback {"prediction_ids": [...], "${schema.task === 'classification' ? 'labels' : 'values'}": [...]}\`; they are appended to
\`feedback.jsonl\` here. \`GET /health\`, \`/version\`, \`/metrics\` (Prometheus) and \`/monitor\` (JSON) describe the service.

## Input columns

| column | kind |
| --- | --- |
${schema.features.map((f) => `| ${f.name} | ${f.kind} |`).join('\n')}

Target: \`${schema.target.name}\`${schema.labels ? ` (classes: ${schema.labels.join(', ')})` : ''}.

## Metrics of the run

${metrics.length ? metrics.map(([k, v]) => `- ${k}: ${(v as number).toFixed(4)}`).join('\n') : '(none recorded)'}

## Files

- \`run.json\` — the run record: experiment as run, data fingerprint (sha256), parameters, metrics
- \`model.json\`${record.modelType === 'mlp' || record.modelType === 'transformer' ? ' and `model/` (TensorFlow.js layers format)' : ''} — the fitted model
- \`pipeline.json\` — the fitted preparation steps, applied to every request
- \`schema.json\` — input columns and kinds that requests are validated against
- \`reference.json\` — a sample of the training features that drift is measured against${
    withEncoders ? '\n- `encoders/` — the pretrained text encoders of the `embed` steps (requests send raw text; the service embeds it)' : ''
  }
- \`train_sklearn.py\` — the same preparation and model in scikit-learn: \`python3 train_sklearn.py --data ${record.data?.path ?? 'DATA.csv'}\`
`;
}
