import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { CHROMIUM } from '../../stacks/topz/checks-page.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const bootstrap = suite('bootstrap');

/** The commands of one Makefile target's recipe. */
function recipe(target: string): string[] {
  const m = new RegExp(`^${target}:[^\\n]*\\n((?:\\t[^\\n]*\\n)+)`, 'm').exec(read('Makefile'));
  return (m?.[1] ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

bootstrap('the README set-up (make setup) and CI run one and the same bootstrap script', () => {
  assert.ok(/^setup: bootstrap\b/m.test(read('Makefile')), 'make setup runs make bootstrap');
  assert.equal(recipe('bootstrap'), ['bash scripts/bootstrap/setup.sh']);
  const ci = read('.ci/run')
    .split('\n')
    .filter((l) => l.includes('scripts/bootstrap/'));
  assert.equal(
    ci.map((l) => /scripts\/bootstrap\/[\w.-]+/.exec(l)?.[0]),
    ['scripts/bootstrap/setup.sh'],
    'CI calls setup.sh and no other bootstrap piece',
  );
});

bootstrap(
  'the bootstrap installs every host tool a stack check drives: the engine, Compose and the Chromium the topz page check opens',
  () => {
    const setup = read('scripts/bootstrap/setup.sh');
    assert.match(setup, /docker\.sh/);
    assert.match(setup, /tools\.sh/);
    const tools = read('scripts/bootstrap/tools.sh');
    assert.ok(tools.includes(CHROMIUM), `tools.sh checks ${CHROMIUM}`);
    assert.match(tools, /apt-get install[^\n]* chromium\b/);
  },
);

bootstrap.run();
