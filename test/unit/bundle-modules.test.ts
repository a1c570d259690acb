// What a sidecar's bundle loads of the runtime's own modules at start is memory every copy of it holds: Bun
// compiles each one's JavaScript as it loads. node:http, with the node:net and node:crypto it brings, is 2-3 MiB
// of RSS (docs/benchmarks.md), so the admin port and the data plane load none of them; a module needed only on
// a failed start (listen.ts's DNS lookup) is imported there, when needed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { read } from './sources.js';

const test = suite('what each sidecar loads at start');

/** The runtime modules a bundle imports statically (what loads at start). */
const loaded = (sidecar: string) =>
  [...read(`sidecars/${sidecar}/dist/main.mjs`).matchAll(/^import\s[^;]*?from\s*"(node:[^"]+)"/gm)].map((m) => m[1]!).sort();

test('log-shipper loads no node:http, node:net, node:dns or node:crypto: it serves only its admin port and dials RELP', () => {
  const mods = loaded('log-shipper');
  assert.ok(mods.includes('node:fs'), 'the bundle was read (it tails files)');
  assert.equal(
    mods.filter((m) => /^node:(?:http|https|net|dns|crypto|tls)\b/.test(m)),
    [],
  );
});

test('no sidecar without an HTTP server of its own loads node:http for its admin port or its data plane', () => {
  for (const sidecar of ['config-sync', 'log-shipper', 'mesh-proxy', 'tls-proxy']) {
    const mods = loaded(sidecar);
    assert.ok(mods.length > 0, `${sidecar}: its bundle imports the runtime's modules`);
    assert.not.ok(mods.includes('node:http'), `${sidecar} loads node:http`);
  }
});

test.run();
