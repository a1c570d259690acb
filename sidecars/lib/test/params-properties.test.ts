// Property-based tests of the parameter parsers: whatever the input, a bad value is a RuleError, never
// another exception, and an accepted value keeps its rule. Those of parse, which reads a whole table, are
// in parse-properties.test.ts.
import fc from 'fast-check';
import { suite } from 'uvu';
import { duration, formatDuration, MAX_TIMER_MS, parseDuration, port, RuleError, url } from '../params.js';
import { RUNS, rawValue } from '../test-support/raw-values.js';

const test = suite('parameter properties');

test('every accepted duration fits a timer, and every rejected one is a RuleError', () => {
  const d = duration({ description: 'd' });
  fc.assert(
    fc.property(
      fc.oneof(
        rawValue,
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
    fc.property(rawValue, fc.integer({ min: -100, max: 100_000 }), (raw, n) => {
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
