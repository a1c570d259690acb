// Keep-last-good state: a reload that fails leaves the current value in place and says why.
import type { Counter, Gauge } from './metrics.js';
import type { Logger } from './log.js';

export interface ReloadOutcome {
  ok: boolean;
  error?: string;
}

export class Reloadable<T> {
  private current: T | undefined;
  lastError: string | undefined;

  constructor(
    private readonly what: string,
    private readonly load: () => Promise<T> | T,
    private readonly log: Logger,
    private readonly reloads: Counter,
    private readonly lastSuccess?: Gauge,
  ) {}

  get value(): T {
    if (this.current === undefined) throw new Error(`${this.what} has not been loaded`);
    return this.current;
  }
  get loaded(): boolean {
    return this.current !== undefined;
  }

  /** Loads a new value; on failure keeps the last good one (if any) and reports why. */
  async reload(reason: string): Promise<ReloadOutcome> {
    try {
      const next = await this.load();
      this.current = next;
      this.lastError = undefined;
      this.reloads.inc({ result: 'ok' });
      this.lastSuccess?.set(Date.now() / 1000);
      this.log.info(`${this.what} loaded`, { reason });
      return { ok: true };
    } catch (e) {
      const error = (e as Error).message;
      this.lastError = error;
      this.reloads.inc({ result: 'error' });
      this.log.error(`${this.what} reload failed; ${this.current === undefined ? 'nothing loaded yet' : 'keeping the last good one'}`, {
        reason,
        error,
      });
      return { ok: false, error };
    }
  }
}
