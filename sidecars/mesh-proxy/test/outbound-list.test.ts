// --outbound, the destinations the app calls: whatever the text, the parser returns destinations with
// ports in range, no service and no local port twice, or throws a RuleError; a valid list is written back
// by show() in a form read again as the same value.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RuleError } from '../../lib/params.js';
import { thrownMessage } from '../../lib/test-support/basics.js';
import { type Destination, outboundList } from '../src/spiffe.js';
import { listish, NAME, outcome, serviceName } from './arbitraries.js';

const test = suite('--outbound');

const outbound = outboundList({ description: '', defaultPort: 15006 });

test('--outbound: any text is either a list of destinations with ports in range or a RuleError', () => {
  fc.assert(
    fc.property(listish, (raw) => {
      const v = outcome(outbound.parse, raw);
      if (v === 'refused') return;
      for (const d of v) {
        assert.ok(NAME.test(d.service), d.service);
        for (const p of [d.port, d.localPort]) assert.ok(Number.isInteger(p) && p >= 1 && p <= 65535, String(p));
      }
      assert.is(new Set(v.map((d) => d.service)).size, v.length);
      assert.is(new Set(v.map((d) => d.localPort)).size, v.length);
    }),
    { numRuns: 2000 },
  );
});

const port = fc.integer({ min: 1, max: 65535 });
const destinations = fc
  .uniqueArray(fc.record({ service: serviceName, port, localPort: port }), {
    maxLength: 6,
    selector: (d) => d.service,
  })
  .filter((ds) => new Set(ds.map((d) => d.localPort)).size === ds.length)
  .map((ds) => ds.map((d) => ({ ...d })));

test('--outbound: a valid list reads back as itself through show', () => {
  fc.assert(
    fc.property(destinations, (ds: Destination[]) => {
      assert.equal(outbound.parse(outbound.show(ds)), ds);
    }),
  );
});

test('--outbound: a destination without a port gets the default port; spaces around items do not matter', () => {
  assert.equal(outbound.parse(' backend=15001 , ledger:9000=15002 '), [
    { service: 'backend', port: 15006, localPort: 15001 },
    { service: 'ledger', port: 9000, localPort: 15002 },
  ]);
  assert.equal(outbound.parse(''), []);
});

test('--outbound: the same service or the same local port twice is refused', () => {
  assert.is(
    thrownMessage(RuleError, () => outbound.parse('backend=15001,backend:8080=15002')),
    'backend is listed twice',
  );
  assert.is(
    thrownMessage(RuleError, () => outbound.parse('backend=15001,ledger=15001')),
    'local port 15001 is used twice',
  );
});

test('--outbound: ports out of range or not plain digits, and items off the grammar, are refused with the rule', () => {
  for (const raw of [
    'backend=0',
    'backend=65536',
    'backend=70000',
    'backend=',
    'backend=+80',
    'backend=1e3',
    'backend= 80x',
    'backend:0=1',
    'backend:=1',
  ]) {
    assert.match(
      thrownMessage(RuleError, () => outbound.parse(raw)),
      /is not a port \(1-65535\) for backend$/,
      raw,
    );
  }
  assert.is(
    thrownMessage(RuleError, () => outbound.parse('backend')),
    '"backend" is not service[:port]=local-port',
  );
  assert.is(
    thrownMessage(RuleError, () => outbound.parse('Backend=1')),
    '"Backend" is not a service name (a DNS label)',
  );
});

test.run();
