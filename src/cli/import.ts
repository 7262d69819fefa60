/**
 * `mlwb import`: brings a table, a query, a file over HTTP(S) or a paginated JSON API into a data
 * file with its provenance beside it (DESIGN.md, "Collecting data").
 *
 *   mlwb import SOURCE [--table T | --query SQL] [--out FILE] [--json]
 *   mlwb import URL --records PATH [--next FIELD] [--header "Name: value"]… [--max-pages N] [--out FILE] [--json]
 *   mlwb import --refresh FILE.source.yaml [--json]
 */
import * as path from 'node:path';
import { buildSpec, defaultFileName, importData, redactedHeaders, refreshImport, urlHasSecret, type ImportResult } from '../core/sources';

export const IMPORT_USAGE = `  mlwb import SOURCE [--table T | --query SQL] [--out FILE] [--json]
  mlwb import URL --records PATH [--next FIELD] [--header "Name: value"]… [--max-pages N]
              [--out FILE] [--json]
  mlwb import --refresh FILE.source.yaml [--json]
                                        import a table or query (postgres://, mysql://, sqlite:PATH),
                                        a csv/tsv/json/jsonl/parquet file over http(s), or a paged
                                        JSON API into FILE (default data/<name>.parquet) with its
                                        provenance in <FILE without extension>.source.yaml;
                                        passwords from PGPASSWORD, MYSQL_PWD or \${VAR} in --header`;

/** A mistake in the command line (exit 2 with the usage). */
export class ImportUsageError extends Error {}

interface ImportArgs {
  source?: string;
  table?: string;
  query?: string;
  records?: string;
  next?: string;
  headers: string[];
  maxPages?: number;
  out?: string;
  refresh?: string;
  json: boolean;
  workspace: string;
}

const VALUE_OPTIONS = new Set(['--table', '--query', '--records', '--next', '--header', '--max-pages', '--out', '--refresh', '--workspace']);

function parseImportArgs(argv: readonly string[]): ImportArgs {
  const args: ImportArgs = { headers: [], json: false, workspace: process.cwd() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') {
      args.json = true;
      continue;
    }
    if (VALUE_OPTIONS.has(arg)) {
      const value = argv[++i];
      if (value === undefined) throw new ImportUsageError(`${arg} needs a value`);
      if (arg === '--table') args.table = value;
      else if (arg === '--query') args.query = value;
      else if (arg === '--records') args.records = value;
      else if (arg === '--next') args.next = value;
      else if (arg === '--header') args.headers.push(value);
      else if (arg === '--out') args.out = value;
      else if (arg === '--refresh') args.refresh = value;
      else if (arg === '--workspace') args.workspace = path.resolve(value);
      else {
        const pages = Number(value);
        if (!Number.isInteger(pages) || pages < 1) throw new ImportUsageError('--max-pages needs a whole number of at least 1');
        args.maxPages = pages;
      }
    } else if (arg.startsWith('--')) throw new ImportUsageError(`unknown option ${arg} for import`);
    else if (args.source === undefined) args.source = arg;
    else throw new ImportUsageError(`import takes one SOURCE, got also "${arg}"`);
  }
  return args;
}

function summary(result: ImportResult): string {
  const columns = result.columns.map((c) => `${c.name} ${c.type}`).join(', ');
  return `imported ${result.rows} rows × ${result.columns.length} columns into ${path.relative(process.cwd(), result.path) || result.path}\n  columns: ${columns}\n  source: ${path.relative(process.cwd(), result.sidecar)}`;
}

/** Runs `mlwb import …` (argv after "import"); returns the exit code. Errors carry one clear message. */
export async function importCommand(argv: readonly string[]): Promise<number> {
  const args = parseImportArgs(argv);
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  let lastReport = Date.now();
  const onProgress = (rows: number): void => {
    if (args.json || Date.now() - lastReport < 1000) return;
    lastReport = Date.now();
    console.error(`${rows} rows…`);
  };
  try {
    let result: ImportResult;
    if (args.refresh !== undefined) {
      if (
        args.source !== undefined ||
        args.table !== undefined ||
        args.query !== undefined ||
        args.records !== undefined ||
        args.out !== undefined ||
        args.headers.length > 0
      ) {
        throw new ImportUsageError('--refresh takes only the .source.yaml file (and --json): the source is read from it');
      }
      result = await refreshImport(path.resolve(args.refresh), { signal: controller.signal, onProgress });
    } else {
      if (args.source === undefined) throw new ImportUsageError('import needs a SOURCE or --refresh FILE.source.yaml');
      const spec = buildSpec(args.source, args);
      const out = args.out !== undefined ? path.resolve(args.out) : path.join(args.workspace, 'data', defaultFileName(spec));
      if (urlHasSecret(spec.url)) {
        const how = spec.kind === 'postgres' ? 'set PGPASSWORD' : spec.kind === 'mysql' ? 'set MYSQL_PWD' : 'send it in a --header with ${VAR}';
        console.error(`mlwb: the secret in the URL is used but not saved; to refresh, ${how}`);
      }
      for (const name of redactedHeaders(spec)) {
        console.error(`mlwb: the value of header ${name} is not saved in the source file; to refresh, give it as ${name}: \${ENV_VAR}`);
      }
      result = await importData(spec, out, { signal: controller.signal, onProgress });
    }
    if (args.json)
      console.log(JSON.stringify({ path: result.path, rows: result.rows, columns: result.columns, sha256: result.sha256, source: result.source }, null, 2));
    else console.log(summary(result));
    return 0;
  } finally {
    process.removeListener('SIGINT', abort);
  }
}
