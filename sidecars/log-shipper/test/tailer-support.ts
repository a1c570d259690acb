// What the tailer's tests share: a tailer on a scratch directory, a drain of everything it can read, and
// the JSON lines they write.
import { createLogger } from '../../lib/log.js';
import { selector } from '../src/glob.js';
import { Registry } from '../src/registry.js';
import { Tailer } from '../src/tailer.js';
import type { Shipped } from '../src/tracked.js';

const quiet = createLogger('log-shipper', 'error', () => {});
/** Every tailer made here, until closeTailers: an open file handle left to the garbage collector is an
 * error in Bun, thrown wherever the collection happens to run. */
const made: Tailer[] = [];

export async function closeTailers(): Promise<void> {
  for (const t of made.splice(0)) await t.closeAll();
}

export function tailerIn(dir: string, include = '*.log', registry = new Registry(dir, '.reg.json')) {
  const rotations: string[] = [];
  const t = new Tailer(
    {
      dir,
      wanted: selector(include, '', ['.reg.json']),
      framing: { maxRecordBytes: 4096 },
      closeIdleMs: 60_000,
      log: quiet,
      onRotation: (kind) => rotations.push(kind),
    },
    registry,
  );
  made.push(t);
  return { t, registry, rotations };
}

/** Scans and reads until a pass finds nothing; the records. */
export async function drain(t: Tailer, budget = 1 << 30): Promise<Shipped[]> {
  const out: Shipped[] = [];
  await t.scan();
  while (await t.read(budget, out)) {}
  return out;
}

export const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `{"seq":${from + i}}\n`).join('');
export const texts = (rs: Shipped[]) => rs.map((r) => r.text);
export const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `{"seq":${from + i}}`);
