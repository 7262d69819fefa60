/**
 * Completion in experiment files from the extension itself (no YAML extension needed): keys, model
 * types, the model type's parameters with default and range, enum values, step names and options,
 * and the data file's column names where a column is expected.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { locateForCompletion } from '../../core/experiment/yamlPath';
import { completionsAt, dataPathOf, expectsColumn, expectsDataFile, type Suggestion, type SuggestionKind } from './assist';
import type { ColumnsOf } from './diagnostics';

export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = { scheme: 'file', pattern: '**/*.experiment.{yaml,yml,json}' };

const KINDS: Readonly<Record<SuggestionKind, vscode.CompletionItemKind>> = {
  key: vscode.CompletionItemKind.Property,
  modelType: vscode.CompletionItemKind.Class,
  param: vscode.CompletionItemKind.Field,
  step: vscode.CompletionItemKind.Function,
  option: vscode.CompletionItemKind.Field,
  value: vscode.CompletionItemKind.EnumMember,
  column: vscode.CompletionItemKind.Variable,
  file: vscode.CompletionItemKind.File,
};

/** JSON files that are experiment files or tool settings, not data. */
const NOT_DATA = /(\.experiment\.json|package(-lock)?\.json|tsconfig[^/\\]*\.json)$/i;

/** The workspace's data files (as the Datasets view finds them), relative to `folder` with forward slashes, nearest first. */
async function dataFilesFrom(folder: string): Promise<string[]> {
  const settings = vscode.workspace.getConfiguration('mlWorkbench.datasets');
  const include = settings.get<string[]>('include', ['**/*.{csv,tsv,json,jsonl,ndjson,parquet}']);
  const exclude = settings.get<string[]>('exclude', ['**/node_modules/**', '**/.mlwb/**']);
  const glob = (patterns: readonly string[]): string => (patterns.length === 1 ? (patterns[0] as string) : `{${patterns.join(',')}}`);
  const found = await vscode.workspace.findFiles(glob(include), exclude.length > 0 ? glob(exclude) : undefined, 500);
  return found
    .filter((uri) => !NOT_DATA.test(uri.fsPath))
    .map((uri) => path.relative(folder, uri.fsPath).split(path.sep).join('/'))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

/** The columns of the data file an experiment names, or none when it names none or it cannot be read. */
export async function columnsOfDocument(
  document: vscode.TextDocument,
  text: string,
  columnsOf: ColumnsOf,
  token: vscode.CancellationToken,
): Promise<readonly string[]> {
  const dataPath = dataPathOf(text);
  if (!dataPath) return [];
  const controller = new AbortController();
  const cancel = token.onCancellationRequested(() => controller.abort());
  try {
    return await columnsOf(path.resolve(path.dirname(document.uri.fsPath), dataPath), controller.signal);
  } catch {
    return [];
  } finally {
    cancel.dispose();
  }
}

export class ExperimentCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly columnsOf: ColumnsOf) {}

  async provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
    context: vscode.CompletionContext,
  ): Promise<vscode.CompletionItem[] | undefined> {
    const text = document.getText();
    const offset = document.offsetAt(position);
    // A space completes only after "key: ", "- ", "{ ", "[ " or ", ", not while indenting.
    if (context.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter && !/(:|-|\{|\[|,) $/.test(text.slice(Math.max(0, offset - 2), offset))) {
      return undefined;
    }
    const location = locateForCompletion(text, offset);
    if (!location) return undefined;
    const columns = expectsColumn(location) ? await columnsOfDocument(document, text, this.columnsOf, token) : [];
    const dataFiles = expectsDataFile(location) ? await dataFilesFrom(path.dirname(document.uri.fsPath)) : [];
    const found = completionsAt(text, offset, { columns, dataFiles });
    if (!found) return undefined;
    const range = new vscode.Range(document.positionAt(found.location.start), document.positionAt(found.location.end));
    const json = document.fileName.toLowerCase().endsWith('.json');
    const afterRange = document.lineAt(range.end.line).text.slice(range.end.character);
    const keyHasColon = found.location.quoted ? /^"\s*:/.test(afterRange) : /^\s*:/.test(afterRange);
    return found.items.map((suggestion, i) => this.item(suggestion, range, { json, quoted: found.location.quoted, keyHasColon, order: i }));
  }

  private item(
    suggestion: Suggestion,
    range: vscode.Range,
    where: { json: boolean; quoted: boolean; keyHasColon: boolean; order: number },
  ): vscode.CompletionItem {
    const item = new vscode.CompletionItem(suggestion.label, KINDS[suggestion.kind]);
    item.range = range;
    item.detail = suggestion.detail;
    if (suggestion.documentation) item.documentation = new vscode.MarkdownString(suggestion.documentation);
    item.sortText = `${suggestion.preselect ? '0' : '1'}${String(where.order).padStart(4, '0')}`;
    item.preselect = suggestion.preselect;
    if (where.json) {
      item.insertText = where.quoted ? suggestion.label : JSON.stringify(suggestion.label);
    } else if (suggestion.snippet && !where.keyHasColon) {
      item.insertText = new vscode.SnippetString(suggestion.snippet);
    }
    return item;
  }
}
