// A small client for etcd's v3 HTTP/JSON gateway (the grpc-gateway in front of the KV and Watch
// services): keys and values travel base64-encoded, int64 fields as strings. Used by the sidecar,
// and by the host-side `npm run config` and bench scripts.
import { JsonObjectStream } from './json-stream.js';

export interface Kv {
  key: string;
  value: Buffer;
  modRevision: number;
  createRevision: number;
  version: number;
}
export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  kv: Kv;
}
/** One message of a watch stream, classified. revision is the store revision in its header. */
export type WatchMessage =
  | { kind: 'created'; revision: number }
  | { kind: 'events'; revision: number; events: WatchEvent[] }
  | { kind: 'progress'; revision: number }
  | { kind: 'compacted'; revision: number; compactRevision: number }
  | { kind: 'canceled'; revision: number; reason: string };

export class EtcdError extends Error {}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const num = (v: unknown) => Number(v ?? 0);

interface RawKv {
  key?: string;
  value?: string;
  mod_revision?: string;
  create_revision?: string;
  version?: string;
}
interface RawHeader {
  revision?: string;
}

function kv(raw: RawKv): Kv {
  return {
    key: Buffer.from(raw.key ?? '', 'base64').toString('utf8'),
    value: Buffer.from(raw.value ?? '', 'base64'),
    modRevision: num(raw.mod_revision),
    createRevision: num(raw.create_revision),
    version: num(raw.version),
  };
}

/** Classifies one object of a /v3/watch response stream; throws on an error object. */
export function interpret(msg: unknown): WatchMessage {
  const m = msg as { result?: Record<string, unknown>; error?: { message?: string; http_code?: number } };
  if (m.error) throw new EtcdError(`watch stream error: ${m.error.message ?? JSON.stringify(m.error)}`);
  const r = m.result;
  if (!r) throw new EtcdError(`unexpected watch message: ${JSON.stringify(msg).slice(0, 200)}`);
  const revision = num((r.header as RawHeader | undefined)?.revision);
  if (r.canceled) {
    return num(r.compact_revision) > 0
      ? { kind: 'compacted', revision, compactRevision: num(r.compact_revision) }
      : { kind: 'canceled', revision, reason: String(r.cancel_reason ?? 'canceled by etcd') };
  }
  if (r.created) return { kind: 'created', revision };
  const events = (r.events as { type?: string; kv: RawKv }[] | undefined) ?? [];
  if (!events.length) return { kind: 'progress', revision };
  return { kind: 'events', revision, events: events.map((e) => ({ type: e.type === 'DELETE' ? 'DELETE' : 'PUT', kv: kv(e.kv) })) };
}

/** What went wrong with a request, in one line (fetch hides the socket error in .cause). */
export function describe(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'timed out';
  if (err?.cause) return `${err.message}: ${err.cause.code ?? err.cause.message}`;
  return err?.message ?? String(e);
}

export interface WatchOptions {
  /** Stops the watch (the call then resolves). */
  signal?: AbortSignal;
  /** A stream silent for this long is aborted with an error. */
  idleMs: number;
  /** Called for each message; returning 'stop' ends the stream. */
  onMessage(m: WatchMessage): undefined | 'stop';
}

export class EtcdClient {
  readonly base: string;
  constructor(
    url: string,
    private readonly timeoutMs = 5000,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  private async call<T>(path: string, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new EtcdError(`POST ${this.base}${path}: ${describe(e)}`);
    }
    const text = await res.text();
    if (!res.ok)
      throw new EtcdError(
        `POST ${this.base}${path}: HTTP ${res.status}: ${(JSON.parse(text || '{}') as { message?: string }).message ?? text.slice(0, 200)}`,
      );
    return JSON.parse(text) as T;
  }

  /** The key's value now, or at an earlier store revision; kv is undefined when the key does not exist there. */
  async range(key: string, revision?: number): Promise<{ revision: number; kv?: Kv }> {
    const r = await this.call<{ header?: RawHeader; kvs?: RawKv[] }>('/v3/kv/range', {
      key: b64(key),
      ...(revision ? { revision: String(revision) } : {}),
    });
    return { revision: num(r.header?.revision), kv: r.kvs?.[0] ? kv(r.kvs[0]) : undefined };
  }

  /** Writes a value; resolves with the new store revision (the value's mod_revision). */
  async put(key: string, value: string | Buffer): Promise<{ revision: number }> {
    const r = await this.call<{ header?: RawHeader }>('/v3/kv/put', { key: b64(key), value: b64(value) });
    return { revision: num(r.header?.revision) };
  }

  /** Opens a watch on one key from startRevision; resolves when the stream ends or is stopped. */
  async watch(key: string, startRevision: number, o: WatchOptions): Promise<void> {
    const ac = new AbortController();
    const stop = () => ac.abort();
    o.signal?.addEventListener('abort', stop);
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => ac.abort(new EtcdError(`watch stream silent for ${o.idleMs} ms`)), o.idleMs);
    };
    arm();
    try {
      const res = await fetch(`${this.base}/v3/watch`, {
        method: 'POST',
        signal: ac.signal,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ create_request: { key: b64(key), start_revision: String(startRevision), progress_notify: true } }),
      });
      if (!res.ok || !res.body) throw new EtcdError(`POST ${this.base}/v3/watch: HTTP ${res.status}`);
      const parser = new JsonObjectStream();
      for await (const chunk of res.body) {
        arm();
        for (const m of parser.push(chunk)) {
          if (o.onMessage(interpret(m)) === 'stop') return;
        }
      }
    } catch (e) {
      if (o.signal?.aborted) return;
      if (ac.signal.aborted && ac.signal.reason instanceof EtcdError) throw ac.signal.reason;
      throw e instanceof EtcdError ? e : new EtcdError(`watch ${this.base}: ${describe(e)}`);
    } finally {
      clearTimeout(idle);
      o.signal?.removeEventListener('abort', stop);
      if (!ac.signal.aborted) ac.abort();
    }
  }
}
