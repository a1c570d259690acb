import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';

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

bootstrap('the README set-up (make setup) runs the one bootstrap script', () => {
  assert.ok(/^setup: bootstrap\b/m.test(read('Makefile')), 'make setup runs make bootstrap');
  assert.equal(recipe('bootstrap'), ['bash scripts/bootstrap/setup.sh']);
});

bootstrap('CI runs the README’s make setup test and no other command that could change what is tested', () => {
  assert.match(read('README.md'), /^make setup test\b/m);
  const commands = read('.ci/run')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .filter((l) => /\b(?:make|npm|npx|node|bun|docker|bash|sh|apt-get|uvu|tsc)\b/.test(l.replace(/^(?:echo|summary=|\[).*/, '')));
  assert.equal(commands, ['make setup test 2>&1 | tee /tmp/sidecar-lab-ci.log']);
});

bootstrap(
  'the bootstrap installs every host tool a check drives: the engine, Compose, the Chromium the browser checks open and xmllint',
  () => {
    const setup = read('scripts/bootstrap/setup.sh');
    assert.match(setup, /docker\.sh/);
    assert.match(setup, /tools\.sh/);
    const tools = read('scripts/bootstrap/tools.sh');
    // Debian's chromium lands in /usr/bin, on every PATH, where scripts/lib/browser.ts looks first.
    assert.ok(tools.includes('/usr/bin/chromium'), 'tools.sh checks /usr/bin/chromium');
    assert.ok(tools.includes('/usr/bin/xmllint'), 'tools.sh checks /usr/bin/xmllint');
    assert.match(tools, /missing\+=\(chromium\b/);
    assert.match(tools, /missing\+=\(libxml2-utils\)/);
    assert.match(tools, /apt-get install[^\n]* "\$\{missing\[@\]\}"/);
  },
);

bootstrap.run();
