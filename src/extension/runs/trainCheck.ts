/**
 * Whether Train may start on an experiment file, decided from the problems the editor shows for it
 * (no `vscode` import, so it is unit tested). An error would only make a failed run: the file is not
 * trained. Warnings only: the user may train anyway. No problem: it trains.
 */
import { notificationText } from '../failureText';

export interface FileProblem {
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

export type TrainVerdict =
  | { readonly kind: 'train' }
  /** Warnings only: ask, offering "Train Anyway". */
  | { readonly kind: 'ask'; readonly message: string; readonly first: FileProblem }
  /** Errors: say why and do not train (no "Train Anyway": the run could only fail). */
  | { readonly kind: 'refuse'; readonly message: string; readonly first: FileProblem };

/** The message without its list of every known name (the Problems view keeps the whole text). */
function short(message: string): string {
  return message.replace(/; known\b[^:]*: .*$/s, '');
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function listed(problems: readonly FileProblem[]): string {
  return problems.map((p) => `line ${p.line}: ${short(p.message)}`).join('; ');
}

/** What Train does with `fileName` given its problems. */
export function trainVerdict(fileName: string, problems: readonly FileProblem[]): TrainVerdict {
  const errors = problems.filter((p) => p.severity === 'error').sort((a, b) => a.line - b.line);
  const warnings = problems.filter((p) => p.severity === 'warning').sort((a, b) => a.line - b.line);
  const [firstError] = errors;
  if (firstError) {
    const message = `ML Workbench: ${fileName} is not trained: it has ${count(errors.length, 'error')} to fix first (listed in Problems): ${listed(errors)}`;
    return { kind: 'refuse', message: notificationText(message, undefined, 'all of them are in the Problems view'), first: firstError };
  }
  const [firstWarning] = warnings;
  if (firstWarning) {
    const message = `ML Workbench: ${fileName} has ${count(warnings.length, 'warning')} (listed in Problems); train it anyway? ${listed(warnings)}`;
    return { kind: 'ask', message: notificationText(message, undefined, 'all of them are in the Problems view'), first: firstWarning };
  }
  return { kind: 'train' };
}
