// fast-check arbitraries and a property helper shared by the parser tests of --allow and --outbound.
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { RuleError } from '../../lib/params.js';
import { isSpiffeId } from '../src/spiffe.js';

export const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const serviceName = fc.stringMatching(NAME);
export const spiffe = fc.stringMatching(/^spiffe:\/\/[a-z0-9._-]{1,20}(\/[A-Za-z0-9._-]{1,12}){1,4}$/).filter(isSpiffeId);
/** Text near the grammar of both lists, to reach past their first checks. */
export const listish = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[a-z0-9:=,/ .-]{0,40}$/),
  fc.array(fc.constantFrom('a', ':', '=', ',', '1', ' ', 'spiffe://', '/')).map((a) => a.join('')),
);

/** What parse does with raw: its value, or 'refused' when it threw a RuleError (anything else fails the property). */
export function outcome<V>(parse: (raw: string) => V, raw: string): V | 'refused' {
  try {
    return parse(raw);
  } catch (e) {
    assert.instance(e, RuleError);
    return 'refused';
  }
}
