/** Text of the preview's header and the profile's histogram labels: pure functions, no DOM, so unit tests can check them. */
import type { PreviewState } from '../../src/extension/preview/contract';

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * The header's "rows × columns". The Data tab counts the rows that match the filter and says so; the Profile tab
 * describes the whole file, so it counts the file's rows (the profile's own figure) and says the filter does not apply.
 */
export function shapeText(state: Pick<PreviewState, 'schema' | 'total' | 'filter' | 'tab' | 'profile'>): string {
  const columns = state.schema?.columns.length;
  if (columns === undefined) return '';
  const filtered = Object.values(state.filter).some((text) => text.trim() !== '');
  const fileRows = state.profile?.rowCount;
  if (state.tab === 'profile' && fileRows !== undefined) {
    return `${count(fileRows)} rows × ${columns} columns${filtered ? ' (the whole file; the filter applies to the Data tab)' : ''}`;
  }
  const rows = state.total >= 0 ? count(state.total) : '…';
  if (!filtered) return `${rows} rows × ${columns} columns`;
  return `${rows}${fileRows !== undefined ? ` of ${count(fileRows)}` : ''} rows match the filter × ${columns} columns`;
}

/** Decimals that tell bins of this width apart: two significant digits of the width (0.59 → 2, 10 → 0). */
function binDigits(width: number): number {
  if (!(width > 0) || !Number.isFinite(width)) return 2;
  return Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(width))));
}

function rounded(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** A histogram bin's axis label: its midpoint, rounded to what the bin width can tell apart (1.1475 → 1.15 for width 0.59). */
export function binLabel(bin: { readonly from: number; readonly to: number }): string {
  return rounded((bin.from + bin.to) / 2, binDigits(bin.to - bin.from));
}

/** A histogram bin's range for its tooltip, rounded the same way ("1.15 – 1.74"). */
export function binRange(bin: { readonly from: number; readonly to: number }): string {
  const digits = binDigits(bin.to - bin.from);
  return `${rounded(bin.from, digits + 1)} – ${rounded(bin.to, digits + 1)}`;
}
