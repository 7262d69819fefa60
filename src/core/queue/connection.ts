/** Redis URLs of the queue: parsed, checked and shown without their password. */
import { Redis, type RedisOptions } from 'ioredis';
import { MlError } from '../types';

/** Checks a queue URL: redis://[:password@]host:port[/db] or rediss:// (TLS). */
export function checkQueueUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MlError(`queue URL: not a URL: ${redactQueueUrl(url)} (expected redis://[:password@]host:port[/db])`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new MlError(`queue URL: must start with redis:// or rediss:// (TLS), got ${parsed.protocol}//`);
  }
  if (!parsed.hostname) throw new MlError('queue URL: names no host (expected redis://host:port)');
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new MlError(`queue URL: the database after the port must be a number, got "${db}"`);
  return parsed;
}

/** The URL with its password (and user) replaced by ***, for logs, run.json and the UI. */
export function redactQueueUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)[^@/]*@/, (_, scheme: string) => `${scheme}***@`);
}

/** An error message with the URL's password taken out wherever it appears. */
export function redactMessage(message: string, url: string): string {
  let text = message.split(url).join(redactQueueUrl(url));
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) text = text.split(password).join('***');
  } catch {
    // not a URL: nothing more to hide
  }
  return text;
}

/**
 * A connection to the queue's Redis. BullMQ needs maxRetriesPerRequest null (commands wait through
 * reconnects); the coordinator and workers bound their own waits, so a lost Redis never hangs them.
 */
export function connectQueue(url: string, options: RedisOptions = {}): Redis {
  checkQueueUrl(url);
  return new Redis(url, {
    maxRetriesPerRequest: null,
    // Reconnect quickly, then every 2 s; a Redis that restarts is found again.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
    ...options,
  });
}
