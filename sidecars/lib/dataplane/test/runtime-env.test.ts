// Pins what the proxies' images set for JavaScriptCore (runtime-env.ts), at the Bun version in package.json.
// BUN_JSC_* options are not a stable API of Bun: one that a Bun upgrade renames or drops stops Bun at start,
// and one that it keeps but ignores would cost memory silently. Either fails here before an image ships.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, runCommand } from '../../test-support/child.js';
import { DATA_PLANE_RUNTIME } from '../runtime-env.js';

const test = suite('the runtime settings of the data plane’s images');

/** Keeps the last 5,000 of six million small objects alive: each eden collection promotes that window. */
const PROMOTING =
  'const ring = new Array(5000); for (let i = 0; i < 6e6; i++) ring[i % 5000] = { i, s: `r${i}`, a: [i] }; console.log("done");';

/** What JavaScriptCore's own GC log says of a run of PROMOTING: full collections, and the largest heap one left. */
async function collections(env: Record<string, string>): Promise<{ full: number; largestKb: number }> {
  const r = runCommand(process.execPath, ['-e', PROMOTING], { ...env, BUN_JSC_logGC: '1' });
  const { code } = await exited(r, 60_000);
  assert.is(code, 0, r.stderr.slice(-500));
  assert.match(r.stdout, /done/);
  const log = `${r.stdout}${r.stderr}`;
  const left = [...log.matchAll(/=> (\d+)kb, p=/g)].map((m) => Number(m[1]));
  return { full: (log.match(/=> FullCollection/g) ?? []).length, largestKb: Math.max(...left) };
}

test('this Bun accepts every setting: it starts with them and runs a program', async () => {
  const r = runCommand(process.execPath, ['-e', 'console.log("up")'], { ...DATA_PLANE_RUNTIME.env });
  const { code } = await exited(r, 30_000);
  assert.is(r.stderr, '');
  assert.is(code, 0);
  assert.is(r.stdout, 'up\n');
});

test('a Bun with a setting it does not know exits at start, as this file assumes of a renamed option', async () => {
  const r = runCommand(process.execPath, ['-e', 'console.log("up")'], { BUN_JSC_noSuchOptionInAnyBun: '1' });
  const { code } = await exited(r, 30_000);
  assert.is(code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /invalid JSC environment variable/);
});

for (const value of ['', 'half'])
  test(`a setting with ${value ? 'a value Bun cannot read' : 'an empty value'} stops Bun at start with Bun’s own message, as the README says`, async () => {
    const [name] = Object.keys(DATA_PLANE_RUNTIME.env);
    const r = runCommand(process.execPath, ['-e', 'console.log("up")'], { [name!]: value });
    const { code } = await exited(r, 30_000);
    assert.is(code, 1);
    assert.is(r.stdout, '');
    assert.ok(r.stderr.includes(`invalid JSC environment variable\n\n    ${name}=${value}\n`), r.stderr);
  });

test('with the settings, a heap that keeps promoting is collected in full more often and stays smaller', async () => {
  const defaults = await collections({});
  const tuned = await collections({ ...DATA_PLANE_RUNTIME.env });
  assert.ok(defaults.full > 0 && defaults.largestKb > 0, 'the program promotes enough for a full collection by default too');
  const seen = `with the settings ${tuned.full} full collections and ${tuned.largestKb} kB at most; without, ${defaults.full} and ${defaults.largestKb} kB`;
  assert.ok(tuned.full > defaults.full, seen);
  assert.ok(tuned.largestKb < 0.75 * defaults.largestKb, seen);
});

test.run();
