import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { thrownMessage, tmpSuite } from '../test-support/basics.js';
import { bool, duration, file, oneOf, port, secret, string } from '../params.js';
import { ConfigError, errorLine, ParamError, parse, type Spec } from '../parse.js';

const params = {
  listenPort: port({ default: 8080, description: 'Port.' }),
  upstreamHost: string({ default: '127.0.0.1', description: 'Host.' }),
  verbose: bool({ default: false, description: 'Chatty.' }),
  compress: bool({ default: true, description: 'Gzip.' }),
  timeout: duration({ default: '5s', description: 'Timeout.' }),
  mode: oneOf(['http', 'tcp'] as const, { default: 'http', description: 'Mode.' }),
  label: string({ description: 'Optional, no default.' }),
  apiToken: secret({ description: 'Token.' }),
};
const spec: Spec<typeof params> = { name: 'demo', prefix: 'DEMO', summary: 'a demo.', params };

const requiredSpec = {
  name: 'demo',
  prefix: 'DEMO',
  summary: 'a demo.',
  params: {
    upstream: string({ required: true, description: 'Where to send.' }),
    password: secret({ required: true, description: 'Password.' }),
  },
};

const test = tmpSuite('parse');

/** The ConfigError message parse throws; fails the test when it does not throw a ConfigError. */
const configError = (fn: () => unknown) => thrownMessage(ConfigError, fn);

test('with no flags and no env vars every parameter takes its default, and one without a default is undefined', () => {
  assert.equal(parse(spec, [], {}), {
    listenPort: 8080,
    upstreamHost: '127.0.0.1',
    verbose: false,
    compress: true,
    timeout: 5000,
    mode: 'http',
    label: undefined,
    apiToken: undefined,
  });
});

test('a PREFIX_ env var overrides the default and is converted to the parameter type', () => {
  const v = parse(spec, [], { DEMO_LISTEN_PORT: '9000', DEMO_VERBOSE: 'yes', DEMO_TIMEOUT: '250ms', DEMO_MODE: 'tcp' });
  assert.is(v.listenPort, 9000);
  assert.is(v.verbose, true);
  assert.is(v.timeout, 250);
  assert.is(v.mode, 'tcp');
});

test('a flag overrides the env var, in both --flag value and --flag=value forms', () => {
  const env = { DEMO_LISTEN_PORT: '9000', DEMO_UPSTREAM_HOST: 'from-env' };
  assert.is(parse(spec, ['--listen-port', '9001'], env).listenPort, 9001);
  assert.is(parse(spec, ['--listen-port=9002'], env).listenPort, 9002);
  const v = parse(spec, ['--upstream-host=from-flag'], env);
  assert.is(v.upstreamHost, 'from-flag');
  assert.is(v.listenPort, 9000);
});

test('the last of a repeated flag wins', () => {
  assert.is(parse(spec, ['--listen-port', '1', '--listen-port', '2'], {}).listenPort, 2);
});

test('a bare bool flag means true and --no-x means false, overriding the env var', () => {
  assert.is(parse(spec, ['--verbose'], {}).verbose, true);
  assert.is(parse(spec, ['--no-compress'], {}).compress, false);
  assert.is(parse(spec, ['--no-compress'], { DEMO_COMPRESS: 'true' }).compress, false);
  assert.is(parse(spec, ['--compress'], { DEMO_COMPRESS: 'false' }).compress, true);
  assert.is(parse(spec, ['--verbose=false'], {}).verbose, false);
  // A bare bool flag does not swallow the next argument as its value.
  assert.is(
    configError(() => parse(spec, ['--verbose', 'false'], {})),
    'unexpected argument: "false" (parameters are --flags; see --help)',
  );
});

test('--no-x is only for bools: on another kind it is an unknown flag', () => {
  assert.is(
    configError(() => parse(spec, ['--no-listen-port'], {})),
    'unknown flag: --no-listen-port (see --help)',
  );
});

test('an unknown flag is fatal and named', () => {
  assert.is(
    configError(() => parse(spec, ['--listen-prot', '80'], {})),
    'unknown flag: --listen-prot (see --help)',
  );
});

test('a positional argument is fatal', () => {
  assert.is(
    configError(() => parse(spec, ['serve'], {})),
    'unexpected argument: "serve" (parameters are --flags; see --help)',
  );
});

test('a flag with no value names the flag and its rule', () => {
  assert.is(
    configError(() => parse(spec, ['--listen-port'], {})),
    'flag needs a value: --listen-port (port 1-65535)',
  );
  assert.is(
    configError(() => parse(spec, ['--listen-port', '--verbose'], {})),
    'flag needs a value: --listen-port (port 1-65535)',
  );
});

test('an unknown PREFIX_ env var is fatal, while other variables are ignored', () => {
  assert.is(
    configError(() => parse(spec, [], { DEMO_LISTEN_PROT: '80' })),
    'unknown environment variable: DEMO_LISTEN_PROT is not a parameter of demo (see --help)',
  );
  assert.equal(parse(spec, [], { DEMOGRAPHIC: 'x', PATH: '/bin', LISTEN_PORT: '1' }).listenPort, 8080);
});

test('a bad value names the flag, the env var and the broken rule, whether it came from a flag or the env', () => {
  assert.is(
    configError(() => parse(spec, ['--listen-port', '70000'], {})),
    'invalid --listen-port (DEMO_LISTEN_PORT): "70000" is not a port (1-65535)',
  );
  assert.is(
    configError(() => parse(spec, [], { DEMO_LISTEN_PORT: '70000' })),
    'invalid --listen-port (DEMO_LISTEN_PORT): "70000" is not a port (1-65535)',
  );
  assert.is(
    configError(() => parse(spec, ['--timeout', '5'], {})),
    'invalid --timeout (DEMO_TIMEOUT): "5" is not a duration (like 500ms, 5s, 1m)',
  );
  assert.is(
    configError(() => parse(spec, ['--mode', 'udp'], {})),
    'invalid --mode (DEMO_MODE): "udp" is not one of http|tcp',
  );
});

test('explicit values are checked before defaults, so the error names what the user wrote', () => {
  const withFile = { ...spec, params: { ...params, certFile: file({ default: '/nonexistent/tls.crt', description: 'Cert.' }) } };
  assert.is(
    configError(() => parse(withFile, ['--listen-port', '0'], {})),
    'invalid --listen-port (DEMO_LISTEN_PORT): "0" is not a port (1-65535)',
  );
  // With nothing wrong in what was given, the default file is checked too.
  assert.is(
    configError(() => parse(withFile, [], {})),
    'invalid --cert-file (DEMO_CERT_FILE): /nonexistent/tls.crt does not exist or is not a readable file',
  );
});

test('a missing required parameter says which flag or env var to set', () => {
  assert.is(
    configError(() => parse(requiredSpec, [], { DEMO_PASSWORD: 'p' })),
    'required parameter: --upstream or DEMO_UPSTREAM must be specified',
  );
});

test('a missing required secret says which env vars to set, not a flag', () => {
  assert.is(
    configError(() => parse(requiredSpec, ['--upstream', 'u'], {})),
    'required parameter: DEMO_PASSWORD or DEMO_PASSWORD_FILE must be specified',
  );
  assert.equal(parse(requiredSpec, ['--upstream', 'u'], { DEMO_PASSWORD: 'p' }), { upstream: 'u', password: 'p' });
});

test('a secret is read from its env var', () => {
  assert.is(parse(spec, [], { DEMO_API_TOKEN: 'tok' }).apiToken, 'tok');
});

test('a secret is read from the file PREFIX_NAME_FILE names, without its trailing newline', (ctx) => {
  const path = join(ctx.tmp, 'token');
  writeFileSync(path, 'from-file\n');
  assert.is(parse(spec, [], { DEMO_API_TOKEN_FILE: path }).apiToken, 'from-file');
});

test('a secret file that cannot be read is fatal and names the _FILE variable', (ctx) => {
  const path = join(ctx.tmp, 'missing-token');
  assert.is(
    configError(() => parse(spec, [], { DEMO_API_TOKEN_FILE: path })),
    `invalid DEMO_API_TOKEN_FILE: ${path} does not exist or is not readable`,
  );
});

test('setting both a secret and its _FILE variable is refused', (ctx) => {
  const path = join(ctx.tmp, 'token2');
  writeFileSync(path, 'x');
  assert.is(
    configError(() => parse(spec, [], { DEMO_API_TOKEN: 'a', DEMO_API_TOKEN_FILE: path })),
    'conflicting DEMO_API_TOKEN (or DEMO_API_TOKEN_FILE): set DEMO_API_TOKEN_FILE or DEMO_API_TOKEN, not both',
  );
});

test('a secret given as a flag is refused, so it never shows in the process list', () => {
  const expected = '--api-token is a secret and cannot be a flag: set DEMO_API_TOKEN or DEMO_API_TOKEN_FILE';
  assert.is(
    configError(() => parse(spec, ['--api-token', 'tok'], {})),
    expected,
  );
  assert.is(
    configError(() => parse(spec, ['--api-token=tok'], { DEMO_API_TOKEN: 'x' })),
    expected,
  );
});

test('_FILE exists only for secrets: PREFIX_X_FILE for another parameter is an unknown variable', () => {
  assert.is(
    configError(() => parse(spec, [], { DEMO_UPSTREAM_HOST_FILE: '/etc/hostname' })),
    'unknown environment variable: DEMO_UPSTREAM_HOST_FILE is not a parameter of demo (see --help)',
  );
});

test('a bad flag is reported before a bad env var, so the error names what was typed (an image ENV makes every default an env var)', (ctx) => {
  const fileSpec = {
    name: 'demo',
    prefix: 'DEMO',
    summary: 'a demo.',
    params: {
      certFile: file({ default: '/nope/tls.crt', description: 'Cert.' }),
      listenPort: port({ default: 8443, description: 'Port.' }),
    },
  };
  const env = { DEMO_CERT_FILE: join(ctx.tmp, 'missing.crt') };
  assert.is(
    configError(() => parse(fileSpec, ['--listen-port', '70000'], env)),
    'invalid --listen-port (DEMO_LISTEN_PORT): "70000" is not a port (1-65535)',
  );
  assert.is(
    configError(() => parse(fileSpec, [], env)),
    `invalid --cert-file (DEMO_CERT_FILE): ${join(ctx.tmp, 'missing.crt')} does not exist or is not a readable file`,
  );
});

test('two listening ports with the same value are refused, naming both parameters', () => {
  const listeners = {
    name: 'demo',
    prefix: 'DEMO',
    summary: 'a demo.',
    params: {
      listenPort: port({ default: 8443, listens: true, description: 'Serves.' }),
      upstreamPort: port({ default: 8080, description: 'Not a listener: may equal a listener.' }),
      adminPort: port({ default: 9901, listens: true, description: 'Admin.' }),
    },
  };
  assert.is(parse(listeners, ['--upstream-port', '8443'], {}).upstreamPort, 8443);
  assert.is(
    configError(() => parse(listeners, ['--admin-port', '8443'], {})),
    'conflicting --listen-port (DEMO_LISTEN_PORT) and --admin-port (DEMO_ADMIN_PORT): both are 8443; each listener needs its own port',
  );
});

test('an error line escapes newlines and control characters, so a value can never print a second line', () => {
  const line = errorLine(spec, new ConfigError('invalid --cert-file (DEMO_CERT_FILE): /tmp/a\ndemo: all good\r\x1b[2J does not exist'));
  assert.is(line.split('\n').length, 2, 'exactly one line');
  assert.ok(line.includes('\\x0a') && line.includes('\\x0d') && line.includes('\\x1b'), line);
});

test('a ParamError from start-up becomes one line naming the flag and env var of its parameter', () => {
  assert.is(
    errorLine(spec, new ParamError('listenPort', '127.0.0.1:8080 is already in use')),
    'demo: invalid --listen-port (DEMO_LISTEN_PORT): 127.0.0.1:8080 is already in use\n',
  );
});

test.run();
