// Pins what the proxies' images set for JavaScriptCore (runtime-env.ts), at the Bun version in package.json.
// BUN_JSC_* options are not a stable API of Bun: one that a Bun upgrade renames or drops stops Bun at start,
// and one that it keeps but ignores would cost memory silently. Either fails here before an image ships.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, runCommand } from '../../test-support/child.js';
import { OLD_GENERATION_SOONER, SMALL_YOUNG_GENERATION } from '../runtime-env.js';

const test = suite('the runtime settings of the data plane’s images');

/** Keeps the last 5,000 of six million small objects alive: a heap of about 1 MB, each eden collection promoting that window. */
const SMALL_HEAP =
  'const ring = new Array(5000); for (let i = 0; i < 6e6; i++) ring[i % 5000] = { i, s: `r${i}`, a: [i] }; console.log("done");';

/** Keeps 60,000 objects for good and the last 5,000 of four million more: a heap of about 10 MB. */
const LARGER_HEAP =
  'const keep = Array.from({ length: 60000 }, (_, i) => ({ i, s: `k${i}`, a: [i, i] })); const ring = new Array(5000); for (let i = 0; i < 4e6; i++) ring[i % 5000] = { i, s: `r${i}`, a: [i] }; console.log("done", keep.length);';

/** JavaScriptCore grows the heap by a flat factor under 16 GB of RAM and along a curve from 16 GB; forceRAMSize picks. */
const HOSTS = { 'under 16 GB': String(8 * 2 ** 30), 'of 16 GB or more': String(64 * 2 ** 30) };

interface Collections {
  /** The median of what JavaScriptCore let the program allocate between two collections ("bytes allowed"). */
  budget: number;
  eden: number;
  full: number;
  /** The largest heap a collection left, in kB. */
  largestKb: number;
}

/** What JavaScriptCore's own GC log says of a run of `program`. */
async function collections(program: string, env: Record<string, string>): Promise<Collections> {
  const r = runCommand(process.execPath, ['-e', program], { ...env, BUN_JSC_logGC: '1' });
  const { code } = await exited(r, 60_000);
  assert.is(code, 0, r.stderr.slice(-500));
  assert.match(r.stdout, /done/);
  const log = `${r.stdout}${r.stderr}`;
  const allowed = [...log.matchAll(/bytes allowed: (\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  assert.ok(allowed.length > 5, `too few collections to judge: ${allowed.length}`);
  return {
    budget: allowed[Math.floor(allowed.length / 2)]!,
    eden: (log.match(/=> EdenCollection/g) ?? []).length,
    full: (log.match(/=> FullCollection/g) ?? []).length,
    largestKb: Math.max(...[...log.matchAll(/=> (\d+)kb, p=/g)].map((m) => Number(m[1]))),
  };
}

const SETTINGS = { 'mesh-proxy’s': OLD_GENERATION_SOONER, 'tls-proxy’s': SMALL_YOUNG_GENERATION };

for (const [whose, settings] of Object.entries(SETTINGS))
  test(`this Bun accepts every one of ${whose} settings: it starts with them and runs a program`, async () => {
    const r = runCommand(process.execPath, ['-e', 'console.log("up")'], { ...settings.env });
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
  test(`a setting with ${value ? 'a value Bun cannot read' : 'an empty value'} stops Bun at start with Bun’s own message, as the READMEs say`, async () => {
    const names = new Set(Object.values(SETTINGS).flatMap((settings) => Object.keys(settings.env)));
    for (const name of names) {
      const r = runCommand(process.execPath, ['-e', 'console.log("up")'], { [name]: value });
      const { code } = await exited(r, 30_000);
      assert.is(code, 1, name);
      assert.is(r.stdout, '');
      assert.ok(r.stderr.includes(`invalid JSC environment variable\n\n    ${name}=${value}\n`), r.stderr);
    }
  });

test('with mesh-proxy’s setting, a heap that keeps promoting is collected in full more often and stays smaller', async () => {
  const defaults = await collections(SMALL_HEAP, {});
  const tuned = await collections(SMALL_HEAP, { ...OLD_GENERATION_SOONER.env });
  assert.ok(defaults.full > 0 && defaults.largestKb > 0, 'the program promotes enough for a full collection by default too');
  const seen = `with the setting ${tuned.full} full collections and ${tuned.largestKb} kB at most; without, ${defaults.full} and ${defaults.largestKb} kB`;
  assert.ok(tuned.full > defaults.full, seen);
  assert.ok(tuned.largestKb < 0.75 * defaults.largestKb, seen);
});

// By default the heap may grow by its own size under 16 GB and by twice it from 16 GB; with the settings, by half.
const SHARE = { 'under 16 GB': ['half', 0.6], 'of 16 GB or more': ['a quarter', 0.35] } as const;
for (const [host, ram] of Object.entries(HOSTS)) {
  const [share, most] = SHARE[host as keyof typeof HOSTS];
  test(`with tls-proxy’s settings, a heap of about 10 MB is collected after ${share} the allocation it is by default, on a host ${host}`, async () => {
    const defaults = await collections(LARGER_HEAP, { BUN_JSC_forceRAMSize: ram });
    const tuned = await collections(LARGER_HEAP, { ...SMALL_YOUNG_GENERATION.env, BUN_JSC_forceRAMSize: ram });
    assert.ok(
      tuned.budget <= most * defaults.budget,
      `with the settings ${tuned.budget} bytes between collections, by default ${defaults.budget}`,
    );
  });
}

for (const [host, ram] of Object.entries(HOSTS))
  test(`with tls-proxy’s settings, a heap of about 1 MB is collected after 2 MiB at most, not Bun’s 8 MiB, on a host ${host}`, async () => {
    const defaults = await collections(SMALL_HEAP, { BUN_JSC_forceRAMSize: ram });
    const tuned = await collections(SMALL_HEAP, { ...SMALL_YOUNG_GENERATION.env, BUN_JSC_forceRAMSize: ram });
    const seen = `with the settings ${tuned.budget} bytes between collections, by default ${defaults.budget}`;
    assert.ok(tuned.budget <= 2 * 2 ** 20, seen);
    assert.ok(defaults.budget >= 3 * tuned.budget, seen);
  });

for (const [host, ram] of Object.entries(HOSTS))
  test(`with tls-proxy’s settings, most eden collections of a 10 MB heap are not followed by a full one on a host ${host}`, async () => {
    const tuned = await collections(LARGER_HEAP, { ...SMALL_YOUNG_GENERATION.env, BUN_JSC_forceRAMSize: ram });
    assert.ok(tuned.full <= 0.5 * tuned.eden, `${tuned.full} full collections to ${tuned.eden} eden ones`);
  });

test.run();
