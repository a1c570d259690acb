// Property-based tests of the parameter parsers: whatever the input, a bad value is a RuleError or a
// ConfigError with one line, never another exception, and an accepted value keeps its rule.
import fc from 'fast-check';
import { suite } from 'uvu';
import {
  bool,
  duration,
  formatDuration,
  int,
  MAX_TIMER_MS,
  oneOf,
  parseDuration,
  port,
  RuleError,
  secret,
  string,
  url,
} from '../params.js';
import { ConfigError, errorLine, parse, type Spec } from '../parse.js';

const test = suite('parameter properties');
const RUNS = { numRuns: 1000 };

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
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('0', '65536', '1e3', '-1', '600h', 'http://a:99999', 'http://u:p@h'),
);

test('parse never throws anything but a ConfigError, and its error line is always exactly one line', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...flags), text), { maxLength: 8 }),
      fc.dictionary(fc.constantFrom(...envs), text, { maxKeys: 4 }),
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

test('every accepted duration fits a timer, and every rejected one is a RuleError', () => {
  const d = duration({ description: 'd' });
  fc.assert(
    fc.property(
      fc.oneof(
        text,
        fc.tuple(fc.nat(10_000), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, u]) => `${n}${u}`),
      ),
      (raw) => {
        try {
          const ms = d.parse(raw);
          return Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIMER_MS;
        } catch (e) {
          return e instanceof RuleError;
        }
      },
    ),
    RUNS,
  );
});

test('formatDuration and parseDuration round-trip every whole number of milliseconds a timer takes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_TIMER_MS }), (ms) => parseDuration(formatDuration(ms)) === ms),
    RUNS,
  );
});

test('ports, ints and URLs accept only values inside their rule', () => {
  const p = port({ description: 'p' });
  const u = url({ schemes: ['http'], description: 'u' });
  fc.assert(
    fc.property(text, fc.integer({ min: -100, max: 100_000 }), (raw, n) => {
      const accepted = (fn: () => unknown) => {
        try {
          fn();
          return true;
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          return false;
        }
      };
      const portOk = accepted(() => p.parse(String(n))) === (n >= 1 && n <= 65535);
      const urlOk = !accepted(() => u.parse(`http://h:${n}/`)) || (n >= 0 && n <= 65535);
      const noCredentialEcho = (() => {
        try {
          u.parse(`http://user:${raw}@h/`);
          return true;
        } catch (e) {
          return raw.length < 4 || !(e as Error).message.includes(`:${raw}@`);
        }
      })();
      accepted(() => p.parse(raw));
      return portOk && urlOk && noCredentialEcho;
    }),
    RUNS,
  );
});

test.run();
