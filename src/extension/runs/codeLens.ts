import * as vscode from 'vscode';

/** "Train" above the first line of every experiment file. */
export class TrainCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(play) Train', command: 'mlWorkbench.train', arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: 'Runs', command: 'mlWorkbench.runs.focus' }),
    ];
  }
}
