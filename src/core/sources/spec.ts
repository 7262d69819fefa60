/** Parsing a SOURCE argument, the default output name, and the secret-free record of a source. */
import * as path from 'node:path';
import { ImportError, type ImportSpec, type SourceRecord } from './types';

/** The kind of a SOURCE string, or an error naming the accepted forms. */
export function sourceKind(source: string): 'postgres' | 'mysql' | 'sqlite' | 'http' {
  if (/^postgres(ql)?:\/\//i.test(source)) return 'postgres';
  if (/^(mysql|mariadb):\/\//i.test(source)) return 'mysql';
  if (/^sqlite:/i.test(source)) return 'sqlite';
  if (/^https?:\/\//i.test(source)) return 'http';
  throw new ImportError(`unknown source "${source}": expected postgres://user@host:port/db, mysql://user@host:port/db, sqlite:PATH or an http(s):// URL`);
}

/** Builds the spec of `mlwb import SOURCE …`, checking that the options fit the kind. */
export function buildSpec(
  source: string,
  options: { table?: string; query?: string; records?: string; next?: string; headers?: readonly string[]; maxPages?: number },
): ImportSpec {
  const kind = sourceKind(source);
  const { table, query, records, next, headers, maxPages } = options;
  if (table !== undefined && query !== undefined) throw new ImportError('give either --table or --query, not both');
  if (kind === 'http') {
    if (table !== undefined || query !== undefined) throw new ImportError('--table and --query are for database sources, not URLs');
    if (records !== undefined) return { kind: 'api', url: source, records, next, headers, maxPages };
    if (next !== undefined || maxPages !== undefined) throw new ImportError('--next and --max-pages need --records (a JSON API)');
    return { kind: 'http', url: source, headers };
  }
  if (records !== undefined || next !== undefined || maxPages !== undefined || (headers?.length ?? 0) > 0) {
    throw new ImportError('--records, --next, --header and --max-pages are for http(s) URLs');
  }
  if (table === undefined && query === undefined) throw new ImportError(`a ${kind} source needs --table T or --query SQL`);
  return { kind, url: source, table, query };
}

/** A file name stem from free text: letters, digits, '-' and '_'. */
function stem(text: string): string {
  const cleaned = text.replace(/[^\w.-]+/g, '_').replace(/^[._]+|[._]+$/g, '');
  return cleaned || 'import';
}

/** The default output name `<name>.parquet` for a spec (the table, the database, or the URL's last segment). */
export function defaultFileName(spec: ImportSpec): string {
  if (spec.kind === 'http' || spec.kind === 'api') {
    const segments = new URL(spec.url).pathname.split('/').filter(Boolean);
    const last = segments[segments.length - 1] ?? new URL(spec.url).hostname;
    return `${stem(last.replace(/\.(csv|tsv|tab|json|jsonl|ndjson|parquet|pq)(\.gz)?$/i, ''))}.parquet`;
  }
  if (spec.table) return `${stem(spec.table.split('.').pop() ?? spec.table)}.parquet`;
  const base = spec.kind === 'sqlite' ? path.basename(spec.url.slice('sqlite:'.length)).replace(/\.\w+$/, '') : new URL(spec.url).pathname.replace(/^\//, '');
  return `${stem(base || spec.kind)}_query.parquet`;
}

/** Header names whose literal values are secrets and are never written. */
const SECRET_HEADER = /authorization|cookie|token|secret|key|password|auth/i;
/** Query parameters whose values are secrets. */
const SECRET_PARAM = /^(password|passwd|pwd|token|access_token|api_key|apikey|key|secret|signature|sig|auth)$/i;

/** The URL without password (user info) and with secret query parameters removed. */
export function redactUrl(url: string): string {
  if (/^sqlite:/i.test(url)) return url;
  const parsed = new URL(url);
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) if (SECRET_PARAM.test(name)) parsed.searchParams.delete(name);
  return parsed.toString();
}

/** Whether a URL carries a secret that the saved record leaves out. */
export function urlHasSecret(url: string): boolean {
  if (/^sqlite:/i.test(url)) return false;
  const parsed = new URL(url);
  return (
    parsed.password !== '' ||
    [...parsed.searchParams.keys()].some((name) => SECRET_PARAM.test(name) && !/^\$\{\w+\}$/.test(parsed.searchParams.get(name) ?? ''))
  );
}

/** Splits "Name: value". */
export function splitHeader(header: string): { name: string; value: string } {
  const colon = header.indexOf(':');
  const name = colon > 0 ? header.slice(0, colon).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~\w-]+$/.test(name)) throw new ImportError(`--header "${header}" is not of the form "Name: value"`);
  return { name, value: header.slice(colon + 1).trim() };
}

/** A header as saved: ${VAR} templates and harmless values kept, literal secrets left out. */
function redactHeader(header: string): string | undefined {
  const { name, value } = splitHeader(header);
  const literal = value.replace(/\$\{\w+\}/g, '');
  if (SECRET_HEADER.test(name) && /[A-Za-z0-9]{6,}/.test(literal.replace(/^(Bearer|Basic|Token)\s+/i, ''))) return undefined;
  return `${name}: ${value}`;
}

/** Expands ${VAR} in a header value from the environment; a missing variable is an error naming it. */
export function expandHeader(header: string, env: Readonly<Record<string, string | undefined>>): { name: string; value: string } {
  const { name, value } = splitHeader(header);
  const expanded = value.replace(/\$\{(\w+)\}/g, (_match, variable: string) => {
    const found = env[variable];
    if (found === undefined) throw new ImportError(`environment variable ${variable} is not set (used in --header ${name})`);
    return found;
  });
  return { name, value: expanded };
}

/** The sidecar's `source`: the spec with every secret left out, and when it was fetched. */
export function sourceRecord(spec: ImportSpec, fetchedAt: Date): SourceRecord {
  const base = { kind: spec.kind, url: redactUrl(spec.url) };
  const at = { fetchedAt: fetchedAt.toISOString() };
  if (spec.kind === 'postgres' || spec.kind === 'mysql' || spec.kind === 'sqlite') {
    return { ...base, ...(spec.table !== undefined ? { table: spec.table } : {}), ...(spec.query !== undefined ? { query: spec.query } : {}), ...at };
  }
  const headers = ((spec.kind === 'http' || spec.kind === 'api' ? spec.headers : undefined) ?? [])
    .map(redactHeader)
    .filter((h): h is string => h !== undefined);
  return {
    ...base,
    ...(spec.kind === 'api'
      ? { records: spec.records, ...(spec.next !== undefined ? { next: spec.next } : {}), ...(spec.maxPages !== undefined ? { maxPages: spec.maxPages } : {}) }
      : {}),
    ...(headers.length > 0 ? { headers } : {}),
    ...at,
  };
}

/** Names of the headers whose values were left out of the record (they must be given as ${VAR} to refresh). */
export function redactedHeaders(spec: ImportSpec): string[] {
  if (spec.kind !== 'http' && spec.kind !== 'api') return [];
  return (spec.headers ?? []).filter((h) => redactHeader(h) === undefined).map((h) => splitHeader(h).name);
}

/** A sqlite spec whose path is relative to `folder` (where the sidecar lives), so the pair can move together. */
export function sqliteRelative(spec: ImportSpec, folder: string): ImportSpec {
  if (spec.kind !== 'sqlite') return spec;
  const file = path.resolve(spec.url.replace(/^sqlite:(\/\/)?/i, ''));
  return { ...spec, url: `sqlite:${path.relative(folder, file) || file}` };
}
