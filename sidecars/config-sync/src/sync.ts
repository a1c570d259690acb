// The heart of config-sync: the newest value from etcd goes through the apply gate, is validated,
// written atomically and announced to the app. A value equal to what is already on disk is never
// announced again (a sidecar restart does not reload the app). The last good file always stays.
import type { Readiness } from '../../lib/admin.js';
import type { Logger } from '../../lib/log.js';
import { ParamError, paramMessage } from '../../lib/parse.js';
import type { Reloadable } from '../../lib/reloadable.js';
import { ApplyGate, type Clock } from './gate.js';
import type { Reloader } from './reload.js';
import type { Metrics } from './metrics.js';
import { spec } from './params.js';
import { thrown, type Validator, type Verdict } from './validate.js';
import type { Update, WatcherHooks } from './watcher.js';
import type { Writer } from './write.js';

export interface SyncOptions {
  key: string;
  writer: Writer;
  reloader: Reloader;
  rules: Reloadable<Validator>;
  minApplyIntervalMs: number;
  log: Logger;
  metrics: Metrics;
  clock?: Clock;
}

export class ConfigSync {
  readonly gate: ApplyGate;
  private latest: (Update & { at: number }) | undefined;
  /** Revision last applied or rejected: it is not looked at again (until the rules change). */
  private handled = 0;
  private rejected: string | undefined;
  private onDisk: Buffer | undefined;
  private reloadOwed = false;
  private etcdError: string | undefined = 'not reached yet';

  constructor(private readonly o: SyncOptions) {
    this.gate = new ApplyGate(o.minApplyIntervalMs, () => this.apply(), o.clock);
  }

  /** Adopts the file already on disk (left by an earlier run) if it is still valid. */
  async init(): Promise<void> {
    let current: Buffer | undefined;
    try {
      current = this.o.writer.read();
    } catch (e) {
      // A link loop or an unreadable file is replaced by the first write, like an invalid one.
      if (!(e instanceof ParamError)) throw e;
      this.o.log.warn('the config file on disk cannot be read; waiting for etcd', {
        path: this.o.writer.path,
        error: paramMessage(spec, e),
      });
    }
    if (!current) return;
    const verdict = await this.judge(current);
    if (verdict.ok) {
      this.onDisk = current;
      this.o.log.info('using the config file on disk until etcd answers', { path: this.o.writer.path, bytes: current.length });
    } else {
      this.o.log.warn('the config file on disk is not valid; waiting for etcd', {
        path: this.o.writer.path,
        reason: verdict.reason,
        error: verdict.error,
      });
    }
  }

  readonly hooks: WatcherHooks = {
    update: (u) => {
      this.etcdError = undefined;
      this.o.metrics.received.inc();
      this.o.metrics.seenRevision.set(u.revision);
      this.latest = { ...u, at: Date.now() };
      this.o.log.debug('value seen', { revision: u.revision, bytes: u.value?.length ?? null });
      this.gate.notify();
    },
    connected: (up) => {
      this.o.metrics.connected.set(up ? 1 : 0);
      if (up) {
        this.etcdError = undefined;
        this.o.log.info('watching', { key: this.o.key });
      }
    },
    failed: (error, retryInMs) => {
      this.etcdError = error;
      this.o.metrics.watchFailures.inc();
      this.o.metrics.error(`etcd: ${error}`);
      this.o.log.warn('watch lost; retrying', { error, retryInMs, keeping: this.onDisk ? 'the last good file' : 'nothing yet' });
    },
  };

  readiness(): Readiness {
    if (this.onDisk) return { ready: true };
    if (this.rejected) return { ready: false, reason: `no config yet: ${this.rejected}` };
    if (this.latest?.value === null) return { ready: false, reason: `no config yet: key ${this.o.key} does not exist in etcd` };
    return { ready: false, reason: `no config yet: etcd ${this.etcdError ?? 'answered; applying'}` };
  }

  /** After the validation rules changed: look at the newest value again, even if it was refused. */
  revalidate(): void {
    this.handled = 0;
    if (this.latest) this.gate.notify();
  }

  stop(): Promise<void> {
    return this.gate.stop();
  }

  /** The rules' verdict; a validator that throws refuses the value (reason error) instead of losing it. */
  private async judge(value: Buffer): Promise<Verdict> {
    try {
      return await this.o.rules.value(value);
    } catch (e) {
      return { ok: false, reason: 'error', error: `validation failed: ${thrown(e)}` };
    }
  }

  private reject(u: Update, reason: string, error: string): false {
    this.rejected = `revision ${u.revision} was rejected (${reason}): ${error}`;
    this.o.metrics.rejected.inc({ reason });
    this.o.metrics.error(this.rejected);
    this.o.log.error('update rejected; keeping the last good config', {
      revision: u.revision,
      reason,
      error,
      kept: this.onDisk ? this.o.writer.path : 'nothing yet',
    });
    return false;
  }

  /** One pass of the gate: resolves true when the app was told of a new file. */
  private async apply(): Promise<boolean> {
    const u = this.latest;
    if (!u || (u.revision === this.handled && !this.reloadOwed)) return false;
    this.handled = u.revision;
    if (u.value === null) {
      if (!u.read) return this.reject(u, 'deleted', `key ${this.o.key} was deleted; the file stays as it is`);
      this.o.log.warn('the key does not exist in etcd yet', { key: this.o.key, kept: this.onDisk ? this.o.writer.path : 'nothing yet' });
      return false;
    }
    const m = this.o.metrics;
    if (this.onDisk?.equals(u.value) && !this.reloadOwed) {
      this.rejected = undefined;
      m.appliedRevision.set(u.revision);
      m.appliedVersion.set(u.version);
      this.o.log.info('value unchanged; not reloading the app', { revision: u.revision });
      return false;
    }
    if (!this.onDisk?.equals(u.value)) {
      const verdict = await this.judge(u.value);
      if (!verdict.ok) return this.reject(u, verdict.reason, verdict.error);
      this.rejected = undefined;
      try {
        this.o.writer.write(u.value);
      } catch (e) {
        this.handled = 0; // try again with the next change or SIGHUP
        const error = e instanceof ParamError ? paramMessage(spec, e) : `cannot write ${this.o.writer.path}: ${(e as Error).message}`;
        m.error(error);
        this.o.log.error('write failed; the old file stays', { revision: u.revision, error });
        return true;
      }
      this.onDisk = u.value;
      m.writes.inc();
    }
    this.reloadOwed = true;
    const method = this.o.reloader.method;
    try {
      const r = await this.o.reloader.reload();
      this.reloadOwed = false;
      m.reloads.inc({ method, result: r.result });
      m.appliedRevision.set(u.revision);
      m.appliedVersion.set(u.version);
      m.appliedAt.set(Date.now() / 1000);
      m.applySeconds.observe((Date.now() - u.at) / 1000);
      this.o.log.info('applied', {
        revision: u.revision,
        version: u.version,
        bytes: u.value.length,
        reload: r.result,
        detail: r.detail,
        ms: Date.now() - u.at,
      });
    } catch (e) {
      const error = `reload (${method}) failed: ${(e as Error).message}`;
      m.reloads.inc({ method, result: 'error' });
      m.error(error);
      this.o.log.error('written, but the app was not told', {
        revision: u.revision,
        error,
        retry: 'with the next change or a SIGHUP to config-sync',
      });
    }
    return true;
  }
}
