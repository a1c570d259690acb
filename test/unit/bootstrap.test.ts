import { execFileSync } from 'node:child_process';
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
  'the bootstrap installs every host tool a check drives: the engine, Compose, the Chromium the browser checks open, xmllint and zsh',
  () => {
    const setup = read('scripts/bootstrap/setup.sh');
    assert.match(setup, /docker\.sh/);
    assert.match(setup, /tools\.sh/);
    const tools = read('scripts/bootstrap/tools.sh');
    // Debian's chromium lands in /usr/bin, on every PATH, where scripts/lib/browser.ts looks first.
    assert.ok(tools.includes('/usr/bin/chromium'), 'tools.sh checks /usr/bin/chromium');
    assert.ok(tools.includes('/usr/bin/xmllint'), 'tools.sh checks /usr/bin/xmllint');
    assert.ok(tools.includes('/usr/bin/zsh'), 'tools.sh checks /usr/bin/zsh');
    assert.match(tools, /missing\+=\(chromium\b/);
    assert.match(tools, /missing\+=\(libxml2-utils\)/);
    assert.match(tools, /missing\+=\(zsh\)/);
    assert.match(tools, /apt-get install[^\n]* "\$\{missing\[@\]\}"/);
  },
);

/** The proxy variables bash sees after sourcing proxy-env.sh and calling export_proxy_env with this environment. */
function exportedProxies(env: Record<string, string>): Record<string, string> {
  const script = `. ${join(ROOT, 'scripts/bootstrap/proxy-env.sh')}; export_proxy_env; env`;
  const out = execFileSync('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => /^(?:https?|no)_proxy=/i.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

bootstrap('the base image’s debootstrap gets the proxy variables in the lower case wget reads, and none when none is set', () => {
  const pass = 'http://ann:s3cret@proxy.lan:3128';
  assert.equal(exportedProxies({ HTTP_PROXY: pass, NO_PROXY: 'localhost' }), {
    HTTP_PROXY: pass,
    NO_PROXY: 'localhost',
    http_proxy: pass,
    no_proxy: 'localhost',
  });
  assert.equal(
    exportedProxies({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }),
    {
      HTTPS_PROXY: 'http://upper:1',
      https_proxy: 'http://lower:2',
    },
    'a lower-case value already set wins',
  );
  assert.equal(exportedProxies({}), {});
  const base = read('scripts/bootstrap/base-image.sh');
  assert.ok(
    base.indexOf('export_proxy_env') > 0 && base.indexOf('export_proxy_env') < base.indexOf('\ndebootstrap '),
    'set before debootstrap runs',
  );
  assert.not.match(base, /echo[^\n]*proxy|say[^\n]*proxy/i, 'no proxy value is printed');
});

bootstrap.run();
