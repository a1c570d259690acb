import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dockerfileBlock, helpText, markdownTable, MARKERS, replaceBetween } from '../docs.js';
import { bool, duration, file, oneOf, port, secret, string, type Table } from '../params.js';
import type { Spec } from '../parse.js';

const params = {
  listenPort: port({ default: 8443, description: 'Port that serves TLS.' }),
  certFile: file({ required: true, description: 'PEM certificate.' }),
  mode: oneOf(['http', 'tcp'] as const, { default: 'http', description: 'http | tcp proxying.' }),
  hsts: bool({ default: false, description: 'Add HSTS.' }),
  reloadInterval: duration({ default: '90s', min: '100ms', description: 'Poll interval.' }),
  banner: string({ description: 'Optional text, no default.' }),
  apiToken: secret({ description: 'Token for the API.' }),
};
const spec: Spec<Table> = { name: 'demo', prefix: 'DEMO', summary: 'does demo things.', params };

const test = suite('docs');

test('--help starts with the name and summary and lists every flag with its env var, rule and default', () => {
  const help = helpText(spec);
  assert.ok(help.startsWith('demo: does demo things.\n\nUsage: demo [--flag VALUE ...]\n'));
  assert.ok(help.includes('An unknown DEMO_* variable is fatal.'));
  const blocks: Record<string, string> = {
    listenPort: '  --listen-port VALUE\n      env DEMO_LISTEN_PORT; port 1-65535; default 8443\n      Port that serves TLS.',
    certFile: '  --cert-file VALUE\n      env DEMO_CERT_FILE; readable file; default (required)\n      PEM certificate.',
    mode: '  --mode VALUE\n      env DEMO_MODE; one of http|tcp; default http\n      http | tcp proxying.',
    hsts: '  --hsts\n      env DEMO_HSTS; true|false; default false\n      Add HSTS.',
    reloadInterval: '  --reload-interval VALUE\n      env DEMO_RELOAD_INTERVAL; duration 100ms-∞ (500ms, 5s, 1m); default 90s\n      Poll interval.',
    banner: '  --banner VALUE\n      env DEMO_BANNER; text\n      Optional text, no default.',
    apiToken: '  (secret, no flag)\n      env DEMO_API_TOKEN or DEMO_API_TOKEN_FILE; env or file only\n      Token for the API.',
  };
  assert.equal(Object.keys(blocks), Object.keys(params));
  for (const [key, block] of Object.entries(blocks)) assert.ok(help.includes(`${block}\n`), `help lacks the block for ${key}:\n${block}`);
  assert.not.ok(help.includes('--api-token'), 'a secret must not be offered as a flag');
});

test('the markdown table has a header and exactly one row per parameter, with pipes escaped', () => {
  const lines = markdownTable(spec).split('\n');
  assert.is(lines[0], '| Flag | Env var | Rule | Default | Description |');
  assert.is(lines[1], '| --- | --- | --- | --- | --- |');
  assert.equal(lines.slice(2), [
    '| `--listen-port` | `DEMO_LISTEN_PORT` | port 1-65535 | `8443` | Port that serves TLS. |',
    '| `--cert-file` | `DEMO_CERT_FILE` | readable file | (required) | PEM certificate. |',
    '| `--mode` | `DEMO_MODE` | one of http\\|tcp | `http` | http \\| tcp proxying. |',
    '| `--hsts` | `DEMO_HSTS` | true\\|false | `false` | Add HSTS. |',
    '| `--reload-interval` | `DEMO_RELOAD_INTERVAL` | duration 100ms-∞ (500ms, 5s, 1m) | `90s` | Poll interval. |',
    '| `--banner` | `DEMO_BANNER` | text |  | Optional text, no default. |',
    '| (none: secret) | `DEMO_API_TOKEN` or `DEMO_API_TOKEN_FILE` | env or file only |  | Token for the API. |',
  ]);
  // Every row splits into exactly five cells once escaped pipes are set aside.
  for (const row of lines) assert.is(row.replace(/\\\|/g, '').split('|').length, 7, row);
});

test('the Dockerfile block sets ENV for every default (never a secret) and a LABEL for every parameter', () => {
  assert.is(dockerfileBlock(spec), [
    'ENV DEMO_LISTEN_PORT="8443" \\',
    '    DEMO_MODE="http" \\',
    '    DEMO_HSTS="false" \\',
    '    DEMO_RELOAD_INTERVAL="90s"',
    'LABEL io.sidecar-lab.env-prefix="DEMO_" \\',
    '      io.sidecar-lab.param.listen-port="DEMO_LISTEN_PORT: port 1-65535" \\',
    '      io.sidecar-lab.param.cert-file="DEMO_CERT_FILE: readable file" \\',
    '      io.sidecar-lab.param.mode="DEMO_MODE: one of http|tcp" \\',
    '      io.sidecar-lab.param.hsts="DEMO_HSTS: true|false" \\',
    '      io.sidecar-lab.param.reload-interval="DEMO_RELOAD_INTERVAL: duration 100ms-∞ (500ms, 5s, 1m)" \\',
    '      io.sidecar-lab.param.banner="DEMO_BANNER: text" \\',
    '      io.sidecar-lab.param.api-token="DEMO_API_TOKEN or DEMO_API_TOKEN_FILE: env or file only"',
  ].join('\n'));
});

test('replaceBetween swaps only the text between the markers and keeps both markers', () => {
  const [begin, end] = MARKERS.readme;
  const text = `# Title\n\n${begin}\nold table\nmore old\n${end}\n\nAfter.\n`;
  assert.is(replaceBetween(text, MARKERS.readme, 'NEW', 'README.md'), `# Title\n\n${begin}\nNEW\n${end}\n\nAfter.\n`);
  // Running it again gives the same text: regeneration is idempotent.
  const once = replaceBetween(text, MARKERS.readme, 'NEW', 'README.md');
  assert.is(replaceBetween(once, MARKERS.readme, 'NEW', 'README.md'), once);
});

test('replaceBetween refuses a text whose markers are missing or out of order, naming the file', () => {
  const [begin, end] = MARKERS.dockerfile;
  for (const text of ['FROM node:20\n', `${begin}\nonly begin\n`, `${end}\n${begin}\n`]) {
    try {
      replaceBetween(text, MARKERS.dockerfile, 'x', 'Dockerfile');
      assert.unreachable('should throw');
    } catch (e) {
      assert.instance(e, Error);
      assert.is((e as Error).message, `Dockerfile: markers not found: ${begin} ... ${end}`);
    }
  }
});

test.run();
