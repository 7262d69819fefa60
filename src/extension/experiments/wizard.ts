/**
 * "ML Workbench: New Experiment…": dataset → target column → task → model family → validation →
 * file name, then writes a commented experiment file and opens it. Each answer can be given in the
 * command's argument (tests, the Datasets tree); only the missing ones are asked. Escape cancels.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildColumn } from '../../core/data/infer';
import { inferTask } from '../../core/data/target';
import type { ColumnProfile, DatasetProfile } from '../../core/datasets/types';
import { modelSpec, modelTypes } from '../../core/models/specs';
import type { Task } from '../../core/types';
import type { DatasetsClient } from '../datasets/client';
import type { Log } from '../log';
import { classBalance, encoderFolderProblem, encoderPath, experimentYaml, templateColumn, validationChoices, type ValidationSpec } from './template';
import { showFailure } from '../failure';

/** Answers given up front; each one skips its question. */
export interface NewExperimentAnswers {
  readonly dataset?: vscode.Uri | string;
  readonly target?: string;
  /** A task, or `inferred` to take the core's inference from the target without asking. */
  readonly task?: Task | 'inferred';
  readonly model?: string;
  /** An id of validationChoices (`kfold5`, `holdout20`, …) or a validation object. */
  readonly validation?: string | ValidationSpec;
  /** File name; an existing file is never overwritten, a fresh name is used instead. */
  readonly fileName?: string;
  /**
   * How the first text column becomes features: `tfidf`, or a pretrained encoder folder (absolute, or
   * relative to the experiment file) for an `embed` step. Asked when the data has a text column.
   */
  readonly textFeatures?: 'tfidf' | { readonly encoder: string };
}

export interface WizardDeps {
  readonly client: DatasetsClient;
  readonly log: Log;
}

/** Rows read to infer the task and count classes when the profile has no value counts (integer labels). */
const SAMPLE_ROWS = 10_000;

/** The command's argument as it may arrive: answers, a dataset URI or path, a tree node with a `uri`/`entry`. */
export function answersOf(arg: unknown): NewExperimentAnswers {
  if (arg instanceof vscode.Uri || typeof arg === 'string') return { dataset: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const record = arg as Record<string, unknown>;
  const entry = record.entry as { uri?: unknown } | undefined;
  if (entry?.uri instanceof vscode.Uri) return { dataset: entry.uri };
  if (record.uri instanceof vscode.Uri) return { dataset: record.uri };
  return record as NewExperimentAnswers;
}

const toUri = (dataset: vscode.Uri | string): vscode.Uri => (typeof dataset === 'string' ? vscode.Uri.file(dataset) : dataset);

/** Runs the wizard; resolves to the written file, or undefined when cancelled or impossible. */
export async function newExperiment(deps: WizardDeps, arg: unknown): Promise<vscode.Uri | undefined> {
  const answers = answersOf(arg);
  const dataset = answers.dataset ? toUri(answers.dataset) : await pickDataset();
  if (!dataset) return undefined;
  const name = path.basename(dataset.fsPath);

  let profile: DatasetProfile;
  try {
    profile = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${name}…` }, () =>
      deps.client.profile(dataset.fsPath),
    );
  } catch (error) {
    showFailure(`cannot read ${name}`, error);
    return undefined;
  }
  if (profile.columns.length < 2) {
    void vscode.window.showErrorMessage(`ML Workbench: ${name} has ${profile.columns.length} column; an experiment needs a target and at least one feature.`);
    return undefined;
  }

  const target = answers.target ?? (await pickTarget(profile, name));
  if (!target) return undefined;
  const targetColumn = profile.columns.find((c) => c.name === target);
  if (!targetColumn) {
    void vscode.window.showErrorMessage(`ML Workbench: ${name} has no column "${target}"; it has: ${profile.columns.map((c) => c.name).join(', ')}`);
    return undefined;
  }

  const sample = await sampleTarget(deps, dataset.fsPath, target);
  const inferred = sample.inferred;
  const task = answers.task === 'inferred' ? inferred?.task : (answers.task ?? (await pickTask(inferred, target)));
  if (!task) {
    if (answers.task === 'inferred')
      void vscode.window.showErrorMessage(`ML Workbench: cannot infer the task from "${target}" of ${name}; give classification or regression.`);
    return undefined;
  }

  const columns = profile.columns.map(templateColumn);
  const hasText = columns.some((c) => c.kind === 'text' && c.name !== target);
  const model = answers.model ?? (await pickModel(task, hasText));
  if (!model) return undefined;

  const folder = experimentFolder(dataset);
  const textColumn = columns.find((c) => c.kind === 'text' && c.name !== target && !c.idLike && !c.date);
  let encoder: string | undefined;
  if (textColumn && modelSpec(model).input !== 'text') {
    const features = answers.textFeatures ?? (await pickTextFeatures(textColumn.name));
    if (!features) return undefined;
    if (features !== 'tfidf') {
      const chosen = path.resolve(folder.fsPath, features.encoder);
      const problem = encoderFolderProblem(chosen, (file) => existsSync(path.join(chosen, file)));
      if (problem) {
        void vscode.window.showErrorMessage(`ML Workbench: ${problem}`);
        return undefined;
      }
      encoder = encoderPath(chosen, folder.fsPath);
    }
  }

  const validation = typeof answers.validation === 'object' ? answers.validation : await pickValidation(task, answers.validation);
  if (!validation) return undefined;

  const stem = path.basename(dataset.fsPath).replace(/\.[^.]+$/, '');
  const file = await chooseFile(folder, answers.fileName ?? `${stem}.experiment.yaml`, answers.fileName !== undefined);
  if (!file) return undefined;

  const text = experimentYaml({
    name: path.basename(file.fsPath).replace(/\.experiment\.(ya?ml|json)$/i, ''),
    dataPath: path.relative(path.dirname(file.fsPath), dataset.fsPath).split(path.sep).join('/'),
    target,
    task,
    ...(inferred && inferred.task === task ? { taskReason: inferred.reason } : {}),
    targetSummary: targetSummary(targetColumn, task, sample.counts),
    model,
    validation,
    columns,
    ...(encoder !== undefined ? { encoder } : {}),
  });
  await vscode.workspace.fs.writeFile(file, Buffer.from(text, 'utf8'));
  deps.log.info(`new experiment ${file.fsPath} (${model} on ${dataset.fsPath}, target ${target})`);
  await vscode.window.showTextDocument(file, { preview: false });
  return file;
}

async function pickDataset(): Promise<vscode.Uri | undefined> {
  const settings = vscode.workspace.getConfiguration('mlWorkbench.datasets');
  const include = settings.get<string[]>('include', ['**/*.{csv,tsv,json,jsonl,ndjson,parquet}']);
  const exclude = settings.get<string[]>('exclude', ['**/node_modules/**', '**/.mlwb/**']);
  const glob = (patterns: readonly string[]): string => (patterns.length === 1 ? (patterns[0] as string) : `{${patterns.join(',')}}`);
  const found = await vscode.workspace.findFiles(glob(include), exclude.length > 0 ? glob(exclude) : undefined, 2000);
  const files = found.filter((uri) => !EXPERIMENT_OR_CONFIG.test(uri.fsPath)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (files.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: no dataset files (csv, tsv, json, jsonl, parquet) in this workspace.');
    return undefined;
  }
  const items = files.map((uri) => ({ label: path.basename(uri.fsPath), description: path.dirname(vscode.workspace.asRelativePath(uri, true)), uri }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'New Experiment (1/6): dataset',
    placeHolder: 'The data file to learn from',
    matchOnDescription: true,
  });
  return picked?.uri;
}

/** JSON files that are experiment files or tool settings, not data. */
const EXPERIMENT_OR_CONFIG = /(\.experiment\.json|package(-lock)?\.json|tsconfig[^/\\]*\.json)$/i;

function describeColumn(column: ColumnProfile, rows: number): string {
  const missing = rows > 0 && column.missing > 0 ? ` · ${Math.round((100 * column.missing) / rows)}% missing` : '';
  return `${column.type} · ${column.distinct} distinct${missing}`;
}

function columnDetail(column: ColumnProfile): string | undefined {
  if (column.topValues && column.distinct <= 50) return classBalance(column.topValues, column.count, column.distinct);
  if (column.numeric) return `from ${round(column.numeric.min)} to ${round(column.numeric.max)}, mean ${round(column.numeric.mean)}`;
  return undefined;
}

const round = (value: number): string => String(Number(value.toPrecision(4)));

async function pickTarget(profile: DatasetProfile, name: string): Promise<string | undefined> {
  const items = profile.columns.map((column) => ({
    label: column.name,
    description: describeColumn(column, profile.rowCount),
    detail: columnDetail(column),
  }));
  // The last column is the usual place of the label, so it comes first.
  const ordered = [...items.slice(-1), ...items.slice(0, -1)];
  const picked = await vscode.window.showQuickPick(ordered, {
    title: `New Experiment (2/6): target column of ${name}`,
    placeHolder: `The column to predict (${profile.rowCount} rows)`,
    matchOnDescription: true,
  });
  return picked?.label;
}

interface TargetSample {
  readonly inferred?: { task: Task; reason: string };
  /** Value counts of the sampled target, most frequent first. */
  readonly counts: { value: string; count: number }[];
}

/** Reads the target from the first rows (through the worker) to infer the task with the core's rule and count classes. */
async function sampleTarget(deps: WizardDeps, filePath: string, target: string): Promise<TargetSample> {
  try {
    const page = await deps.client.page(filePath, { offset: 0, limit: SAMPLE_ROWS, quick: true });
    const index = page.columns.indexOf(target);
    if (index < 0) return { counts: [] };
    const values = page.rows.map((row) => row[index] ?? null);
    const counts = new Map<string, number>();
    for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
    const sorted = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
    return { inferred: inferTask(buildColumn(target, values)), counts: sorted };
  } catch (error) {
    deps.log.error(`could not sample ${target} of ${filePath}`, error);
    return { counts: [] };
  }
}

async function pickTask(inferred: { task: Task; reason: string } | undefined, target: string): Promise<Task | undefined> {
  const tasks: Task[] = inferred?.task === 'regression' ? ['regression', 'classification'] : ['classification', 'regression'];
  const items = tasks.map((task) => ({
    label: task,
    task,
    description: inferred?.task === task ? '(inferred)' : '',
    detail: inferred?.task === task ? inferred.reason : task === 'classification' ? `Predict "${target}" as a class label` : `Predict "${target}" as a number`,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'New Experiment (3/6): task', placeHolder: `What predicting "${target}" means` });
  return picked?.task;
}

async function pickModel(task: Task, hasText: boolean): Promise<string | undefined> {
  const items = modelTypes()
    .filter((info) => info.available && info.tasks.includes(task) && (info.input !== 'text' || hasText))
    .map((info) => ({ label: info.type, description: info.tasks.join(', '), detail: info.spec.doc }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'New Experiment (4/6): model family',
    placeHolder: `A model for ${task}; its parameters can be tuned later`,
    matchOnDetail: true,
  });
  return picked?.label;
}

/** TF-IDF, or a pretrained encoder folder picked in the folder dialog (asked again until it holds an encoder's files); undefined when cancelled. */
async function pickTextFeatures(column: string): Promise<'tfidf' | { encoder: string } | undefined> {
  const items = [
    { label: 'TF-IDF of words and word pairs', detail: 'Fast, no model needed: a sparse vector of word and word-pair weights.', choice: 'tfidf' as const },
    {
      label: 'Pretrained encoder (local folder)',
      detail: 'Sentence vectors from a BERT or MiniLM model in a local folder (config.json, tokenizer.json, onnx/model.onnx); nothing is downloaded.',
      choice: 'encoder' as const,
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `New Experiment (4/6): features of the text column "${column}"`,
    placeHolder: `How "${column}" becomes numbers the model reads`,
  });
  if (!picked) return undefined;
  if (picked.choice === 'tfidf') return 'tfidf';
  for (;;) {
    const [uri] =
      (await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: 'Use This Encoder',
        title: `Pretrained encoder folder for "${column}" (config.json, tokenizer.json, onnx/model.onnx)`,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      })) ?? [];
    if (!uri) return undefined;
    const problem = encoderFolderProblem(uri.fsPath, (file) => existsSync(path.join(uri.fsPath, file)));
    if (!problem) return { encoder: uri.fsPath };
    const again = await vscode.window.showErrorMessage(`ML Workbench: ${problem}`, 'Pick Another Folder');
    if (again !== 'Pick Another Folder') return undefined;
  }
}

async function pickValidation(task: Task, preset: string | undefined): Promise<ValidationSpec | undefined> {
  const choices = validationChoices(task);
  if (preset !== undefined) {
    const found = choices.find((c) => c.id === preset);
    if (!found) void vscode.window.showErrorMessage(`ML Workbench: unknown validation "${preset}"; use one of ${choices.map((c) => c.id).join(', ')}`);
    return found?.spec;
  }
  const picked = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.label, detail: c.detail, spec: c.spec })),
    { title: 'New Experiment (5/6): validation', placeHolder: 'How the model is measured on rows it did not train on' },
  );
  return picked?.spec;
}

/** Beside the dataset's folder (data/iris.csv → ./iris.experiment.yaml), but never above its workspace folder. */
export function experimentFolder(dataset: vscode.Uri): vscode.Uri {
  const own = path.dirname(dataset.fsPath);
  const parent = path.dirname(own);
  const root = vscode.workspace.getWorkspaceFolder(dataset)?.uri.fsPath;
  if (!root || own === root || !isInside(parent, root)) return vscode.Uri.file(own);
  return vscode.Uri.file(parent);
}

const isInside = (child: string, parent: string): boolean => {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

const exists = async (uri: vscode.Uri): Promise<boolean> => {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
};

/** `iris.experiment.yaml`, else `iris-2.experiment.yaml`, …: the first name not taken in `folder`. */
async function freshName(folder: vscode.Uri, wanted: string): Promise<string> {
  const match = /^(.*?)(\.experiment\.(?:ya?ml|json))$/i.exec(wanted);
  const [stem, extension] = match ? [match[1] as string, match[2] as string] : [wanted, ''];
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? wanted : `${stem}-${i}${extension}`;
    if (!(await exists(vscode.Uri.joinPath(folder, candidate)))) return candidate;
  }
}

const withExtension = (name: string): string => (/\.experiment\.ya?ml$/i.test(name) ? name : `${name.replace(/\.ya?ml$/i, '')}.experiment.yaml`);

/** The file to write: a preset name (made fresh if taken), or asked with a fresh default; never an existing file. */
async function chooseFile(folder: vscode.Uri, wanted: string, preset: boolean): Promise<vscode.Uri | undefined> {
  const fresh = await freshName(folder, withExtension(wanted));
  if (preset) return vscode.Uri.joinPath(folder, fresh);
  const answer = await vscode.window.showInputBox({
    title: 'New Experiment (6/6): file name',
    prompt: `Written in ${vscode.workspace.asRelativePath(folder, true)}; .experiment.yaml is added when missing`,
    value: fresh,
    valueSelection: [0, fresh.length - '.experiment.yaml'.length],
    validateInput: async (value) => {
      const name = value.trim();
      if (name === '' || /[\\/:*?"<>|]/.test(name)) return 'A file name without folders or the characters \\ / : * ? " < > |';
      if (await exists(vscode.Uri.joinPath(folder, withExtension(name)))) return `${withExtension(name)} exists; pick another name`;
      return undefined;
    },
  });
  if (answer === undefined) return undefined;
  const file = vscode.Uri.joinPath(folder, withExtension(answer.trim()));
  // The name may have been taken between the check and now; still never overwrite.
  return (await exists(file)) ? vscode.Uri.joinPath(folder, await freshName(folder, withExtension(answer.trim()))) : file;
}

function targetSummary(column: ColumnProfile, task: Task, sampled: readonly { value: string; count: number }[]): string | undefined {
  if (task === 'regression')
    return column.numeric ? `numbers from ${round(column.numeric.min)} to ${round(column.numeric.max)}, mean ${round(column.numeric.mean)}` : undefined;
  if (column.topValues && column.topValues.length > 0) return `classes: ${classBalance(column.topValues, column.count, column.distinct)}`;
  const present = sampled.reduce((sum, c) => sum + c.count, 0);
  return sampled.length > 0 ? `classes: ${classBalance(sampled, present, sampled.length)}` : undefined;
}
