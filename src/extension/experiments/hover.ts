/** Hover docs in experiment files: a key's meaning, default and range, a model type's doc and parameters, a value's meaning. */
import * as vscode from 'vscode';
import { hoverAt } from './assist';

export class ExperimentHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const found = hoverAt(document.getText(), document.offsetAt(position));
    if (!found) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(found.markdown), new vscode.Range(document.positionAt(found.start), document.positionAt(found.end)));
  }
}
