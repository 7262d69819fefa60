/** "Import Data…", "Refresh from Source" and "Show Source": the editor's way into `src/core/sources`. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildSpec, defaultFileName, redactUrl, sourceKind } from '../../core/sources/spec';
import type { ImportPreview } from '../../core/sources/previewTable';
import type { ImportResult, ImportSpec } from '../../core/sources/types';
import { executeCommand } from '../commands';
import { showFailure } from '../failure';
import type { Services } from '../services';
import { ImportConnections, secretVariable, type SavedConnection } from './connections';
import { confirmImport, ImportPreviewDocuments } from './preview';
import { previewInWorker, runImportJob, tablesInWorker } from './runner';

/** Arguments that skip the prompts (scripts, keybindings, tests); the secret goes to SecretStorage like a typed one. */
export interface ImportDataArgs {
  readonly source: string;
  readonly table?: string;
  readonly query?: string;
  readonly records?: string;
  readonly next?: string;
  /** Relative to the first workspace folder. */
  readonly out?: string;
  readonly password?: string;
  /** Show the first rows and ask before importing, as the prompts do (default: import at once). */
  readonly preview?: boolean;
}

/** What the import commands share: saved connections and the preview documents. */
interface ImportContext {
  readonly services: Services;
  readonly connections: ImportConnections;
  readonly previews: ImportPreviewDocuments;
}

type Kind = ImportSpec['kind'];
const KINDS: { kind: Kind; label: string; detail: string }[] = [
  { kind: 'postgres', label: 'PostgreSQL', detail: 'a table or a query' },
  { kind: 'mysql', label: 'MySQL / MariaDB', detail: 'a table or a query' },
  { kind: 'sqlite', label: 'SQLite file', detail: 'a table or a query' },
  { kind: 'http', label: 'File at a URL', detail: 'csv, tsv, json, jsonl or parquet over http(s)' },
  { kind: 'api', label: 'JSON REST API', detail: 'paginated records, the next page from a field or the Link header' },
];

const TOKEN_HEADER = `Authorization: Bearer \${${secretVariable('api')}}`;

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** The file a command was invoked on: a tree node, a URI, a path or the active editor. */
function targetFile(target: unknown): string | undefined {
  if (target instanceof vscode.Uri) return target.fsPath;
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object' && 'entry' in target) {
    const entry = (target as { entry?: { uri?: unknown } }).entry;
    if (entry?.uri instanceof vscode.Uri) return entry.uri.fsPath;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  return active?.scheme === 'file' ? active.fsPath : undefined;
}

async function askUrl(kind: Kind, saved: SavedConnection | undefined): Promise<string | undefined> {
  if (saved) return saved.url;
  if (kind === 'sqlite') {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Import from this SQLite file',
      filters: { SQLite: ['db', 'sqlite', 'sqlite3', 'db3'], 'All files': ['*'] },
    });
    return picked?.[0] ? `sqlite:${picked[0].fsPath}` : undefined;
  }
  const placeholder = {
    postgres: 'postgres://user@host:5432/database',
    mysql: 'mysql://user@host:3306/database',
    http: 'https://example.com/data.csv',
    api: 'https://api.example.com/v1/items?page=1',
    sqlite: '',
  }[kind];
  return vscode.window.showInputBox({
    title: 'Import Data: where from?',
    prompt: kind === 'postgres' || kind === 'mysql' ? "Connection URL (the password is asked next and kept in the editor's secret storage)" : 'URL',
    placeHolder: placeholder,
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        const found = sourceKind(value.trim());
        const expected = kind === 'api' ? 'http' : kind;
        return found === expected ? undefined : `expected a ${placeholder.split(':')[0]}:// URL`;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
}

/** Table or query for a database: a pick from the server's (or file's) tables, or a query; a typed name when listing fails. */
async function askTableOrQuery(services: Services, url: string, secrets: Record<string, string>): Promise<{ table?: string; query?: string } | undefined> {
  const items: (vscode.QuickPickItem & { table?: string; query?: boolean })[] = [{ label: '$(edit) Write a query…', query: true }];
  try {
    const tables = await tablesInWorker(services.extensionPath, { type: 'tables', url, secrets }, `Listing the tables of ${url}`);
    if (!tables) return undefined;
    items.push(...tables.map((table) => ({ label: `$(table) ${table}`, table })));
  } catch (error) {
    showFailure('could not list the tables', error);
    return undefined;
  }
  items.push({ label: '$(pencil) Type a table name…' });
  const picked = await vscode.window.showQuickPick(items, { title: 'Import Data: which table?', placeHolder: 'A table, or a query', ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.table) return { table: picked.table };
  if (picked.query) {
    const query = await vscode.window.showInputBox({ title: 'Import Data: query', prompt: 'SQL whose result is imported', ignoreFocusOut: true });
    return query ? { query } : undefined;
  }
  const table = await vscode.window.showInputBox({ title: 'Import Data: table', prompt: 'Table name (schema.table allowed)', ignoreFocusOut: true });
  return table ? { table } : undefined;
}

/** Shows the first rows of `spec` and asks whether to import it all; false when the user stopped or the preview failed. */
async function previewAndConfirm(context: ImportContext, spec: ImportSpec, secrets: Record<string, string>): Promise<boolean> {
  let preview: ImportPreview | undefined;
  try {
    preview = await previewInWorker(context.services.extensionPath, { type: 'preview', spec, rows: 20, secrets }, `Reading the first rows of ${spec.url}`);
  } catch (error) {
    showFailure('preview failed', error);
    return false;
  }
  if (!preview) return false;
  const what =
    spec.kind === 'postgres' || spec.kind === 'mysql' || spec.kind === 'sqlite' ? (spec.table !== undefined ? `, table ${spec.table}` : ', query') : '';
  const document = await context.previews.show(`${spec.url}${what}`, preview);
  try {
    return await confirmImport(preview);
  } finally {
    await context.previews.close(document);
  }
}

/** Imports and reports; the connection is remembered (without its secret) when the import worked. */
async function runAndReport(
  services: Services,
  connections: ImportConnections,
  spec: ImportSpec,
  out: string,
  secrets: Record<string, string>,
): Promise<ImportResult | undefined> {
  const result = await runImportJob(services.extensionPath, { type: 'import', spec, out, secrets }, `Importing into ${path.basename(out)}`);
  if (!result) return undefined;
  await connections.remember({ kind: spec.kind, url: redactUrl(spec.url) });
  services.log.info(`imported ${result.rows} rows from ${result.source.url} into ${result.path}`);
  void executeCommand('mlWorkbench.refreshDatasets');
  void vscode.window
    .showInformationMessage(
      `ML Workbench: imported ${result.rows.toLocaleString()} rows × ${result.columns.length} columns into ${vscode.workspace.asRelativePath(result.path)}.`,
      'Preview',
      'Show Source',
    )
    .then((choice) => {
      if (choice === 'Preview') void executeCommand('mlWorkbench.previewDataset', vscode.Uri.file(result.path));
      else if (choice === 'Show Source') void vscode.window.showTextDocument(vscode.Uri.file(result.sidecar));
    });
  return result;
}

/** The secret of a URL: given (args or typed), from SecretStorage, or asked for; stored for later refreshes. */
async function secretFor(
  kind: Kind,
  url: string,
  connections: ImportConnections,
  given: string | undefined,
  interactive: boolean,
): Promise<Record<string, string> | undefined> {
  if (kind === 'sqlite' || kind === 'http') return {};
  const key = redactUrl(url);
  const inUrl = kind !== 'api' ? decodeURIComponent(new URL(url).password) : '';
  let secret = given ?? (inUrl || (await connections.secret(key)));
  if (secret === undefined && interactive) {
    secret = await vscode.window.showInputBox({
      title: kind === 'api' ? 'Import Data: API token' : 'Import Data: password',
      prompt:
        kind === 'api'
          ? "Bearer token sent as Authorization (empty: none). Kept in the editor's secret storage, never in files."
          : `Password of ${new URL(url).username || 'the user'} (kept in the editor's secret storage, never in files)`,
      password: true,
      ignoreFocusOut: true,
    });
    if (secret === undefined) return undefined;
  }
  if (secret === undefined || secret === '') return {};
  await connections.storeSecret(key, secret);
  return { [secretVariable(kind)]: secret };
}

async function importData(context: ImportContext, args?: ImportDataArgs): Promise<ImportResult | undefined> {
  const { services, connections } = context;
  const root = workspaceRoot();
  if (!root) {
    void vscode.window.showInformationMessage('ML Workbench: open a folder to import data into.');
    return undefined;
  }
  const interactive = args === undefined;
  let kind: Kind;
  let url: string;
  let saved: SavedConnection | undefined;
  if (args) {
    kind = args.records !== undefined ? 'api' : sourceKind(args.source);
    url = args.source;
  } else {
    type KindItem = vscode.QuickPickItem & { source: Kind; saved?: SavedConnection };
    const items: KindItem[] = [
      ...KINDS.map((k) => ({ label: k.label, detail: k.detail, source: k.kind })),
      ...connections.list().map((c) => ({ label: `$(history) ${c.url}`, description: 'saved connection', source: c.kind, saved: c })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Import Data: what kind of source?', ignoreFocusOut: true });
    if (!picked) return undefined;
    kind = picked.source;
    saved = picked.saved;
    const asked = await askUrl(kind, saved);
    if (!asked) return undefined;
    url = asked.trim();
  }
  const secrets = await secretFor(kind, url, connections, args?.password, interactive);
  if (!secrets) return undefined;
  const plainUrl = kind === 'postgres' || kind === 'mysql' ? redactUrl(url) : url;

  let options: Parameters<typeof buildSpec>[1];
  if (kind === 'api') {
    const records =
      args?.records ??
      (await vscode.window.showInputBox({
        title: 'Import Data: records',
        prompt: 'Dot path of the array of records in each page (empty: the page is the array)',
        placeHolder: 'data.items',
        ignoreFocusOut: true,
      }));
    if (records === undefined) return undefined;
    const next = args
      ? args.next
      : await vscode.window.showInputBox({
          title: 'Import Data: next page',
          prompt: 'Dot path of the next page\'s URL (empty: follow the Link rel="next" header)',
          placeHolder: 'paging.next',
          ignoreFocusOut: true,
        });
    if (next === undefined && interactive) return undefined;
    options = { records, next: next || undefined, headers: Object.keys(secrets).length > 0 ? [TOKEN_HEADER] : [] };
  } else if (kind === 'http') {
    options = {};
  } else {
    const chosen = args ? { table: args.table, query: args.query } : await askTableOrQuery(services, plainUrl, secrets);
    if (!chosen) return undefined;
    options = chosen;
  }
  let spec: ImportSpec;
  try {
    spec = buildSpec(plainUrl, options);
  } catch (error) {
    showFailure('cannot import', error);
    return undefined;
  }
  if ((interactive || args?.preview === true) && !(await previewAndConfirm(context, spec, secrets))) return undefined;
  const suggested = path.join('data', defaultFileName(spec));
  const name = args
    ? (args.out ?? suggested)
    : await vscode.window.showInputBox({
        title: 'Import Data: save as',
        prompt: 'File in the workspace (.parquet, .csv, .tsv, .json, .jsonl)',
        value: suggested,
        ignoreFocusOut: true,
      });
  if (!name) return undefined;
  try {
    return await runAndReport(services, connections, spec, path.resolve(root, name), secrets);
  } catch (error) {
    showFailure('import failed', error);
    if (!interactive) throw error;
    return undefined;
  }
}

async function refreshFromSource(services: Services, connections: ImportConnections, target: unknown): Promise<ImportResult | undefined> {
  // core/sources loads the database drivers and DuckDB: only when a command needs it, not at activation.
  const { readSidecar, sidecarPath } = await import('../../core/sources');
  const file = targetFile(target);
  const sidecar = file && (file.endsWith('.source.yaml') ? file : sidecarPath(file));
  if (!sidecar || !existsSync(sidecar)) {
    void vscode.window.showInformationMessage(
      `ML Workbench: ${file ? `${path.basename(file)} was not imported with a source (no ${path.basename(sidecarPath(file))} beside it)` : 'pick an imported dataset file'}.`,
    );
    return undefined;
  }
  try {
    const { source } = readSidecar(sidecar);
    const secret = await connections.secret(source.url);
    const secrets = secret ? { [secretVariable(source.kind)]: secret } : {};
    const result = await runImportJob(
      services.extensionPath,
      { type: 'refresh', sidecar, secrets },
      `Refreshing ${path.basename(file ?? sidecar)} from ${source.url}`,
    );
    if (result) {
      void executeCommand('mlWorkbench.refreshDatasets');
      void vscode.window.showInformationMessage(
        `ML Workbench: refreshed ${vscode.workspace.asRelativePath(result.path)}: ${result.rows.toLocaleString()} rows.`,
      );
    }
    return result;
  } catch (error) {
    showFailure('refresh failed', error);
    return undefined;
  }
}

/** Registers the import commands. */
export function registerImport(context: vscode.ExtensionContext, services: Services): void {
  const connections = new ImportConnections(context.globalState, context.secrets);
  const { disposer } = services;
  const previews = disposer.track(new ImportPreviewDocuments());
  disposer.track(vscode.commands.registerCommand('mlWorkbench.importData', (args?: ImportDataArgs) => importData({ services, connections, previews }, args)));
  disposer.track(vscode.commands.registerCommand('mlWorkbench.refreshFromSource', (target: unknown) => refreshFromSource(services, connections, target)));
  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.showSource', async (target: unknown) => {
      const { sidecarPath } = await import('../../core/sources');
      const file = targetFile(target);
      const sidecar = file && sidecarPath(file);
      if (sidecar && existsSync(sidecar)) await vscode.window.showTextDocument(vscode.Uri.file(sidecar));
      else
        void vscode.window.showInformationMessage(
          `ML Workbench: ${file ? `${path.basename(file)} has no source file beside it` : 'pick an imported dataset file'}.`,
        );
    }),
  );
}
