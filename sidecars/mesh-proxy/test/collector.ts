// A fake OTLP/HTTP collector: a local HTTP server that keeps every POST it gets, parsed, and answers
// with the status a test sets. Also reads spans out of the ExportTraceServiceRequest bodies.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpAttr {
  key: string;
  value: { stringValue?: string; intValue?: string };
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttr[];
  status: { code: number };
}
export interface OtlpBody {
  resourceSpans: { resource: { attributes: OtlpAttr[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}
export interface Post {
  path: string;
  headers: IncomingHttpHeaders;
  body: OtlpBody;
}
/** A span as received, with the service.name of its resource. */
export type Received = OtlpSpan & { service: string };

export interface Collector {
  url: string;
  posts: Post[];
  /** Status of the next answers. */
  status: number;
  spans(): Received[];
  close(): Promise<void>;
}

export const attr = (attrs: OtlpAttr[], key: string) => {
  const v = attrs.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue;
};

export async function startCollector(): Promise<Collector> {
  const c: Collector = {
    url: '',
    posts: [],
    status: 200,
    spans: () =>
      c.posts.flatMap((p) =>
        p.body.resourceSpans.flatMap((rs) =>
          rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service: attr(rs.resource.attributes, 'service.name')! }))),
        ),
      ),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => {
      c.posts.push({ path: req.url!, headers: req.headers, body: JSON.parse(text) as OtlpBody });
      res.writeHead(c.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  return c;
}
