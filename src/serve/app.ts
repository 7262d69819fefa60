/**
 * The HTTP API of the prediction service on fastify: routes, body parsers (JSON and CSV), the body
 * schemas fastify validates, bearer-token checks, request statistics, and the one error shape
 * `{ error, detail }` for every failure. Nothing a client sends can take the process down.
 */
import { timingSafeEqual } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { parseCsv } from './csv';
import { RequestError, type ErrorBody } from './errors';
import { checkFeedbackKeys, FEEDBACK_SHAPE, feedbackBodySchema, type FeedbackBody } from './feedback';
import { invocationBodySchema, type InvocationBody } from './input';
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from './prometheus';
import { PredictionService, type ServiceOptions } from './service';
import { registerV2Routes, v2ModelName } from './v2';

export interface AppOptions extends ServiceOptions {
  /** When set, every request needs `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Largest request body in bytes (413 above). */
  readonly bodyLimit?: number;
  /** Milliseconds a client has to send all request headers, from its first byte (408 after). */
  readonly headersTimeoutMs?: number;
  /** Milliseconds a client has to send the whole request, headers and body (408 after). */
  readonly requestTimeoutMs?: number;
}

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;
/**
 * A client that trickles its headers or body in holds a connection for as long as it likes unless
 * these cut it (slowloris); Node's own defaults are 60 s and 300 s, checked only every 30 s.
 */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The Open Inference Protocol's health routes, open without the token (probes cannot hold a secret). */
const OPEN_PROBES = new Set(['/v2/health/live', '/v2/health/ready']);
const SHAPES = 'dataframe_records, dataframe_split or instances';

declare module 'fastify' {
  interface FastifyInstance {
    service: PredictionService;
  }
}

/** Builds the app for a run folder (not yet listening): test it with inject or listen on a port. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const service = await PredictionService.load(options);
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const requestTimeout = Math.max(headersTimeout, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeout,
    // Node checks both timeouts on a timer (30 s by default); checked every second (or more often
    // for shorter limits), a slow client is cut within about a second of its limit.
    http: { headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))) },
    clientErrorHandler: (error, socket) => answerClientError(error, socket, headersTimeout, requestTimeout),
    return503OnClosing: true,
    // Errors fastify raises before routing (an undecodable URL) get the same body shape.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = errorResponse(error, service.maxBatchRows);
      void (reply as FastifyReply).code(status).send(status === 400 ? { ...body, error: 'bad_url' } : body);
    },
    // Strict validation: no silent coercion of "abc" or dropping of unknown keys.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false, allowUnionTypes: true } },
  });
  app.decorate('service', service);
  app.addHook('onClose', () => service.close());

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, { dataframe_split: parseCsv(body as string) });
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  if (options.token) {
    const expected = Buffer.from(`Bearer ${options.token}`);
    app.addHook('onRequest', async (request, reply) => {
      // Liveness and readiness answer without it: orchestrators' HTTP probes (Kubernetes, Docker) send no token.
      if (request.method === 'GET' && OPEN_PROBES.has(request.url)) return;
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        await reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'unauthorized', detail: 'this service needs the header "Authorization: Bearer <token>"' });
      }
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    service.stats.record(request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime);
  });

  app.setErrorHandler((error: FastifyError | RequestError | Error, request, reply) => {
    const { status, body } = errorResponse(error, service.maxBatchRows, request.routeOptions.url);
    if (status >= 500)
      process.stderr.write(`mlwb serve: ${request.method} ${request.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    // The Open Inference Protocol's errors are one sentence: `{ "error": … }`.
    void reply.code(status).send(isV2(request.url) ? { error: body.detail } : body);
  });
  app.setNotFoundHandler((request, reply) => {
    const detail = `no route ${request.method} ${request.url.split('?')[0]}; see GET /health, POST /invocations, POST /feedback, GET /v2/models/${v2ModelName(service)}`;
    void reply.code(404).send(isV2(request.url) ? { error: detail } : { error: 'not_found', detail });
  });

  app.post('/invocations', { schema: { body: invocationBodySchema(service.maxBatchRows) } }, (request: FastifyRequest<{ Body: InvocationBody }>) => {
    const fromText = (request.headers['content-type'] ?? '').startsWith('text/csv');
    return service.invoke(request.body, fromText);
  });
  app.post<{ Body: FeedbackBody }>(
    '/feedback',
    {
      schema: { body: feedbackBodySchema(service.maxBatchRows) },
      // An unknown key is named before the schema, whose first complaint would be the labels/values choice.
      preValidation: async (request) => checkFeedbackKeys(request.body),
    },
    async (request) => {
      const accepted = await service.feedback(request.body);
      return { accepted, feedback: service.feedbackMetrics() };
    },
  );
  app.get('/ping', async (_request, reply: FastifyReply) => reply.type('text/plain').send('pong\n'));
  app.get('/health', async () => service.health());
  app.get('/version', async () => service.version());
  app.get('/monitor', async () => service.monitor());
  app.get('/metrics', async (_request, reply: FastifyReply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(renderMetrics(service)));
  registerV2Routes(app, service);
  return app;
}

/**
 * Answers a connection whose request never became one (too slow, too large, not HTTP) with the
 * service's `{ error, detail }` shape and closes it; fastify's default answers another shape.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, headersTimeout: number, requestTimeout: number): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const seconds = (ms: number): string => `${ms / 1000} s`;
  const [status, body]: [number, ErrorBody] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [
          408,
          {
            error: 'request_timeout',
            detail: `the request was not received in time: headers must arrive within ${seconds(headersTimeout)} (--headers-timeout) and the whole request within ${seconds(requestTimeout)} (--request-timeout)`,
          },
        ]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, { error: 'headers_too_large', detail: 'the request headers are larger than this service accepts' }]
        : [400, { error: 'bad_request', detail: 'the request is not valid HTTP/1.1' }];
  if (socket.writable) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

function isV2(url: string): boolean {
  return url === '/v2' || url.startsWith('/v2/');
}

/** JSON.parse whose error says where the JSON broke. */
function parseJson(text: string): unknown {
  if (text.trim() === '') throw new RequestError(400, 'empty_body', 'the body is empty; send JSON with one of ' + SHAPES);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestError(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/** Maps any error to its status and `{ error, detail }` body; `route` picks the words for a body that fails its schema. */
export function errorResponse(error: unknown, maxRows: number, route?: string): { status: number; body: ErrorBody } {
  if (error instanceof RequestError) return { status: error.status, body: error.body() };
  const fastifyError = error as Partial<FastifyError> & { validation?: AjvError[] };
  if (fastifyError.validation && fastifyError.validation.length > 0) {
    const first = fastifyError.validation[0] as AjvError;
    return (route === '/feedback' ? feedbackValidationResponse(first) : undefined) ?? validationResponse(first, maxRows);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error: 'body_too_large', detail: 'the request body is larger than the limit of this service (--body-limit)' } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { error: 'unsupported_media_type', detail: 'send application/json or text/csv (with a header row)' } };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: { error: 'bad_content_length', detail: 'the body size does not match Content-Length' } };
    default:
      break;
  }
  const status = typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 600 ? fastifyError.statusCode : 500;
  const message = error instanceof Error ? error.message : String(error);
  return { status, body: { error: status >= 500 ? 'internal_error' : 'bad_request', detail: message } };
}

/** The /feedback body's own words where they differ from /invocations'; undefined to use those. */
function feedbackValidationResponse(first: AjvError): { status: number; body: ErrorBody } | undefined {
  const atRoot = first.instancePath === '';
  if (atRoot && (first.keyword === 'oneOf' || (first.keyword === 'required' && first.params.missingProperty !== 'prediction_ids'))) {
    return { status: 400, body: { error: 'invalid_shape', detail: `send ${FEEDBACK_SHAPE}: exactly one of the two` } };
  }
  if (first.keyword === 'type' && first.instancePath.startsWith('/values/')) {
    // JSON's 1e999 parses to Infinity, which the schema's "number" refuses too.
    return { status: 400, body: { error: 'wrong_type', detail: `${first.instancePath.slice(1).replace(/\//g, '.')} must be a finite number` } };
  }
  if (first.keyword === 'maxLength') {
    const where = first.instancePath.slice(1).replace(/\//g, '.');
    return {
      status: 400,
      body: { error: 'wrong_type', detail: `${where} is longer than ${String(first.params.limit)} characters; a label is the name of a class` },
    };
  }
  return undefined;
}

function validationResponse(first: AjvError, maxRows: number): { status: number; body: ErrorBody } {
  const where = first.instancePath === '' ? 'the body' : first.instancePath.slice(1).replace(/\//g, '.');
  const bad = (code: string, detail: string, status = 400): { status: number; body: ErrorBody } => ({ status, body: { error: code, detail } });
  switch (first.keyword) {
    case 'minProperties':
    case 'maxProperties':
      return bad('invalid_shape', `${where} must hold exactly one of ${SHAPES}`);
    case 'additionalProperties':
      return bad(
        'invalid_shape',
        `${where} has an unexpected key "${String(first.params.additionalProperty)}"${where === 'the body' ? `; expected one of ${SHAPES}` : ''}`,
      );
    case 'minItems':
      return bad('empty_batch', `${where} is empty: send at least one row`);
    case 'maxItems':
      return bad('batch_too_large', `${where} holds more than ${maxRows} rows, the most one request may hold`, 413);
    case 'required':
      return bad('invalid_shape', `${where} needs "${String(first.params.missingProperty)}"`);
    case 'type':
      return bad('invalid_shape', `${where} must be ${String(first.params.type)}`);
    default:
      return bad('invalid_shape', `${where} ${first.message ?? 'is invalid'}`);
  }
}
