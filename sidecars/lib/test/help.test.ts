import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commands, helpText } from '../help.js';
import { demoParams as params, demoSpec as spec } from '../test-support/demo-spec.js';

const test = suite('--help');

test('--help starts with the name and summary and lists every flag with its env var, rule and default', () => {
  const help = helpText(spec);
  assert.ok(help.startsWith('demo: does demo things.\n\nUsage: demo [--flag VALUE ...]\n'));
  assert.ok(help.includes('An unknown DEMO_* variable is fatal.'));
  const blocks: Record<string, string> = {
    listenPort: '  --listen-port VALUE\n      env DEMO_LISTEN_PORT; port 1-65535; default 8443\n      Port that serves TLS.',
    certFile: '  --cert-file VALUE\n      env DEMO_CERT_FILE; readable file; default (required)\n      PEM certificate.',
    mode: '  --mode VALUE\n      env DEMO_MODE; one of http|tcp; default http\n      http | tcp proxying.',
    hsts: '  --hsts\n      env DEMO_HSTS; true|false; default false\n      Add HSTS.',
    reloadInterval:
      '  --reload-interval VALUE\n      env DEMO_RELOAD_INTERVAL; duration 100ms-596h (500ms, 5s, 1m); default 90s\n      Poll interval.',
    banner: '  --banner VALUE\n      env DEMO_BANNER; non-empty text\n      Optional text, no default.',
    apiToken: '  (secret, no flag)\n      env DEMO_API_TOKEN or DEMO_API_TOKEN_FILE; env or file only\n      Token for the API.',
  };
  assert.equal(Object.keys(blocks), Object.keys(params));
  for (const [key, block] of Object.entries(blocks)) assert.ok(help.includes(`${block}\n`), `help lacks the block for ${key}:\n${block}`);
  assert.not.ok(help.includes('--api-token'), 'a secret must not be offered as a flag');
});

test('--help lists every command in a Commands block: the run, healthcheck, healthcheck --ready, --version and --help', () => {
  const help = helpText(spec);
  const block = help.slice(help.indexOf('Commands:\n'), help.indexOf('\n\n', help.indexOf('Commands:\n')));
  assert.equal(block.split('\n'), [
    'Commands:',
    '  demo [--flag VALUE ...]    run the sidecar',
    '  demo healthcheck           exit 0 when the admin port answers /healthz with 200, else 1',
    '  demo healthcheck --ready   exit 0 when the admin port answers /readyz with 200 (ready), else 1',
    '  demo --version             print the name and version, exit 0',
    '  demo --help                print this text, exit 0 (also -h)',
  ]);
  assert.ok(help.indexOf('Commands:') < help.indexOf('Parameters:'), 'commands come before the parameters');
});

test('the commands are named after the sidecar, so each line can be pasted as it stands', () => {
  const other = commands({ ...spec, name: 'tls-proxy' });
  assert.ok(other.every(([call]) => call.startsWith('tls-proxy ')));
  assert.equal(
    other.map(([call]) => call.slice('tls-proxy '.length)),
    ['[--flag VALUE ...]', 'healthcheck', 'healthcheck --ready', '--version', '--help'],
  );
});

test.run();
