import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { demoSpec } from '../../../sidecars/lib/test-support/demo-spec.js';
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

test.run();
