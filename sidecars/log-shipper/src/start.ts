// Builds log-shipper from its parameters: checks the combinations a single parameter cannot, loads the
// registry, then wires the tailer, the read loop, the shipper and the RELP client.
import { hostname } from 'node:os';
import { ConfigError } from '../../lib/parse.js';
import type { Context, Running } from '../../lib/run.js';
import { Formatter } from './format.js';
import { selector } from './glob.js';
import { registerMetrics, STALL_MS } from './metrics.js';
import type { params } from './params.js';
import { Pump } from './pump.js';
import { Registry } from './registry.js';
import { RelpClient } from './relp.js';
import { Shipper } from './shipper.js';
import { Tailer } from './tailer.js';
import { pooledReadBytes, releaseReadBuffers } from './tracked.js';

type P = Context<typeof params>['params'];

/** The names the sidecar writes in --dir: the registry, its temp file, and a corrupt one kept aside. */
const ownFiles = (registry: string) => [registry, `${registry}.tmp`, `${registry}.corrupt`];

/** Combinations that no single parameter's rule can catch; each error names the parameters. */
export function checkCombinations(p: P): void {
  if (p.closeIdle <= p.multilineTimeout)
    throw new ConfigError(
      'invalid --close-idle (LOG_SHIPPER_CLOSE_IDLE): it must be longer than --multiline-timeout, or a rotated file could close with its last record still open',
    );
  const included = selector(p.include, '', []);
  const clash = ownFiles(p.registryFile).find(included);
  if (clash)
    throw new ConfigError(
      `invalid --registry-file (LOG_SHIPPER_REGISTRY_FILE): ${JSON.stringify(clash)} is matched by --include ${JSON.stringify(p.include)}, so the registry would be written over a log of the app; give it a name the globs do not match (like the default .log-shipper-registry.json)`,
    );
  if (p.batchMaxBytes > p.maxBufferBytes)
    throw new ConfigError('invalid --batch-max-bytes (LOG_SHIPPER_BATCH_MAX_BYTES): it must not be more than --max-buffer-bytes');
}

export async function start({ params: p, log, metrics }: Context<typeof params>): Promise<Running> {
  checkCombinations(p);
  const m = registerMetrics(metrics);
  m.bufferLimit.set(p.maxBufferBytes);
  const registry = new Registry(p.dir, p.registryFile);
  const loaded = await registry.load().catch((e: Error) => {
    throw new ConfigError(`invalid --registry-file (LOG_SHIPPER_REGISTRY_FILE): ${e.message}`);
  });
  if (loaded.corrupt)
    log.error('registry was corrupt: kept as .corrupt, starting over (records already delivered are sent again, with the same ids)', {
      file: registry.path,
      reason: loaded.corrupt,
    });
  const tailer = new Tailer(
    {
      dir: p.dir,
      wanted: selector(p.include, p.exclude, ownFiles(p.registryFile)),
      framing: { maxRecordBytes: p.maxRecordBytes, start: p.multilineStart ? new RegExp(p.multilineStart) : undefined },
      closeIdleMs: p.closeIdle,
      log,
      onRotation: (kind) => m.rotations.inc({ kind }),
    },
    registry,
  );
  const relp = new RelpClient({ host: p.relpHost, port: p.relpPort, window: p.relpWindow, timeoutMs: p.relpTimeout });
  const shipper = new Shipper(
    {
      batchMaxRecords: p.batchMaxRecords,
      batchMaxBytes: p.batchMaxBytes,
      batchMaxWaitMs: p.batchMaxWait,
      maxBufferBytes: p.maxBufferBytes,
      retryMaxMs: p.retryMax,
      commitOnRead: p.unsafeCommitOnRead,
    },
    relp,
    new Formatter({ pod: p.pod || hostname(), container: p.container }, p.parseJson),
    registry,
    m,
    log,
  );
  shipper.held = () => tailer.held;
  m.pools.bytes = () => pooledReadBytes() + shipper.pooledBytes;
  const report = () => {
    m.buffered.set(shipper.buffered);
    m.files.set(tailer.files.size);
    m.lag.reset();
    for (const t of tailer.files.values()) {
      const acked = registry.entries.get(t.fp)?.offset ?? 0;
      m.lag.set(Math.max(0, Math.max(t.size, t.position) - acked), { file: t.name });
    }
    m.registryAge.set(registry.savedAt ? (Date.now() - registry.savedAt) / 1000 : -1);
  };
  const pump = new Pump(
    {
      scanIntervalMs: p.scanInterval,
      pollIntervalMs: p.pollInterval,
      multilineTimeoutMs: p.multilineTimeout,
      report,
      stallAfterMs: STALL_MS,
      release: () => {
        releaseReadBuffers();
        shipper.releaseBuffers();
      },
    },
    tailer,
    shipper,
    m,
    log,
  );
  shipper.onFreed = () => pump.nudge();
  log.info('registry loaded', { file: registry.path, files: loaded.loaded });
  if (p.unsafeCommitOnRead)
    log.warn('--unsafe-commit-on-read: the registry moves when lines are read; a crash while the receiver is away loses them');
  await pump.pass(true);
  shipper.start();
  pump.start();
  return {
    ready: () => pump.readiness(),
    async drain() {
      await pump.finish();
      await shipper.idle();
      await shipper.stop();
      await tailer.closeAll();
    },
  };
}
