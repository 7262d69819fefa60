/**
 * What the three run panels share in the browser: the host channel, DOM building (text only, never
 * HTML from data), number formatting and the theme's colors read from the --vscode-* variables.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { hostChannel } from '../shared/channel';
import { progressText } from '../../src/core/runs/progress';
import { el, type Child } from '../shared/dom';
export { el, formatBytes, formatNumber, type Child } from '../shared/dom';
import {
  isHostMessage,
  type HostMessage,
  type PersistedState,
  type RunSummary,
  type ViewName,
  type WebviewMessage,
} from '../../src/extension/dashboard/contract';

export const { post, persist, connect } = hostChannel<HostMessage, WebviewMessage, PersistedState>(isHostMessage, { type: 'ready' });

export function root(): HTMLElement {
  const main = document.getElementById('root');
  if (!main) throw new Error('the page has no #root');
  return main;
}

/** The panel's header: experiment, run id, status badge, progress and the reason of a failure. */
export function runHeader(run: RunSummary, actions: Node[] = []): HTMLElement {
  const progress = run.status === 'running' && run.progress !== undefined ? ` ${progressText({ fraction: run.progress, phase: run.phase ?? '' })}` : '';
  const when = run.endedAt ?? run.startedAt ?? run.createdAt;
  return el(
    'header',
    { class: 'mlwb-header' },
    el(
      'div',
      { class: 'mlwb-title' },
      el('h1', {}, run.experiment),
      el('span', { class: `mlwb-status mlwb-status-${run.status}`, 'data-testid': 'status' }, `${run.status}${progress}`),
    ),
    el(
      'p',
      { class: 'mlwb-muted' },
      [run.id, run.modelType, run.task, new Date(when).toLocaleString()].filter((part): part is string => Boolean(part)).join(' · '),
    ),
    run.reason ? el('p', { class: 'mlwb-reason', role: 'alert' }, run.reason) : null,
    actions.length > 0 ? el('div', { class: 'mlwb-actions' }, ...actions) : null,
  );
}

/** A titled section with stable identity, so charts inside it survive re-renders. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  const element = el('section', { id: `section-${id}`, class: 'mlwb-section' }, el('h2', {}, title), ...children);
  return element;
}

/** A table from rows of cells; each cell is text. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { testId?: string; rowClass?: (i: number) => string | undefined } = {},
): HTMLTableElement {
  return el(
    'table',
    { class: 'mlwb-table', 'data-testid': options.testId },
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((cells, i) => el('tr', { class: options.rowClass?.(i) }, ...cells.map((cell) => el('td', {}, cell))))),
  );
}

export function button(label: string, onClick: () => void, options: { secondary?: boolean; testId?: string } = {}): HTMLElement {
  const element = el('vscode-button', { 'data-testid': options.testId, ...(options.secondary ? { secondary: '' } : {}) }, label);
  element.addEventListener('click', onClick);
  return element;
}

/** A vscode-checkbox with a label; calls back with its new value. */
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, testId?: string): HTMLElement {
  const element = el('vscode-checkbox', { label, 'data-testid': testId, ...(checked ? { checked: '' } : {}) });
  element.addEventListener('change', () => onChange((element as HTMLElement & { checked: boolean }).checked));
  return element;
}

function currentView(): ViewName {
  const view = document.body.dataset.view;
  return view === 'compare' || view === 'leaderboard' ? view : 'dashboard';
}

/** Shows an error from the host in place of the view. */
export function showError(message: string): void {
  const main = root();
  main.replaceChildren(el('p', { class: 'mlwb-reason', role: 'alert' }, message));
  main.setAttribute('aria-busy', 'false');
  post({ type: 'rendered', view: currentView(), charts: [] });
}
