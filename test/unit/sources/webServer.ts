/**
 * A local HTTP server for the import tests: data files in every format, broken answers (404, 500,
 * HTML, a cut download, silence), and a paginated, token-protected JSON API that also answers 429.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { tempFolder } from './helpers';

export const TOKEN = 'secret-token-123';
export const CSV = 'id,name,price,when\n1,apple,1.5,2024-01-02\n2,pear,,2024-01-03\n3,"fig, dried",3.25,\n';

export interface WebServer {
  readonly url: string;
  /** Times each path was requested. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

const items = (page: number) =>
  [1, 2].map((i) => {
    const id = (page - 1) * 2 + i;
    return { id, name: `item ${id}`, owner: { name: `user ${id}`, address: { city: id % 2 ? 'Paris' : 'Oslo' } }, tags: ['a', 'b'], score: id / 4 };
  });

function json(response: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Serves the routes; `parquet` is the bytes of a small Parquet file. */
export function startWebServer(parquet: Buffer): Promise<WebServer> {
  const hits = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const hit = (hits.get(url.pathname + url.search) ?? 0) + 1;
    hits.set(url.pathname + url.search, hit);
    const page = Number(url.searchParams.get('page') ?? 1);
    switch (url.pathname) {
      case '/files/data.csv':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end(CSV);
      case '/files/data.tsv':
        return response.end('id\tname\tprice\twhen\n1\tapple\t1.5\t2024-01-02\n2\tpear\t\t2024-01-03\n3\tfig, dried\t3.25\t\n');
      case '/files/data.json':
        return json(response, 200, [
          { id: 1, name: 'apple', nested: { a: 1 } },
          { id: 2, name: null, nested: { a: 2 } },
        ]);
      case '/files/data.jsonl':
        return response.end('{"id":1,"ok":true}\n{"id":2,"ok":false}\n');
      case '/files/data.parquet':
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        return response.end(parquet);
      case '/files/export':
        response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
        return response.end(CSV);
      case '/files/stream':
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        return response.end('{"id":1}\n{"id":2}\n{"id":3}\n');
      case '/files/mystery':
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        return response.end('???');
      case '/files/login.csv':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end('<!DOCTYPE html><html><body>Please log in</body></html>');
      case '/files/page':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return response.end('<html><body>hello</body></html>');
      case '/files/missing.csv':
        response.writeHead(404, { 'content-type': 'text/plain' });
        return response.end('no such file here');
      case '/files/broken.csv':
        response.writeHead(500, { 'content-type': 'text/plain' });
        return response.end(`internal failure ${'x'.repeat(500)}`);
      case '/files/truncated.csv':
        response.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(CSV.length * 10) });
        response.write(CSV);
        setTimeout(() => response.socket?.destroy(), 50);
        return;
      case '/files/silent.csv':
        return; // never answers
      case '/api/items': {
        if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(response, 401, { error: 'missing or wrong token' });
        // Page 2 is busy the first time it is asked for.
        if (page === 2 && hit === 1) return json(response, 429, { error: 'slow down' }, { 'retry-after': '0' });
        return json(response, 200, { data: { items: items(page) }, paging: { next: page < 3 ? `items?page=${page + 1}` : null } });
      }
      case '/api/linked': {
        const headers: http.OutgoingHttpHeaders =
          page < 3
            ? {
                link: `<http://${request.headers.host}/api/linked?page=${page + 1}>; rel="next", <http://${request.headers.host}/api/linked?page=1>; rel="first"`,
              }
            : {};
        return json(response, 200, items(page), headers);
      }
      case '/api/loop':
        return json(response, 200, { rows: items(page), next: page === 1 ? '/api/loop?page=2' : '/api/loop?page=1' });
      case '/api/html':
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end('<html><head><title>Sign in</title></head></html>');
      case '/api/busy':
        return json(response, 503, { error: 'maintenance' }, { 'retry-after': '0' });
      default:
        return json(response, 404, { error: `no route ${url.pathname}` });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        hits,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** An HTTPS server with a self-signed certificate (made with openssl), which a client must refuse. */
export function startSelfSignedServer(): Promise<{ url: string; close: () => Promise<void> } | undefined> {
  const dir = tempFolder('mlwb-tls-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (made.status !== 0) return Promise.resolve(undefined);
  const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_request, response) => response.end('id\n1\n'));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `https://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}
