import type * as vscode from 'vscode';

/** Owns disposables and releases them, in reverse order, when it is disposed. */
export class Disposer implements vscode.Disposable {
  private readonly owned: { dispose(): unknown }[] = [];

  /** Tracks a disposable and returns it. */
  track<T extends { dispose(): unknown }>(disposable: T): T {
    this.owned.push(disposable);
    return disposable;
  }

  dispose(): void {
    for (const disposable of this.owned.splice(0).reverse()) disposable.dispose();
  }
}
