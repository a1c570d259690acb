// The Node load generators, run by a pinned bench (BenchPod.loadgen) inside its pod's network namespace and pinned
// to the load generator's core:  node loadgen.js <probe|openloop|handshakes> '<json options>'
// Prints one JSON line with the result.
import { eventually } from '../lib/check.js';
import { open, type Target } from './connect.js';
import { handshakes } from './handshakes.js';
import { getRequest, ResponseReader } from './http-wire.js';
import { openLoop } from './openloop.js';

/** Waits until every target answers GET with 200, or throws naming the ones that do not. */
async function probe(targets: Target[], withinMs: number): Promise<{ ready: number[] }> {
  const deadline = Date.now() + withinMs;
  const once = async (t: Target) => {
    const s = await open(t);
    try {
      const reader = new ResponseReader();
      const status = await new Promise<number>((resolve, reject) => {
        s.on('data', (c: Buffer) => {
          const r = reader.push(c);
          if (r) resolve(r.status);
        });
        s.once('error', reject);
        s.once('close', () => reject(new Error('closed')));
        s.write(getRequest(t.path));
      });
      if (status !== 200) throw new Error(`status ${status}`);
    } finally {
      s.destroy();
    }
  };
  const ready: number[] = [];
  for (const t of targets) {
    await eventually(() => once(t), { within: Math.max(0, deadline - Date.now()), every: 200 }).catch((e: Error) => {
      throw new Error(`port ${t.port} not answering GET ${t.path} with 200: ${e.message}`);
    });
    ready.push(t.port);
  }
  return { ready };
}

const [cmd, json = '{}'] = process.argv.slice(2);
const a = JSON.parse(json);
const out =
  cmd === 'probe'
    ? await probe(a.targets, a.withinMs ?? 30000)
    : cmd === 'openloop'
      ? await openLoop(a.target, a)
      : cmd === 'handshakes'
        ? await handshakes(a.target, a)
        : (() => {
            throw new Error(`unknown command ${cmd}`);
          })();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
