// What the property-based tests of the parameter parsers (params-properties.test.ts) and of the parser
// of a whole table (parse-properties.test.ts) feed in as raw values, and how many runs each property gets.
import fc from 'fast-check';

export const RUNS = { numRuns: 1000 };

/** A raw parameter value, from a flag or an env var: any short text, binary included, or one just past a rule's edge. */
export const rawValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('0', '65536', '1e3', '-1', '600h', 'http://a:99999', 'http://u:p@h'),
);
