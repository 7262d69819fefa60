/**
 * The monitor's browser plumbing: the host channel, DOM building (strings become text nodes, so
 * nothing from a request or a data file is parsed as HTML) and number formatting.
 */
import { isHostMessage, type HostMessage, type PersistedState, type WebviewMessage } from '../../src/extension/monitor/contract';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  setState(state: PersistedState): void;
  getState(): unknown;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

export function persist(state: PersistedState): void {
  vscode.setState(state);
}

export function restored(): unknown {
  return vscode.getState();
}

/** Listens for the host's state and says `ready`; messages that fail the contract are ignored. */
export function connect(onMessage: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isHostMessage(event.data)) onMessage(event.data);
  });
  post({ type: 'ready' });
}

type Child = Node | string | null | undefined | false;

/** Makes an element; strings become text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** The element with this id, which the skeleton created. */
export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the monitor page has no #${id}`);
  return element;
}

/** Replaces an element's text (never its HTML). */
export function setText(id: string, text: string): void {
  byId(id).textContent = text;
}

/** A number as people read metrics: `digits` decimals, tiny or huge ones in exponent form. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(2);
  return value.toFixed(digits);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

export function formatPercent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)} %`;
}

export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}
