/** HTTP(S) GET for imports: timeouts, redirects, bounded retries on 429/503 with Retry-After, and clear messages. */
import * as http from 'node:http';
import * as https from 'node:https';
import { CancelledError } from '../types';
import { ImportError } from './types';

export interface HttpOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly maxRetryWaitMs?: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: http.IncomingMessage;
}

const MAX_REDIRECTS = 5;
const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME/i;

/** One clear line for a network failure of `url`. */
export function describeNetworkError(error: unknown, url: string, timeoutMs: number): ImportError {
  if (error instanceof ImportError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const where = (() => {
    try {
      const parsed = new URL(url);
      return parsed.host;
    } catch {
      return url;
    }
  })();
  if (code === 'ECONNREFUSED') return new ImportError(`cannot connect to ${where}: connection refused (is the server running on that port?)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ImportError(`unknown host ${new URL(url).hostname}: it does not resolve`);
  if (code === 'ETIMEDOUT' || code === 'MLWB_TIMEOUT') return new ImportError(`timed out after ${timeoutMs / 1000} s waiting for ${url}`);
  if (code === 'ECONNRESET' || code === 'MLWB_TRUNCATED') return new ImportError(`the connection to ${where} was cut: ${message}`);
  if (TLS_CODES.test(code) || TLS_CODES.test(message)) return new ImportError(`TLS failure connecting to ${where}: ${message}`);
  return new ImportError(`request to ${url} failed: ${message}`);
}

/** Milliseconds to wait from a Retry-After value (seconds or an HTTP date). */
function retryAfterMs(value: string | undefined, attempt: number): number {
  if (value !== undefined) {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  return Math.min(30_000, 500 * 2 ** attempt);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted(): void {
      clearTimeout(timer);
      reject(new CancelledError());
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** Reads at most `limit` bytes of a body as text (for error messages), then drops the rest. */
export async function bodyStart(body: http.IncomingMessage, limit = 200): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= limit) break;
  }
  body.destroy();
  const text = Buffer.concat(chunks).subarray(0, limit).toString('utf8').replace(/\s+/g, ' ').trim();
  return size > limit ? `${text}…` : text;
}

function requestOnce(url: string, options: HttpOptions): Promise<http.IncomingMessage> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    const client = parsed.protocol === 'https:' ? https : http;
    const request = client.get(parsed, { headers: { 'user-agent': 'mlwb-import', ...options.headers }, signal: options.signal, agent: false }, resolve);
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error('timed out'), { code: 'MLWB_TIMEOUT' })));
    request.on('error', (error) => reject(options.signal?.aborted ? new CancelledError() : describeNetworkError(error, url, timeoutMs)));
  });
}

/**
 * GETs a URL, following redirects and waiting out 429/503 (Retry-After) a bounded number of times.
 * A final 4xx/5xx is an error with the status and the first bytes of the body.
 */
export async function httpGet(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const maxRetries = options.maxRetries ?? 5;
  const maxWait = options.maxRetryWaitMs ?? 60_000;
  let current = url;
  let redirects = 0;
  for (let attempt = 0; ;) {
    const response = await requestOnce(current, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (++redirects > MAX_REDIRECTS) throw new ImportError(`too many redirects from ${url}`);
      current = new URL(response.headers.location, current).toString();
      continue;
    }
    if ((status === 429 || status === 503) && attempt < maxRetries) {
      const header = response.headers['retry-after'];
      const wait = retryAfterMs(Array.isArray(header) ? header[0] : header, attempt);
      response.resume();
      if (wait > maxWait)
        throw new ImportError(`HTTP ${status} from ${current}: the server asks to retry after ${Math.round(wait / 1000)} s, longer than ${maxWait / 1000} s`);
      attempt++;
      await sleep(wait, options.signal);
      continue;
    }
    if (status >= 400) {
      const start = await bodyStart(response);
      const retried = status === 429 || status === 503 ? ` (still after ${maxRetries} retries)` : '';
      throw new ImportError(`HTTP ${status} ${response.statusMessage ?? ''}${retried} from ${current}${start ? `: ${start}` : ''}`.replace(/ {2,}/g, ' '));
    }
    return { url: current, status, headers: response.headers, body: response };
  }
}

/** Reads a whole response body, checking it against Content-Length (a cut download is an error). */
export async function readBody(response: HttpResponse): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    throw truncated(response, size, error);
  }
  checkComplete(response, size);
  return Buffer.concat(chunks);
}

/** Throws when fewer bytes arrived than the server announced, or the body ended early. */
export function checkComplete(response: HttpResponse, size: number): void {
  const expected = Number(response.headers['content-length']);
  if (!response.body.complete || (Number.isFinite(expected) && response.headers['content-length'] !== undefined && size < expected)) {
    throw truncated(response, size);
  }
}

export function truncated(response: HttpResponse, size: number, cause?: unknown): ImportError {
  if (cause instanceof ImportError || cause instanceof CancelledError) return cause;
  const expected = response.headers['content-length'];
  return new ImportError(
    `download of ${response.url} was truncated: got ${size} bytes${expected !== undefined ? ` of ${expected}` : ''} before the connection closed`,
  );
}
