// A fake of etcd's v3 HTTP/JSON gateway for tests: range (with revision), put, and streaming watch
// with history replay, compaction, progress notifications, dropped streams and outages. It speaks
// the same JSON (base64 keys and values, int64 as strings) and can cut every message into pieces.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

interface Entry {
  key: string;
  value: string | null;
  mod: number;
  version: number;
  create: number;
}
interface Watch {
  res: ServerResponse;
  key: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const header = (revision: number) => ({ cluster_id: '1', member_id: '2', revision: String(revision), raft_term: '2' });

export class FakeEtcd {
  revision = 1;
  compacted = 0;
  readonly log: Entry[] = [];
  /** start_revision of every watch that was opened, in order. */
  readonly watchStarts: number[] = [];
  ranges = 0;
  /** Cut each streamed message into pieces of this many bytes (0: whole). */
  chunk = 0;
  port = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<Watch>();

  async start(port = this.port): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** An outage: every connection is cut and nothing listens until start() again. */
  async stop(): Promise<void> {
    this.watches.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  put(key: string, value: string): number {
    const prev = this.current(key);
    this.revision++;
    const alive = prev && prev.value !== null;
    this.record({ key, value, mod: this.revision, version: alive ? prev.version + 1 : 1, create: alive ? prev.create : this.revision });
    return this.revision;
  }

  delete(key: string): number {
    this.revision++;
    this.record({ key, value: null, mod: this.revision, version: 0, create: 0 });
    return this.revision;
  }

  compact(revision: number): void {
    this.compacted = revision;
  }

  /** Cuts the open watch streams (etcd stays up). */
  dropWatches(): void {
    for (const w of this.watches) w.res.socket?.destroy();
    this.watches.clear();
  }

  /** A progress notification on every open watch. */
  progress(): void {
    for (const w of this.watches) this.send(w.res, { result: { header: header(this.revision) } });
  }

  private current(key: string, at = Infinity): Entry | undefined {
    return [...this.log].reverse().find((e) => e.key === key && e.mod <= at);
  }

  private record(e: Entry): void {
    this.log.push(e);
    for (const w of this.watches)
      if (w.key === e.key) this.send(w.res, { result: { header: header(this.revision), events: [this.event(e)] } });
  }

  private event(e: Entry) {
    return e.value === null
      ? { type: 'DELETE', kv: { key: b64(e.key), mod_revision: String(e.mod) } }
      : {
          kv: {
            key: b64(e.key),
            create_revision: String(e.create),
            mod_revision: String(e.mod),
            version: String(e.version),
            value: b64(e.value),
          },
        };
  }

  private send(res: ServerResponse, msg: unknown): void {
    const text = `${JSON.stringify(msg)}\n`;
    if (!this.chunk) {
      res.write(text);
      return;
    }
    for (let i = 0; i < text.length; i += this.chunk) res.write(text.slice(i, i + this.chunk));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const c of req) body += c;
    const json = JSON.parse(body || '{}') as Record<string, Record<string, string> | string>;
    const reply = (status: number, msg: unknown): void =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(msg));
    if (req.url === '/v3/kv/put') {
      return reply(200, { header: header(this.put(unb64(json.key as string), unb64((json.value as string) ?? ''))) });
    }
    if (req.url === '/v3/kv/range') {
      this.ranges++;
      const at = json.revision ? Number(json.revision) : Infinity;
      if (at <= this.compacted) return reply(400, { code: 11, message: 'etcdserver: mvcc: required revision has been compacted' });
      const e = this.current(unb64(json.key as string), at);
      return reply(200, { header: header(this.revision), ...(e && e.value !== null ? { kvs: [this.event(e).kv], count: '1' } : {}) });
    }
    if (req.url === '/v3/watch') {
      const create = json.create_request as Record<string, string>;
      const key = unb64(create.key!);
      const start = Number(create.start_revision ?? this.revision + 1);
      this.watchStarts.push(start);
      res.writeHead(200, { 'content-type': 'application/json' });
      this.send(res, { result: { header: header(this.revision), created: true } });
      if (start <= this.compacted) {
        this.send(res, {
          result: { header: { ...header(this.revision), revision: undefined }, canceled: true, compact_revision: String(this.compacted) },
        });
        return;
      }
      const past = this.log.filter((e) => e.key === key && e.mod >= start);
      if (past.length) this.send(res, { result: { header: header(this.revision), events: past.map((e) => this.event(e)) } });
      const w = { res, key };
      this.watches.add(w);
      req.on('close', () => this.watches.delete(w));
      return;
    }
    reply(404, { code: 5, message: 'Not Found' });
  }
}
