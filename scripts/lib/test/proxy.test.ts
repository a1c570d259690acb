// The proxy variables reach every image build by name (--build-arg HTTP_PROXY, the value from the build's
// environment), never by value, and nothing is added when none is set; a password is never shown.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../compose.js';
import { PROXY_VARS, proxyBuildArgs, proxyEnv, redactProxy } from '../proxy.js';

const test = suite('proxies');
const UNSET = Object.fromEntries(PROXY_VARS.map((k) => [k, '']));

test('a proxy URL shows its user but not its password, and a value without one is shown as it is', () => {
  assert.is(redactProxy('http://ann:s3cret@proxy.lan:3128'), 'http://ann:***@proxy.lan:3128');
  assert.is(redactProxy('http://ann:p@ss@proxy.lan:3128/'), 'http://ann:***@proxy.lan:3128/', 'an @ inside the password');
  assert.is(redactProxy('ann:s3cret@proxy.lan:3128'), 'ann:***@proxy.lan:3128', 'no scheme');
  assert.is(redactProxy('http://ann@proxy.lan:3128'), 'http://ann@proxy.lan:3128', 'a user without a password');
  assert.is(redactProxy('http://proxy.lan:3128'), 'http://proxy.lan:3128');
  assert.is(redactProxy('localhost,127.0.0.1,.lan'), 'localhost,127.0.0.1,.lan');
  assert.is(redactProxy('http://proxy.lan:3128/path@x'), 'http://proxy.lan:3128/path@x', 'an @ after the host is not user info');
});

test('only the proxy variables that are set count, upper and lower case', () => {
  assert.equal(proxyEnv({ HTTP_PROXY: 'http://p:1', no_proxy: 'localhost', HTTPS_PROXY: '', PATH: '/bin' }), {
    HTTP_PROXY: 'http://p:1',
    no_proxy: 'localhost',
  });
  assert.equal(proxyBuildArgs({ HTTP_PROXY: 'http://ann:s3cret@p:1', no_proxy: 'localhost' }), [
    '--build-arg',
    'HTTP_PROXY',
    '--build-arg',
    'no_proxy',
  ]);
  assert.equal(proxyBuildArgs({ PATH: '/bin' }), []);
});

/** Runs Project.build(['app']) against a fake docker on PATH that records its arguments and the proxy
 * variables of its environment. */
async function recordBuild(env: Record<string, string>): Promise<{ argv: string[]; seen: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'sl-proxy-'));
  try {
    const log = join(dir, 'log');
    writeFileSync(
      join(dir, 'docker'),
      `#!/bin/sh\nfor a in "$@"; do printf 'arg %s\\n' "$a"; done >> '${log}'\nenv | grep -i '_proxy=' | sed 's/^/env /' >> '${log}'\nexit 0\n`,
    );
    chmodSync(join(dir, 'docker'), 0o755);
    const p = new Project({
      project: 'sl-proxy-test',
      cwd: dir,
      files: ['compose.yaml'],
      env: { ...env, PATH: `${dir}${delimiter}${process.env.PATH}` },
    });
    await p.build(['app']);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    return {
      argv: lines.filter((l) => l.startsWith('arg ')).map((l) => l.slice(4)),
      seen: lines.filter((l) => l.startsWith('env ')).map((l) => l.slice(4)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an image build names each proxy variable that is set, and its value reaches the build through the environment only', async () => {
  const { argv, seen } = await recordBuild({
    ...UNSET,
    HTTP_PROXY: 'http://ann:s3cret@proxy.lan:3128',
    https_proxy: 'http://proxy.lan:3128',
    NO_PROXY: 'localhost',
  });
  const named = argv.flatMap((a, i) => (argv[i - 1] === '--build-arg' ? [a] : []));
  assert.equal(named, ['HTTP_PROXY', 'NO_PROXY', 'https_proxy']);
  assert.equal(argv.slice(0, 1), ['compose']);
  assert.equal(argv.slice(-1), ['app']);
  assert.is(argv.filter((a) => a.includes('s3cret')).length, 0, 'the password is in no argument');
  assert.ok(seen.includes('HTTP_PROXY=http://ann:s3cret@proxy.lan:3128'), seen.join('\n'));
  assert.ok(seen.includes('NO_PROXY=localhost'));
});

test('with no proxy variable set an image build carries no build argument at all', async () => {
  const { argv } = await recordBuild(UNSET);
  assert.is(argv.filter((a) => a === '--build-arg').length, 0, argv.join(' '));
  assert.equal(argv.slice(-2), ['build', 'app']);
});

test.run();
