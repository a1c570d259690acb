import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { loadScenario, stackNames } from '../../scripts/lib/scenarios.js';

const readme = suite('stack READMEs');

/** The `✔ N. name` lines of a README's "Expected result" section. */
function expectedLines(stack: string): string[] {
  const text = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Expected result')) ?? '';
  return [...section.matchAll(/^\s*✔ \d+\. (.+)$/gm)].map((m) => m[1]!.trim());
}

readme('there is at least one stack with a scenario', () => {
  assert.ok(stackNames().length >= 1, 'no stacks/<name>/scenario.ts found');
});

for (const stack of stackNames()) {
  readme(`the ${stack} README lists exactly the checks its scenario asserts, in order`, async () => {
    const checks = (await loadScenario(stack)).checks.map((c) => c.name);
    assert.ok(checks.length > 0, `${stack} has no checks`);
    assert.equal(expectedLines(stack), checks);
    const section = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8')
      .split(/^## /m)
      .find((s) => s.startsWith('Expected result'));
    assert.match(section ?? '', '(../../docs/lab.md)', 'it says that the lab’s check of the pods follows');
    assert.match(section ?? '', '(../../docs/verify.md)', 'it says that verify’s checks of the pod follow');
  });
}

/** A `<…>` a reader would have to fill in by hand, outside HTML comments (a generated block's markers). */
const placeholders = (text: string) => [...text.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<[^<>\n]+>/g)].map((m) => m[0]);

readme('a placeholder is found in an Exercises text, and a generated block’s markers are not one', () => {
  assert.equal(placeholders('curl --cacert <ca> https://127.0.0.1:<port>/'), ['<ca>', '<port>']);
  assert.equal(placeholders('<!-- BEGIN exercises -->\n1. `npm run stack:https -- urls`\n<!-- END exercises -->'), []);
});

for (const stack of stackNames()) {
  readme(`the ${stack} lesson's Exercises need nothing copied in by hand: no <…> placeholder`, () => {
    const section = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8')
      .split(/^## /m)
      .find((s) => s.startsWith('Exercises'));
    assert.equal(placeholders(section ?? ''), [], `${stack}: placeholders in its Exercises section`);
  });
}

readme.run();
