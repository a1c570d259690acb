// Keeps one key watched for as long as the sidecar runs. It reads the key once (range), then
// streams changes from the next revision. A lost stream is re-opened with a doubling back-off and
// resumes after the last revision seen, so no change is missed; if etcd has compacted past that
// revision, it reads the key again instead (the newest value is what matters).
import { describe, type EtcdClient, type WatchMessage } from './etcd.js';

/** The key's value at a revision; value null means the key does not exist. `read` says it came from
 * reading the key (at start, or after a compaction) rather than from a watch event. */
export interface Update {
  revision: number;
  version: number;
  value: Buffer | null;
  read?: boolean;
}

export interface WatcherHooks {
  update(u: Update): void;
  /** The stream is open (true) or lost (false). */
  connected(up: boolean): void;
  /** A failed attempt, and how long until the next one. */
  failed(error: string, retryInMs: number): void;
}

export interface WatcherOptions {
  retryMaxMs: number;
  idleMs: number;
  retryBaseMs?: number;
  random?: () => number;
}

/** Back-off before attempt n (0-based) after a failure: base * 2^n, at most max, with ±20 % jitter. */
export function backoff(n: number, baseMs: number, maxMs: number, random = Math.random): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.min(n, 30));
  return Math.round(Math.min(maxMs, plain * (0.8 + 0.4 * random())));
}

export class KeyWatcher {
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;
  /** Next revision to watch from; undefined means "read the key first". */
  next: number | undefined;

  constructor(
    private readonly etcd: EtcdClient,
    private readonly key: string,
    private readonly o: WatcherOptions,
    private readonly hooks: WatcherHooks,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
  }

  private get stopped() {
    return this.stopper.signal.aborted;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let opened = false;
      let wait = 0;
      try {
        if (this.next === undefined) {
          const r = await this.etcd.range(this.key);
          this.hooks.update(
            r.kv
              ? { revision: r.kv.modRevision, version: r.kv.version, value: r.kv.value, read: true }
              : { revision: r.revision, version: 0, value: null, read: true },
          );
          this.next = r.revision + 1;
        }
        await this.etcd.watch(this.key, this.next, {
          signal: this.stopper.signal,
          idleMs: this.o.idleMs,
          onMessage: (m) => {
            if (m.kind === 'created') {
              opened = true;
              failures = 0;
              this.hooks.connected(true);
            }
            return this.handle(m);
          },
        });
        if (this.stopped) break;
        if (this.next === undefined) continue; // compacted past our revision: read the key again, at once
        throw new Error('watch stream closed by etcd');
      } catch (e) {
        if (this.stopped) break;
        wait = backoff(failures++, this.o.retryBaseMs ?? 100, this.o.retryMaxMs, this.o.random);
        this.hooks.failed(describe(e), wait);
      } finally {
        if (opened) this.hooks.connected(false);
      }
      await this.sleep(wait);
    }
  }

  private handle(m: WatchMessage): undefined | 'stop' {
    switch (m.kind) {
      case 'events':
        for (const e of m.events) {
          this.hooks.update(
            e.type === 'DELETE'
              ? { revision: e.kv.modRevision, version: 0, value: null }
              : { revision: e.kv.modRevision, version: e.kv.version, value: e.kv.value },
          );
          this.next = e.kv.modRevision + 1;
        }
        return;
      case 'progress':
        // Every change up to this revision has been sent: resume after it.
        this.next = Math.max(this.next ?? 0, m.revision + 1);
        return;
      case 'compacted':
        this.next = undefined;
        return 'stop';
      case 'canceled':
        throw new Error(`watch canceled by etcd: ${m.reason}`);
      case 'created':
        return;
    }
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.stopper.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }
}
