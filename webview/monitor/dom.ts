/**
 * The monitor's browser plumbing: the host channel, DOM building (strings become text nodes, so
 * nothing from a request or a data file is parsed as HTML) and number formatting.
 */
import { isHostMessage, type HostMessage, type PersistedState, type WebviewMessage } from '../../src/extension/monitor/contract';
import { hostChannel } from '../shared/channel';
export { el, formatBytes, formatNumber, type Child } from '../shared/dom';

export const { post, persist, restored, connect } = hostChannel<HostMessage, WebviewMessage, PersistedState>(isHostMessage, { type: 'ready' });

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
