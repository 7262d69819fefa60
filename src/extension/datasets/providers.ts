/** Inline previews while coding: a hover and a CodeLens on every string that resolves to a dataset file, in any language. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, errorMessage } from '../../core/types';
import type { DatasetsClient } from './client';
import { escapeMarkdown, hoverMarkdown } from './markdown';
import type { DatasetIndex } from './model';
import { findDatasetReferences, referenceAt, resolveDatasetPath } from './references';

/** Documents the providers serve: files, notebook cells and unsaved editors, any language. */
export const DATASET_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'vscode-notebook-cell' }, { scheme: 'untitled' }];
/** CodeLens only scans this many lines of a document. */
const MAX_LENS_LINES = 5000;

function documentDir(document: vscode.TextDocument): string | undefined {
  if (document.uri.scheme === 'untitled') return undefined;
  return path.dirname(document.uri.fsPath);
}

function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
}

/** `command:` link that opens the preview of a file. */
export function previewLink(filePath: string): string {
  return `command:mlWorkbench.previewDataset?${encodeURIComponent(JSON.stringify([vscode.Uri.file(filePath)]))}`;
}

const enabled = (key: 'hover' | 'codeLens'): boolean => vscode.workspace.getConfiguration('mlWorkbench.preview').get<boolean>(key, true);

export class DatasetHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly client: DatasetsClient,
    private readonly index: DatasetIndex,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!enabled('hover')) return undefined;
    const line = document.lineAt(position.line).text;
    const reference = referenceAt(line, position.character);
    if (!reference) return undefined;
    const filePath = await resolveDatasetPath(reference.text, documentDir(document), workspaceFolders());
    if (!filePath || token.isCancellationRequested) return undefined;
    const range = new vscode.Range(position.line, reference.start, position.line, reference.end);
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const head = await this.client.head(filePath, 5, { signal: controller.signal });
      const entry = this.index.entry(filePath);
      // The hover never waits for a count; the lens and tree update when it arrives.
      if (entry.rows === undefined) void this.index.ensureCount(filePath);
      const markdown = new vscode.MarkdownString(hoverMarkdown(path.basename(filePath), head, entry.rows, previewLink(filePath)));
      markdown.isTrusted = { enabledCommands: ['mlWorkbench.previewDataset'] };
      markdown.supportHtml = false;
      return new vscode.Hover(markdown, range);
    } catch (error) {
      if (error instanceof CancelledError) return undefined;
      const markdown = new vscode.MarkdownString(`**${escapeMarkdown(path.basename(filePath))}** cannot be read: ${escapeMarkdown(errorMessage(error))}`);
      return new vscode.Hover(markdown, range);
    } finally {
      subscription.dispose();
    }
  }
}

export class DatasetCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly index: DatasetIndex) {
    index.onDidChange(() => this.changed.fire());
  }

  /** Called when settings change. */
  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!enabled('codeLens')) return [];
    const lenses: vscode.CodeLens[] = [];
    const seenOnLine = new Set<string>();
    for (let lineNumber = 0; lineNumber < Math.min(document.lineCount, MAX_LENS_LINES); lineNumber++) {
      if (token.isCancellationRequested) return [];
      const line = document.lineAt(lineNumber).text;
      if (!/\.(csv|tsv|tab|json|jsonl|ndjson|parquet|pq)\b/i.test(line)) continue;
      for (const reference of findDatasetReferences(line)) {
        const filePath = await resolveDatasetPath(reference.text, documentDir(document), workspaceFolders());
        if (!filePath || seenOnLine.has(`${lineNumber}:${filePath}`)) continue;
        seenOnLine.add(`${lineNumber}:${filePath}`);
        const range = new vscode.Range(lineNumber, reference.start, lineNumber, reference.end);
        lenses.push(new vscode.CodeLens(range, { title: this.title(filePath), command: 'mlWorkbench.previewDataset', arguments: [vscode.Uri.file(filePath)] }));
      }
    }
    return lenses;
  }

  private title(filePath: string): string {
    const name = path.basename(filePath);
    const entry = this.index.entry(filePath);
    if (entry.error) return `${name}: cannot be read`;
    if (!entry.schema) {
      void this.index.schema(filePath).then(
        () => this.changed.fire(),
        () => undefined,
      );
      return `Preview ${name}`;
    }
    if (entry.rows === undefined) void this.index.ensureCount(filePath);
    const rows = entry.rows === undefined ? '…' : entry.rows.toLocaleString('en-US');
    return `Preview ${name} (${rows} × ${entry.schema.columns.length})`;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
