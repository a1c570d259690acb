import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { teardownOnce } from '../teardown.js';

const MODULE = fileURLToPath(new URL('../teardown.js', import.meta.url));
const test = suite<{ dir: string }>('teardown', { dir: '' });
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'teardown-'));
});
test.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

test('the normal path and a second call run the teardown exactly once', async () => {
  let downs = 0;
  const finish = teardownOnce(
    async () => {
      downs++;
    },
    () => {},
  );
  await finish();
  await finish();
  assert.is(downs, 1);
  assert.is(
    process.listenerCount('SIGINT') + process.listenerCount('unhandledRejection'),
    0,
    'its handlers are gone after the normal path',
  );
});

/** Runs a child that registers a teardown writing to a file (after a wait, as the lifecycle's waits for Compose),
 * then does `then` once it says ready. */
function child(dir: string, body: string, then: (c: ChildProcess) => void): Promise<{ code: number | null; marker: string; out: string }> {
  const script = join(dir, 'child.mjs');
  const marker = join(dir, 'down.log');
  writeFileSync(
    script,
    `import { appendFileSync } from 'node:fs';
import { teardownOnce } from ${JSON.stringify(MODULE)};
teardownOnce(async () => {
  await new Promise((r) => setTimeout(r, 50));
  appendFileSync(${JSON.stringify(marker)}, 'down\\n');
}, (l) => console.log(l));
setInterval(() => {}, 1000);
console.log('ready');
${body}
`,
  );
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n') && !out.includes('#sent')) {
        out += '#sent';
        then(c);
      }
    });
    const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.on('exit', (code) => {
      clearTimeout(kill);
      let text = '';
      try {
        text = readFileSync(marker, 'utf8');
      } catch {
        /* never written */
      }
      resolve({ code, marker: text, out });
    });
  });
}

test('Ctrl-C (SIGINT) tears down once and exits 130', async ({ dir }) => {
  const r = await child(dir, '', (c) => c.kill('SIGINT'));
  assert.equal([r.code, r.marker], [130, 'down\n']);
  assert.match(r.out, /SIGINT: tearing down before exit/);
});

test('SIGTERM tears down once and exits 130', async ({ dir }) => {
  const r = await child(dir, '', (c) => c.kill('SIGTERM'));
  assert.equal([r.code, r.marker], [130, 'down\n']);
});

test('an error nothing caught tears down once and exits 1', async ({ dir }) => {
  const r = await child(dir, "setTimeout(() => { throw new Error('a bug in a check'); }, 10);", () => {});
  assert.equal([r.code, r.marker], [1, 'down\n']);
  assert.match(r.out, /unexpected error: Error: a bug in a check/);
});

test('SIGTERM after the reader of its output is gone still tears down once and exits 130', async ({ dir }) => {
  // As when the parent runner is killed with it, while its checks still print: no failed write may set off
  // another, in a loop that starves the teardown.
  const printing = "process.on('SIGTERM', () => setInterval(() => console.log('a check still printing'), 5));";
  const r = await child(dir, printing, (c) => {
    c.stdout!.once('close', () => c.kill('SIGTERM'));
    c.stdout!.destroy();
  });
  assert.equal([r.code, r.marker], [130, 'down\n']);
});

test('a reader that goes away mid-run ends the run: torn down once, exit 1', async ({ dir }) => {
  const r = await child(dir, "setInterval(() => console.log('still running'), 5);", (c) => c.stdout!.destroy());
  assert.equal([r.code, r.marker], [1, 'down\n']);
});

test.run();
