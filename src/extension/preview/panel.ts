/** Host side of the dataset preview/profile panel: owns the state, asks the worker for pages and profiles, pushes whole state. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { panelHtml, panelOptions } from '../webviewShell';
import type { FilterSpec } from '../../core/datasets/types';
import { CancelledError, errorMessage } from '../../core/types';
import type { DatasetsClient } from '../datasets/client';
import type { DatasetIndex } from '../datasets/model';
import type { Log } from '../log';
import { experimentTargetFor } from './experimentTarget';
import { isWebviewMessage, type HostMessage, type PreviewState, type PreviewTab, type WebviewMessage } from './contract';

export interface PreviewDeps {
  readonly client: DatasetsClient;
  readonly index: DatasetIndex;
  readonly extensionUri: vscode.Uri;
  readonly log: Log;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const PAGE_ROWS = 100;
/** Rows shown above a revealed row, so it does not sit at the very top. */
const FOCUS_ROWS_ABOVE = 3;

/** One panel per file; showing a file again reveals its panel. */
export class PreviewPanel {
  static readonly viewType = 'mlWorkbench.preview';
  private static readonly panels = new Map<string, PreviewPanel>();
  private readonly state: Mutable<PreviewState>;
  private readonly disposables: vscode.Disposable[] = [];
  private pageRequest: AbortController | undefined;
  private profileRequest: AbortController | undefined;
  private exploreRequest: AbortController | undefined;
  /** Whether the exploration's target was chosen yet (by the user, or from an experiment of the workspace). */
  private targetChosen = false;
  private lastPage = { offset: 0, limit: PAGE_ROWS };

  /** Opens (or reveals) the panel of a file on a tab. */
  static show(deps: PreviewDeps, filePath: string, tab: PreviewTab): PreviewPanel {
    const existing = PreviewPanel.panels.get(filePath);
    if (existing) {
      existing.panel.reveal();
      existing.setTab(tab);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PreviewPanel.viewType,
      PreviewPanel.title(filePath, tab),
      vscode.ViewColumn.Active,
      PreviewPanel.options(deps),
    );
    return new PreviewPanel(deps, panel, filePath, tab, 0);
  }

  /** Rebuilds a panel the workbench restored after a reload. */
  static revive(deps: PreviewDeps, panel: vscode.WebviewPanel, filePath: string, tab: PreviewTab, offset: number): PreviewPanel {
    panel.webview.options = PreviewPanel.options(deps);
    return new PreviewPanel(deps, panel, filePath, tab, offset);
  }

  /** The panel of a file, if open (tests read its state). */
  static get(filePath: string): PreviewPanel | undefined {
    return PreviewPanel.panels.get(filePath);
  }

  static all(): PreviewPanel[] {
    return [...PreviewPanel.panels.values()];
  }

  private static options(deps: PreviewDeps): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return panelOptions(deps.extensionUri);
  }

  private static title(filePath: string, tab: PreviewTab): string {
    return `${tab === 'profile' ? 'Profile' : 'Preview'}: ${path.basename(filePath)}`;
  }

  private constructor(
    private readonly deps: PreviewDeps,
    readonly panel: vscode.WebviewPanel,
    readonly filePath: string,
    tab: PreviewTab,
    offset: number,
  ) {
    this.state = { fileName: path.basename(filePath), filePath, tab, total: -1, filter: {}, loadingPage: false };
    this.lastPage = { offset, limit: PAGE_ROWS };
    PreviewPanel.panels.set(filePath, this);
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        if (isWebviewMessage(raw)) this.receive(raw);
        else deps.log.error(`preview: ignored an unknown webview message`);
      }),
      panel.onDidDispose(() => this.dispose()),
      deps.index.onDidChange((changed) => {
        if (changed === filePath) this.reload();
      }),
    );
  }

  /** A copy of what the webview is showing. */
  snapshot(): PreviewState {
    return { ...this.state };
  }

  private html(): string {
    return panelHtml(this.panel.webview, this.deps.extensionUri, {
      script: 'dist/webview/preview.js',
      style: 'dist/webview/preview.css',
      title: 'Dataset preview',
      body: '<div id="app"></div>',
    });
  }

  private push(): void {
    const message: HostMessage = { type: 'state', state: this.snapshot() };
    void this.panel.webview.postMessage(message);
  }

  private receive(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.push();
        void this.loadSchema();
        void this.loadPage(this.lastPage.offset, this.lastPage.limit);
        if (this.state.tab === 'profile') {
          void this.loadProfile();
          void this.loadExploration();
        }
        return;
      case 'page':
        void this.loadPage(message.offset, message.limit);
        return;
      case 'sort':
        this.state.sort = message.sort;
        void this.loadPage(0, this.lastPage.limit);
        return;
      case 'filter':
        this.state.filter = message.filter;
        void this.loadPage(0, this.lastPage.limit);
        return;
      case 'tab':
        this.setTab(message.tab);
        return;
      case 'cancelProfile':
        this.profileRequest?.abort();
        this.exploreRequest?.abort();
        return;
      case 'exploreTarget':
        this.targetChosen = true;
        this.state.explorationTarget = message.target;
        this.state.exploration = undefined;
        void this.loadExploration();
        return;
    }
  }

  /** Switches tab; the profile tab starts the profile. */
  setTab(tab: PreviewTab): void {
    this.state.tab = tab;
    this.panel.title = PreviewPanel.title(this.filePath, tab);
    this.push();
    if (tab === 'profile') {
      void this.loadProfile();
      void this.loadExploration();
    }
  }

  /** Shows the data tab at a 1-based data row of the file, with filter and sort cleared so that the row is there. */
  async revealRow(row: number): Promise<void> {
    // The total counted under a filter is not the file's.
    if (this.state.sort || Object.values(this.state.filter).some((text) => text.trim() !== '')) this.state.total = -1;
    this.state.filter = {};
    this.state.sort = undefined;
    this.state.focus = { row, seq: (this.state.focus?.seq ?? 0) + 1 };
    if (this.state.tab !== 'data') this.setTab('data');
    await this.loadPage(Math.max(0, row - 1 - FOCUS_ROWS_ABOVE), PAGE_ROWS);
  }

  private reload(): void {
    this.state.profile = undefined;
    this.state.exploration = undefined;
    this.state.schema = undefined;
    this.state.total = -1;
    void this.loadSchema();
    void this.loadPage(this.lastPage.offset, this.lastPage.limit);
    if (this.state.tab === 'profile') {
      void this.loadProfile();
      void this.loadExploration();
    }
  }

  private async loadSchema(): Promise<void> {
    try {
      this.state.schema = await this.deps.index.schema(this.filePath);
      this.push();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Loads a page; the first page of an unfiltered file comes from its head at once, the total follows. */
  async loadPage(offset: number, limit: number): Promise<void> {
    this.pageRequest?.abort();
    const controller = new AbortController();
    this.pageRequest = controller;
    this.lastPage = { offset, limit };
    this.state.loadingPage = true;
    this.push();
    const filter: FilterSpec = this.state.filter;
    const plain = !this.state.sort && Object.values(filter).every((text) => text.trim() === '');
    try {
      if (plain && this.state.total < 0) {
        const quick = await this.deps.client.page(this.filePath, { offset, limit, quick: true }, { signal: controller.signal });
        if (quick.total < 0) {
          this.state.page = quick;
          this.push();
        }
      }
      const page = await this.deps.client.page(
        this.filePath,
        { offset, limit, ...(this.state.sort ? { sort: this.state.sort } : {}), filter },
        { signal: controller.signal },
      );
      this.state.page = page;
      this.state.total = page.total;
      this.state.loadingPage = false;
      this.state.error = undefined;
      this.push();
    } catch (error) {
      if (error instanceof CancelledError) return;
      this.state.loadingPage = false;
      this.fail(error);
    }
  }

  /** Profiles the file in the worker, reporting progress to the webview. */
  async loadProfile(): Promise<void> {
    if (this.state.profile || this.profileRequest) return;
    const controller = new AbortController();
    this.profileRequest = controller;
    this.state.profileProgress = { stage: 'starting', step: 0 };
    this.push();
    try {
      this.state.profile = await this.deps.client.profile(this.filePath, {
        signal: controller.signal,
        onProgress: (event) => {
          this.state.profileProgress = event;
          this.push();
        },
      });
    } catch (error) {
      if (!(error instanceof CancelledError)) this.fail(error);
    } finally {
      this.profileRequest = undefined;
      this.state.profileProgress = undefined;
      this.push();
    }
  }

  /** Explores the file in the worker against the chosen target (at first: an experiment's target for this file, if any). */
  async loadExploration(): Promise<void> {
    if (!this.targetChosen) {
      this.targetChosen = true;
      this.state.explorationTarget = await experimentTargetFor(this.filePath).catch(() => undefined);
    }
    const target = this.state.explorationTarget;
    if (this.state.exploration && this.state.exploration.target?.column === target) return;
    this.exploreRequest?.abort();
    const controller = new AbortController();
    this.exploreRequest = controller;
    this.state.exploring = true;
    this.push();
    try {
      const exploration = await this.deps.client.explore(this.filePath, target, { signal: controller.signal });
      if (this.state.explorationTarget === target) this.state.exploration = exploration;
    } catch (error) {
      if (!(error instanceof CancelledError)) this.fail(error);
    } finally {
      if (this.exploreRequest === controller) {
        this.exploreRequest = undefined;
        this.state.exploring = false;
        this.push();
      }
    }
  }

  private fail(error: unknown): void {
    this.state.error = errorMessage(error);
    this.deps.log.error(`preview of ${this.filePath}`, error);
    this.push();
  }

  dispose(): void {
    this.pageRequest?.abort();
    this.profileRequest?.abort();
    this.exploreRequest?.abort();
    if (PreviewPanel.panels.get(this.filePath) === this) PreviewPanel.panels.delete(this.filePath);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
