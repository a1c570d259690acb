// Property-based tests of the parser of a whole table: whatever the argv and environment, it returns
// values or throws a ConfigError whose error line is one line, never another exception.
import fc from 'fast-check';
import { suite } from 'uvu';
import { bool, duration, int, oneOf, port, secret, string, url } from '../params.js';
import { ConfigError, errorLine, parse, type Spec } from '../parse.js';
import { RUNS, rawValue } from '../test-support/raw-values.js';

const test = suite('parse properties');

const params = {
  listenPort: port({ default: 8443, listens: true, description: 'p' }),
  adminPort: port({ default: 9901, listens: true, description: 'a' }),
  timeout: duration({ default: '5s', min: '100ms', description: 't' }),
  count: int({ default: 1, min: 0, max: 10, description: 'c' }),
  verbose: bool({ default: false, description: 'v' }),
  mode: oneOf(['http', 'tcp'] as const, { default: 'http', description: 'm' }),
  host: string({ default: '127.0.0.1', description: 'h' }),
  target: url({ schemes: ['http', 'https'], description: 'u' }),
  token: secret({ description: 's' }),
};
const spec: Spec<typeof params> = { name: 'demo', prefix: 'DEMO', summary: 'a demo.', params };
const flags = [
  '--listen-port',
  '--admin-port',
  '--timeout',
  '--count',
  '--verbose',
  '--no-verbose',
  '--mode',
  '--host',
  '--target',
  '--token',
  '--x',
];
const envs = [
  'DEMO_LISTEN_PORT',
  'DEMO_TIMEOUT',
  'DEMO_COUNT',
  'DEMO_MODE',
  'DEMO_HOST',
  'DEMO_TARGET',
  'DEMO_TOKEN',
  'DEMO_NOPE',
  'OTHER',
];
test('parse never throws anything but a ConfigError, and its error line is always exactly one line', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...flags), rawValue), { maxLength: 8 }),
      fc.dictionary(fc.constantFrom(...envs), rawValue, { maxKeys: 4 }),
      (argv, env) => {
        try {
          parse(spec, argv, env);
          return true;
        } catch (e) {
          if (!(e instanceof ConfigError)) return false;
          const line = errorLine(spec, e);
          return line.endsWith('\n') && line.indexOf('\n') === line.length - 1 && !/[\r\x00-\x08\x0b-\x1f\x7f]/.test(line);
        }
      },
    ),
    RUNS,
  );
});

test.run();
