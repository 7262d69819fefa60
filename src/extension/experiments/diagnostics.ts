/**
 * Problems of open experiment files as diagnostics on their lines: the core's validation (syntax,
 * keys, model type, parameter values, missing data file) at once, then the columns the file names
 * checked against the data's columns, read by the datasets worker.
 */
import * as vscode from 'vscode';
import { parseExperiment } from '../../core/runs/experimentFile';
import { CancelledError, errorMessage } from '../../core/types';
import type { Log } from '../log';
import { textModelWarnings } from './textModelWarnings';
import { parseText, unencodedColumnProblems, unknownColumnProblems, type TextRange, type TypedColumn } from './columns';

export const EXPERIMENT_FILE = /\.experiment\.(ya?ml|json)$/i;
/** Quiet time after the last keystroke before a document is checked again. */
const DEBOUNCE_MS = 300;

/** Column names of a data file; rejects with CancelledError when `signal` aborts. */
export type ColumnsOf = (dataPath: string, signal: AbortSignal) => Promise<readonly string[]>;
/** Column names and the types the datasets engine reads them as; rejects with CancelledError when `signal` aborts. */
export type ColumnTypesOf = (dataPath: string, signal: AbortSignal) => Promise<readonly TypedColumn[]>;

export function isExperimentDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && EXPERIMENT_FILE.test(document.fileName);
}

/** Keeps the "ML Workbench" diagnostics of open experiment files current. */
export class ExperimentDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('ML Workbench');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, AbortController>();
  /** The data file each open experiment points at, so a change of that file checks it again. */
  private readonly dataPaths = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly columnsOf: ColumnsOf,
    private readonly log: Log,
    /** When given, string columns no step encodes or drops (text, dates) are warned about. */
    private readonly columnTypesOf?: ColumnTypesOf,
    /** Reads the whole data file once (a row count), which finds a broken row past the head; Train asks it. */
    private readonly scanData?: (dataPath: string, signal: AbortSignal) => Promise<unknown>,
  ) {
    const { workspace } = vscode;
    this.subscriptions.push(
      workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.schedule(event.document, DEBOUNCE_MS);
      }),
      workspace.onDidSaveTextDocument((document) => this.schedule(document, 0)),
      workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
    );
    // A data file that appears, changes or disappears changes what the experiments naming it may say.
    const watcher = workspace.createFileSystemWatcher('**/*.{csv,tsv,tab,json,jsonl,ndjson,parquet,pq}');
    const dataChanged = (uri: vscode.Uri): void => this.dataChanged(uri.fsPath);
    this.subscriptions.push(watcher, watcher.onDidChange(dataChanged), watcher.onDidCreate(dataChanged), watcher.onDidDelete(dataChanged));
    for (const document of workspace.textDocuments) this.schedule(document, 0);
  }

  /** Checks a document after `delay` ms, replacing a check already waiting or running. */
  schedule(document: vscode.TextDocument, delay: number): void {
    if (!isExperimentDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.validate(document).catch((error: unknown) => this.log.error(`checking ${document.fileName} failed`, error));
      }, delay),
    );
  }

  /**
   * What Train checks first: the file as it is on disk (`text`, what the run would read) validated
   * as while typing, then, with no error so far, the whole data file read once, which finds a broken
   * row that the head read while typing does not. Publishes and returns the diagnostics.
   */
  async validateForTraining(document: vscode.TextDocument, text: string): Promise<readonly vscode.Diagnostic[]> {
    const found = await this.validate(document, text);
    const dataPath = this.dataPaths.get(document.uri.toString());
    if (!this.scanData || !dataPath || found.some((d) => d.severity === vscode.DiagnosticSeverity.Error)) return found;
    try {
      await this.scanData(dataPath, new AbortController().signal);
      return found;
    } catch (error) {
      const message = `data.path: cannot read the data file ${dataPath}: ${errorMessage(error)}`;
      const all = [...found, diagnostic(document, parseText(text)?.locate('data.path'), message)];
      this.collection.set(document.uri, all);
      return all;
    }
  }

  /** Validates one document (or `text` for it) now and publishes its diagnostics; resolves when the column check is done too. */
  async validate(document: vscode.TextDocument, text = document.getText()): Promise<readonly vscode.Diagnostic[]> {
    const key = document.uri.toString();
    this.running.get(key)?.abort();
    const controller = new AbortController();
    this.running.set(key, controller);
    const loaded = parseExperiment(document.uri.fsPath, text, true);
    const diagnostics = [
      ...loaded.problems.map((p) => diagnostic(document, p, p.message)),
      ...textModelWarnings(text).map((w) => diagnostic(document, w, w.message, vscode.DiagnosticSeverity.Warning)),
    ];
    this.collection.set(document.uri, diagnostics);
    if (loaded.dataPath) this.dataPaths.set(key, loaded.dataPath);
    else this.dataPaths.delete(key);

    const syntaxBroken = loaded.problems.some((p) => p.message.startsWith('syntax error'));
    const dataMissing = loaded.problems.some((p) => p.path === 'data.path');
    if (syntaxBroken || dataMissing || !loaded.dataPath) return this.finish(key, controller, diagnostics);
    try {
      const columns = await this.columnsOf(loaded.dataPath, controller.signal);
      if (controller.signal.aborted) return diagnostics;
      const columnProblems = unknownColumnProblems(text, columns).map((p) => diagnostic(document, p, p.message));
      const typed = this.columnTypesOf ? await this.columnTypesOf(loaded.dataPath, controller.signal) : [];
      if (controller.signal.aborted) return diagnostics;
      const unencoded = unencodedColumnProblems(text, typed).map((p) => diagnostic(document, p, p.message, vscode.DiagnosticSeverity.Warning));
      const all = [...diagnostics, ...columnProblems, ...unencoded];
      this.collection.set(document.uri, all);
      return this.finish(key, controller, all);
    } catch (error) {
      if (error instanceof CancelledError || controller.signal.aborted) return diagnostics;
      const at = parseText(text)?.locate('data.path');
      const message = `data.path: cannot read the data file ${loaded.dataPath}: ${errorMessage(error)}`;
      const all = [...diagnostics, diagnostic(document, at, message)];
      this.collection.set(document.uri, all);
      return this.finish(key, controller, all);
    }
  }

  private finish(key: string, controller: AbortController, diagnostics: readonly vscode.Diagnostic[]): readonly vscode.Diagnostic[] {
    if (this.running.get(key) === controller) this.running.delete(key);
    return diagnostics;
  }

  private dataChanged(dataPath: string): void {
    for (const document of vscode.workspace.textDocuments) {
      if (this.dataPaths.get(document.uri.toString()) === dataPath || (isExperimentDocument(document) && !this.dataPaths.has(document.uri.toString()))) {
        this.schedule(document, DEBOUNCE_MS);
      }
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.running.get(key)?.abort();
    this.running.delete(key);
    this.dataPaths.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const controller of this.running.values()) controller.abort();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.collection.dispose();
  }
}

/** A diagnostic on the problem's range (1-based from the yaml library), widened to its line when empty. */
function diagnostic(document: vscode.TextDocument, at: TextRange | undefined, message: string, severity = vscode.DiagnosticSeverity.Error): vscode.Diagnostic {
  const line = Math.min(Math.max((at?.line ?? 1) - 1, 0), document.lineCount - 1);
  let range = new vscode.Range(line, Math.max((at?.column ?? 1) - 1, 0), Math.max((at?.endLine ?? 1) - 1, line), Math.max((at?.endColumn ?? 1) - 1, 0));
  if (range.isEmpty) range = document.lineAt(line).range;
  const result = new vscode.Diagnostic(range, message, severity);
  result.source = 'ML Workbench';
  return result;
}
