// A test waits for events (until, within), not for a guessed time. The one fixed wait it may make is
// quietFor of sidecars/lib/test-support/wait.ts, which names what must not happen in it. A fake peer
// that is slow on purpose, a deadline, and the code of a child program are not the test waiting.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { read, tsFiles } from './sources.js';
import { bare, fixedWaits, isTest } from './waits.js';

const waits = suite('fixed waits');
const tests = Object.fromEntries(
  tsFiles()
    .filter(isTest)
    .map((f) => [f, read(f)]),
);

waits('no test waits a fixed time except through quietFor, which says what it waits out', () => {
  const found = fixedWaits(tests);
  assert.equal(
    found,
    [],
    `fixed delays in tests: wait for the event with until(), or, to show that nothing happens, quietFor(ms, 'what must not happen'):\n  ${found.join('\n  ')}\n`,
  );
});

waits('every quietFor call names what it waits out in a string of its own', () => {
  const calls = Object.entries(tests).flatMap(([f, text]) =>
    [...bare(text).matchAll(/\bquietFor\(/g)].map((m) => ({ f, call: text.slice(m.index, m.index + 200) })),
  );
  assert.ok(calls.length >= 8, `${calls.length} calls found`);
  const bad = calls.filter(
    ({ call }) => !/^quietFor\(\s*[\w.]+\s*,\s*(['"`])[^'"`]{8,}\1\s*\)/.test(call) && !call.startsWith('quietFor(ms: number'),
  );
  assert.equal(
    bad.map(({ f, call }) => `${f}: ${call.split('\n')[0]}`),
    [],
  );
});

waits(
  'the scan flags a timer-resolved promise, a sleep and timers/promises in a test, not a slow fake peer, a deadline or a child’s code',
  () => {
    const made = {
      'sidecars/lib/test-support/wait.ts': 'const pause = (ms) => new Promise((r) => setTimeout(r, ms));',
      'sidecars/x/test/a.test.ts': [
        'await new Promise((r) => setTimeout(r, 50));',
        '// await new Promise((r) => setTimeout(r, 50)); in a comment',
        "import { setTimeout as delay } from 'node:timers/promises';",
        'await Bun.sleep(20);',
      ].join('\n'),
      'stacks/y/collector/test/b.test.ts': "import { sleep } from 'zx';\n\nawait sleep(100);",
      'sidecars/x/test/fake-peer.ts': [
        "setTimeout(() => s.write('cd'), 600);",
        "const hang = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('late')), 5000)));",
        'const timer = setTimeout(done, o.limitMs ?? 3000);',
        "writeFileSync(script, 'await new Promise((r) => setTimeout(r, 300));');",
      ].join('\n'),
      'stacks/y/checks.ts': 'await sleep(1000); // a check paces its load with zx’s sleep',
    };
    assert.equal(fixedWaits(made), [
      'sidecars/x/test/a.test.ts:1: new Promise((r) => setTimeout(r,',
      'sidecars/x/test/a.test.ts:4: Bun.sleep(',
      "sidecars/x/test/a.test.ts:3: import { setTimeout as delay } from 'node:timers/promises'",
      'stacks/y/collector/test/b.test.ts:3: sleep(',
    ]);
  },
);

waits.run();
