/**
 * Notes, tags and the search of the Runs view: Edit Note…, Add Tag…, Remove Tag… on a run (kept in
 * its annotations.json), and Filter Runs… in the view's title with MLflow's search expression; the
 * active filter shows as the view's description and message until Clear Runs Filter.
 */
import * as vscode from 'vscode';
import { parseTag, readAnnotations, removeTag, setNote, setTag } from '../../core/runs/annotations';
import { parseRunFilter } from '../../core/runs/runFilter';
import { MlError } from '../../core/types';
import type { TrainingManager } from '../training/manager';
import { executeCommand } from '../commands';
import { runIdOf, type RunArgument } from './pickRun';
import type { RunsTree } from './tree';

const FILTERED_CONTEXT = 'mlWorkbench.runsFiltered';
const FILTER_STATE_KEY = 'mlWorkbench.runsFilter';

/** Says the active filter on the view: its text as the description, how many runs match as the message. */
function showFilter(view: vscode.TreeView<unknown>, tree: RunsTree): void {
  const expression = tree.filterExpression;
  view.description = expression ? `filter: ${expression}` : undefined;
  view.message = expression ? `${tree.counts.shown} of ${tree.counts.total} runs match ${expression}. Clear the filter from the view's title bar.` : undefined;
  void executeCommand('setContext', FILTERED_CONTEXT, expression !== undefined);
}

/** Applies a search expression to the tree; undefined or blank clears it. Throws an MlError for a bad one. */
function applyFilter(tree: RunsTree, view: vscode.TreeView<unknown>, state: vscode.Memento | undefined, expression: string | undefined): void {
  const text = expression?.trim() ?? '';
  tree.setFilter(text ? { expression: text, clauses: parseRunFilter(text) } : undefined);
  void state?.update(FILTER_STATE_KEY, text || undefined);
  // The counts come from the listing the change just asked for.
  tree.getChildren();
  showFilter(view, tree);
}

/** Registers the note, tag and filter commands of the Runs view; `state` (the workspace's) keeps the filter across reloads. */
export function registerRunAnnotations(training: TrainingManager, tree: RunsTree, view: vscode.TreeView<unknown>, state?: vscode.Memento): vscode.Disposable[] {
  const runDirOf = async (arg: RunArgument, placeHolder: string): Promise<string | undefined> => {
    const store = training.store();
    const runId = await runIdOf(arg, training, placeHolder);
    return store && runId ? store.runDir(runId) : undefined;
  };
  const saved = state?.get<string>(FILTER_STATE_KEY);
  if (saved) {
    try {
      applyFilter(tree, view, state, saved);
    } catch {
      void state?.update(FILTER_STATE_KEY, undefined);
    }
  }
  return [
    tree.onDidChangeTreeData(() => setTimeout(() => showFilter(view, tree), 0)),
    vscode.commands.registerCommand('mlWorkbench.editRunNote', async (arg?: RunArgument, note?: string) => {
      const dir = await runDirOf(arg, 'Select the run to write a note on');
      if (!dir) return undefined;
      const text =
        note ??
        (await vscode.window.showInputBox({ title: 'Run note', prompt: 'A note on this run (empty removes it)', value: readAnnotations(dir).note ?? '' }));
      if (text === undefined) return undefined;
      const annotations = setNote(dir, text);
      tree.refresh();
      return annotations;
    }),
    vscode.commands.registerCommand('mlWorkbench.addRunTag', async (arg?: RunArgument, tag?: string) => {
      const dir = await runDirOf(arg, 'Select the run to tag');
      if (!dir) return undefined;
      const text =
        tag ??
        (await vscode.window.showInputBox({
          title: 'Add Tag',
          prompt: "key=value (or a key alone), e.g. team=vision; search it with tags.team = 'vision'",
          placeHolder: 'team=vision',
          validateInput: (value) => {
            try {
              parseTag(value);
              return undefined;
            } catch (error) {
              return (error as Error).message;
            }
          },
        }));
      if (text === undefined) return undefined;
      try {
        const { key, value } = parseTag(text);
        const annotations = setTag(dir, key, value);
        tree.refresh();
        return annotations;
      } catch (error) {
        void vscode.window.showErrorMessage(`ML Workbench: ${(error as Error).message}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('mlWorkbench.removeRunTag', async (arg?: RunArgument, key?: string) => {
      const dir = await runDirOf(arg, 'Select the run to remove a tag from');
      if (!dir) return undefined;
      const tags = Object.entries(readAnnotations(dir).tags);
      if (tags.length === 0 && key === undefined) {
        void vscode.window.showInformationMessage('ML Workbench: this run has no tags.');
        return undefined;
      }
      const chosen =
        key ??
        (
          await vscode.window.showQuickPick(
            tags.map(([name, value]) => ({ label: name, description: value })),
            { placeHolder: 'Select the tag to remove' },
          )
        )?.label;
      if (chosen === undefined) return undefined;
      const annotations = removeTag(dir, chosen);
      tree.refresh();
      return annotations;
    }),
    vscode.commands.registerCommand('mlWorkbench.filterRuns', async (expression?: string) => {
      const text =
        expression ??
        (await vscode.window.showInputBox({
          title: 'Filter Runs',
          prompt: "As MLflow's search: metrics.accuracy > 0.9 and params.C < 1 and tags.team = 'a' and status = 'completed' (empty shows every run)",
          value: tree.filterExpression ?? '',
          placeHolder: "metrics.accuracy > 0.9 and tags.team = 'a'",
          validateInput: (value) => {
            try {
              parseRunFilter(value);
              return undefined;
            } catch (error) {
              return (error as Error).message;
            }
          },
        }));
      if (text === undefined) return tree.counts;
      try {
        applyFilter(tree, view, state, text);
      } catch (error) {
        void vscode.window.showErrorMessage(`ML Workbench: ${error instanceof MlError ? error.message : String(error)}`);
      }
      return tree.counts;
    }),
    vscode.commands.registerCommand('mlWorkbench.clearRunsFilter', () => {
      applyFilter(tree, view, state, undefined);
      return tree.counts;
    }),
  ];
}
