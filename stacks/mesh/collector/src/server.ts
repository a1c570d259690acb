// span-collector's HTTP API, served through the sidecar runtime's guard (sidecars/lib/http.ts):
//   POST /v1/traces              OTLP/HTTP JSON (Content-Type application/json): 200 {} or {"partialSuccess":...};
//                                400 unreadable JSON or structure, 413 too large, 415 another type or an encoding
//   GET  /api/traces/<traceId>   200 {"traceId","spans":[...]} by start time; 400 a bad id; 404 none kept
//   GET  /api/traces?service=&limit=   200 {"traces":[...]}: the most recently updated, newest first (limit 1-1000, 20)
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { HttpError, readBody, serve, type Handler } from '../../../../sidecars/lib/http.js';
import type { Logger } from '../../../../sidecars/lib/log.js';
import type { Metrics } from './metrics.js';
import { hexId, OtlpError, parseExport } from './otlp.js';
import type { SpanStore } from './store.js';

export interface CollectorOptions {
  store: SpanStore;
  maxBodyBytes: number;
  metrics: Metrics;
  log: Logger;
}

const READ = 'GET, HEAD';

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  const body = `${JSON.stringify(value)}\n`;
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
    })
    .end(req.method === 'HEAD' ? undefined : body);
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  const body = `${text}\n`;
  res
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) })
    .end(req.method === 'HEAD' ? undefined : body);
}

/** The spans of a body, or why it is not an ExportTraceServiceRequest. */
function readExport(raw: Buffer): ReturnType<typeof parseExport> | string {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'the body is not valid JSON';
  }
  try {
    return parseExport(body);
  } catch (e) {
    if (e instanceof OtlpError) return e.message;
    throw e;
  }
}

function allow(req: IncomingMessage, methods: string): void {
  if (!methods.split(', ').includes(req.method ?? '')) throw new HttpError(405, `method not allowed: ${methods}`, { allow: methods });
}

async function receive(req: IncomingMessage, res: ServerResponse, o: CollectorOptions): Promise<void> {
  allow(req, 'POST');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'unsupported media type: send OTLP/HTTP JSON (Content-Type: application/json); protobuf is not accepted');
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity')
    throw new HttpError(415, `unsupported content encoding ${JSON.stringify(encoding)}: send the body uncompressed`);
  const raw = await readBody(req, o.maxBodyBytes);
  // The body is read: the request stream has ended (and is destroyed), which the guard would take for a
  // client gone away, so from here on every answer, a refusal or a failure, is written here.
  try {
    store(req, res, raw, o);
  } catch (e) {
    o.log.error('handler failed', { err: e as Error, method: req.method, path: '/v1/traces' });
    if (!res.headersSent) sendText(req, res, 500, 'internal error');
  }
}

function store(req: IncomingMessage, res: ServerResponse, raw: Buffer, o: CollectorOptions): void {
  const parsed = readExport(raw);
  if (typeof parsed === 'string') {
    o.log.debug('export refused', { reason: parsed });
    sendText(req, res, 400, `bad request: ${parsed}`);
    return;
  }
  const added = o.store.add(parsed.spans);
  o.metrics.received.inc({}, parsed.spans.length);
  o.metrics.duplicates.inc({}, added.duplicates);
  o.metrics.evicted.inc({}, added.evicted);
  o.metrics.rejected.inc({}, parsed.rejected);
  if (parsed.rejected === 0) {
    sendJson(req, res, 200, {});
    return;
  }
  o.log.debug('spans rejected', { rejected: parsed.rejected, accepted: parsed.spans.length, first: parsed.errorMessage });
  sendJson(req, res, 200, { partialSuccess: { rejectedSpans: parsed.rejected, errorMessage: parsed.errorMessage } });
}

function list(req: IncomingMessage, res: ServerResponse, params: URLSearchParams, o: CollectorOptions): void {
  allow(req, READ);
  const limitText = params.get('limit') ?? '20';
  const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : 0;
  if (limit < 1 || limit > 1000) throw new HttpError(400, 'bad request: limit is an integer from 1 to 1000');
  sendJson(req, res, 200, { traces: o.store.recent(limit, params.get('service') ?? undefined) });
}

function trace(req: IncomingMessage, res: ServerResponse, idText: string, o: CollectorOptions): void {
  allow(req, READ);
  const traceId = hexId(idText, 32);
  if (traceId === undefined) throw new HttpError(400, 'bad request: a trace id is 32 hex digits, not all zero');
  const spans = o.store.trace(traceId);
  if (!spans) throw new HttpError(404, `trace ${traceId} not found: no span of it is kept`);
  sendJson(req, res, 200, { traceId, spans });
}

export function handler(o: CollectorOptions): Handler {
  return async (req, res, target) => {
    const path = target.url.pathname;
    const route = path === '/v1/traces' ? 'traces' : path === '/api/traces' ? 'list' : path.startsWith('/api/traces/') ? 'trace' : 'other';
    res.once('finish', () => o.metrics.requests.inc({ route, status: String(res.statusCode) }));
    if (route === 'traces') return receive(req, res, o);
    if (route === 'list') return list(req, res, target.url.searchParams, o);
    if (route === 'trace') return trace(req, res, path.slice('/api/traces/'.length), o);
    throw new HttpError(404, 'not found: try POST /v1/traces, GET /api/traces/<traceId> or GET /api/traces?service=&limit=');
  };
}

export function createCollectorServer(o: CollectorOptions): Server {
  // 30 s for a body of up to maxBodyBytes; an exporter sends its batch in well under a second.
  return serve(handler(o), { log: o.log, requestTimeoutMs: 30_000 });
}
