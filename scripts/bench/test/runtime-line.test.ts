import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { thrownMessage } from '../../../sidecars/lib/test-support/basics.js';
import { demoSpec } from '../../../sidecars/lib/test-support/demo-spec.js';
import { runtimeSettings } from '../../lib/docs-gen.js';
import { runtimeLine, runtimeText } from '../conditions.js';

const test = suite('the runtime settings in a bench’s conditions');

const tuned = { ...demoSpec, runtime: { env: { BUN_JSC_a: '0.5', BUN_JSC_b: '2' }, why: 'a reason' } };

test('the conditions name every setting the image declares, in order, and say none for an image without any', () => {
  assert.is(runtimeText(tuned), '`BUN_JSC_a=0.5`, `BUN_JSC_b=2`');
  assert.is(runtimeText(demoSpec), 'none');
});

test('the line says the floors run with the image’s settings, and where the reason is', () => {
  const line = runtimeLine(tuned);
  assert.ok(line.startsWith('Runtime settings: the demo image sets `BUN_JSC_a=0.5`, `BUN_JSC_b=2` for Bun (sidecars/demo/README.md'), line);
  assert.match(line, /the floors, which run in the same image/);
});

test('a bench refuses a setting the image generator would refuse, with the same line', () => {
  const bad = { ...demoSpec, runtime: { env: { BUN_JSC_a: '1 2' }, why: 'a reason' } };
  const seen = thrownMessage(Error, () => runtimeText(bad));
  assert.is(
    seen,
    thrownMessage(Error, () => runtimeSettings(bad)),
  );
  assert.match(seen, /^demo: runtime setting BUN_JSC_a="1 2" must be a plain value/);
});

test.run();
