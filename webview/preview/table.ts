/** The virtual data table: a fixed window of rows over any number of rows, sortable and filterable by column. Text only, never HTML. */
import type { PreviewState, WebviewMessage } from '../../src/extension/preview/contract';
import type { SortSpec } from '../../src/core/datasets/types';
import { element } from '../shared/dom';

const ROW_HEIGHT = 24;
/** Browsers cap element heights; past this the scrollbar maps proportionally onto the rows. */
const MAX_SCROLL_HEIGHT = 3_000_000;
const PAGE_ROWS = 100;
/** Rows shown above a revealed row (as the host loads them), so it does not sit at the very top. */
const FOCUS_ROWS_ABOVE = 3;

export class DataTable {
  readonly root = element('div', 'data-view');
  private readonly scroller = element('div', 'table-scroll');
  private readonly sticky = element('div', 'table-sticky');
  private readonly spacer = element('div', 'table-spacer');
  private readonly table = element('table', 'grid');
  private readonly head = element('thead');
  private readonly body = element('tbody');
  private readonly jumpInput = element('input', 'jump');
  private readonly status = element('span', 'status');
  private columnsKey = '';
  private state: PreviewState | undefined;
  private offset = 0;
  private requested = -1;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private filters: Record<string, string> = {};
  /** The last focus request scrolled to (its `seq`). */
  private focusSeq = 0;

  constructor(
    private readonly post: (message: WebviewMessage) => void,
    private readonly onOffset: (offset: number) => void,
  ) {
    const bar = element('div', 'table-bar');
    const label = element('label', undefined, 'Go to row ');
    this.jumpInput.type = 'number';
    this.jumpInput.min = '1';
    this.jumpInput.setAttribute('aria-label', 'Go to row');
    this.jumpInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.jumpTo(Number(this.jumpInput.value) - 1);
    });
    const go = element('button', undefined, 'Go');
    go.addEventListener('click', () => this.jumpTo(Number(this.jumpInput.value) - 1));
    label.append(this.jumpInput);
    bar.append(label, go, this.status);
    this.table.append(this.head, this.body);
    this.sticky.append(this.table);
    this.scroller.append(this.sticky, this.spacer);
    this.root.append(bar, this.scroller);
    this.scroller.addEventListener('scroll', () => this.onScroll());
    new ResizeObserver(() => this.layout()).observe(this.scroller);
  }

  /** Rows that fit in the window. */
  private visibleRows(): number {
    return Math.max(1, Math.floor((this.scroller.clientHeight - ROW_HEIGHT * 2.2) / ROW_HEIGHT));
  }

  private total(): number {
    const state = this.state;
    if (!state) return 0;
    if (state.total >= 0) return state.total;
    return state.page ? state.page.offset + state.page.rows.length : 0;
  }

  private maxScroll(): number {
    return Math.max(0, this.scroller.scrollHeight - this.scroller.clientHeight);
  }

  private layout(): void {
    const virtual = Math.min(MAX_SCROLL_HEIGHT, this.total() * ROW_HEIGHT + ROW_HEIGHT * 3);
    this.sticky.style.height = `${this.scroller.clientHeight}px`;
    this.spacer.style.height = `${Math.max(0, virtual - this.scroller.clientHeight)}px`;
    this.renderRows();
  }

  private onScroll(): void {
    const max = this.maxScroll();
    const last = Math.max(0, this.total() - this.visibleRows());
    this.setOffset(max === 0 ? 0 : Math.round((this.scroller.scrollTop / max) * last));
  }

  /** Scrolls so that 0-based `row` is the first row shown. */
  jumpTo(row: number): void {
    if (!Number.isFinite(row)) return;
    const last = Math.max(0, this.total() - this.visibleRows());
    const target = Math.min(Math.max(0, Math.floor(row)), last);
    const max = this.maxScroll();
    this.scroller.scrollTop = last === 0 ? 0 : (target / last) * max;
    this.setOffset(target);
  }

  private setOffset(offset: number): void {
    this.offset = offset;
    this.onOffset(offset);
    this.renderRows();
  }

  /** Applies a new state from the host. */
  update(state: PreviewState): void {
    this.state = state;
    const columns = state.page?.columns ?? state.schema?.columns.map((column) => column.name) ?? [];
    const key = `${columns.join('\u0000')}|${state.sort?.column ?? ''}:${state.sort?.direction ?? ''}`;
    if (key !== this.columnsKey) {
      this.columnsKey = key;
      this.renderHead(columns, state.sort);
    }
    const total = state.total >= 0 ? `${state.total.toLocaleString('en-US')} rows` : 'counting rows…';
    this.status.textContent = `${total}${state.loadingPage ? ' · loading…' : ''}`;
    this.requested = state.loadingPage ? this.requested : -1;
    this.layout();
    this.applyFocus(state);
  }

  /** Scrolls to a row the host asked to reveal, once its page and the file's row count are there. */
  private applyFocus(state: PreviewState): void {
    const focus = state.focus;
    if (!focus || focus.seq === this.focusSeq || state.loadingPage || state.total < 0 || !state.page) return;
    const at = state.page.rowNumbers.indexOf(focus.row);
    if (at < 0) return;
    this.focusSeq = focus.seq;
    if (Object.keys(this.filters).length > 0) {
      // The host cleared the filter to show the row: so do the inputs.
      this.filters = {};
      this.columnsKey = '';
      this.update(state);
    }
    this.jumpTo(state.page.offset + at - FOCUS_ROWS_ABOVE);
    document.body.dataset.focusRow = String(focus.row);
  }

  /** Sets the starting row before the first page arrives (restored panels). */
  restore(offset: number): void {
    this.offset = offset;
  }

  private renderHead(columns: readonly string[], sort: SortSpec | undefined): void {
    const names = element('tr');
    const filters = element('tr', 'filters');
    names.append(element('th', 'row-number', '#'));
    filters.append(element('th', 'row-number'));
    for (const name of columns) {
      const arrow = sort?.column === name ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : '';
      const th = element('th', 'sortable', `${name}${arrow}`);
      th.title = `Sort by ${name}`;
      th.dataset.column = name;
      th.addEventListener('click', () => {
        const next: SortSpec | undefined =
          sort?.column !== name ? { column: name, direction: 'asc' } : sort.direction === 'asc' ? { column: name, direction: 'desc' } : undefined;
        this.post({ type: 'sort', ...(next ? { sort: next } : {}) });
        this.jumpTo(0);
      });
      names.append(th);
      const cell = element('th');
      const input = element('input', 'filter');
      input.placeholder = 'filter';
      input.setAttribute('aria-label', `Filter ${name}`);
      input.value = this.filters[name] ?? '';
      input.addEventListener('input', () => {
        this.filters = { ...this.filters, [name]: input.value };
        if (this.filterTimer) clearTimeout(this.filterTimer);
        this.filterTimer = setTimeout(() => {
          this.post({ type: 'filter', filter: this.filters });
          this.jumpTo(0);
        }, 300);
      });
      cell.append(input);
      filters.append(cell);
    }
    this.head.replaceChildren(names, filters);
  }

  private renderRows(): void {
    const page = this.state?.page;
    const visible = this.visibleRows();
    const rows: HTMLTableRowElement[] = [];
    if (page) {
      const start = this.offset - page.offset;
      const covered = start >= 0 && start + Math.min(visible, this.total() - this.offset) <= page.rows.length;
      if (!covered && this.requested !== this.offset) {
        this.requested = this.offset;
        this.post({ type: 'page', offset: this.offset, limit: Math.max(PAGE_ROWS, visible) });
      }
      const from = covered ? start : 0;
      for (let i = from; i < Math.min(page.rows.length, from + visible); i++) {
        const tr = element('tr');
        if (this.state?.focus && page.rowNumbers[i] === this.state.focus.row) {
          tr.className = 'focused';
          tr.setAttribute('aria-current', 'true');
        }
        tr.append(element('td', 'row-number', String(page.rowNumbers[i] ?? '')));
        for (const value of page.rows[i] ?? []) {
          const td = element('td', value === null ? 'missing' : undefined, value ?? '∅');
          // Cells are cut at 320px (about 40 characters); the tooltip keeps the rest readable.
          if (value !== null && value.length > 36) td.title = value;
          tr.append(td);
        }
        rows.push(tr);
      }
      document.body.dataset.firstRow = String(page.rowNumbers[from] ?? '');
    }
    this.body.replaceChildren(...rows);
  }
}
