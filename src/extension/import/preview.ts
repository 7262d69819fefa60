/** The preview of an import: the first rows in a read-only document beside the prompts, then a confirmation. */
import * as vscode from 'vscode';
import { previewTable, type ImportPreview } from '../../core/sources/previewTable';

export const PREVIEW_SCHEME = 'mlwb-import-preview';

/** Serves the preview documents (read-only, never dirty, gone when their tab closes). */
export class ImportPreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private count = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Opens a document showing `preview` of `source` and returns its URI (to close it afterwards). */
  async show(source: string, preview: ImportPreview): Promise<vscode.Uri> {
    const name = source.replace(/^.*[/:]/, '').replace(/[^\w.-]+/g, '_') || 'source';
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name} (first rows) ${++this.count}.txt` });
    const header = [
      `Preview of ${source}`,
      preview.rows.length === 0
        ? 'The source has no rows; these are its columns and the types they get in the file.'
        : `The first ${preview.rows.length} row${preview.rows.length === 1 ? '' : 's'} with the types they get in the file; the import reads every row.`,
      '',
    ];
    this.texts.set(uri.toString(), [...header, previewTable(preview), ''].join('\n'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true });
    return uri;
  }

  /** Closes the preview's tab and forgets its text. */
  async close(uri: vscode.Uri): Promise<void> {
    this.texts.delete(uri.toString());
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    const open = tabs.filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString());
    if (open.length > 0) await vscode.window.tabGroups.close(open);
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}

/** Asks whether to import everything after the preview: true to go on, false to stop. */
export async function confirmImport(preview: ImportPreview): Promise<boolean> {
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: '$(cloud-download) Import all rows',
        detail: `${preview.columns.length} columns: ${preview.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`,
        go: true,
      },
      { label: '$(close) Cancel', go: false },
    ],
    { title: 'Import Data: the first rows are in the preview; import?', ignoreFocusOut: true },
  );
  return picked?.go === true;
}
