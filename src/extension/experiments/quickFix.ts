/**
 * "Did you mean" quick fixes in experiment files: an unknown model type, parameter, step, option,
 * key, value or column is replaced by the closest known name, attached to the diagnostic on it.
 */
import * as vscode from 'vscode';
import { quickFixes } from './assist';
import { columnsOfDocument } from './completion';
import type { ColumnsOf } from './diagnostics';

const SOURCE = 'ML Workbench';

export class ExperimentQuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly columnsOf: ColumnsOf) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    const text = document.getText();
    const ours = context.diagnostics.filter((d) => d.source === SOURCE);
    const needsColumns = ours.some((d) => d.message.includes('unknown column'));
    const columns = needsColumns ? await columnsOfDocument(document, text, this.columnsOf, token) : undefined;
    const actions: vscode.CodeAction[] = [];
    for (const fix of quickFixes(text, columns && columns.length > 0 ? columns : undefined)) {
      const fixRange = new vscode.Range(document.positionAt(fix.start), document.positionAt(fix.end));
      if (!fixRange.intersection(range) && !range.contains(fixRange) && range.start.line !== fixRange.start.line) continue;
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, fixRange, fix.replacement);
      action.diagnostics = ours.filter((d) => d.range.intersection(fixRange) !== undefined || d.range.start.line === fixRange.start.line);
      action.isPreferred = fix.preferred;
      actions.push(action);
    }
    return actions;
  }
}
