// The pure parts of the mesh exercises' checks (stacks/mesh/exercise-support.ts): whether an allow list lets a
// service in, read as the sidecar reads --allow, and how many endpoints the ejection cap lets the caller eject.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { allows, capOf } from '../exercise-support.js';

const test = suite('mesh exercises: support');

test('an allow list lets a service in by its name or its SPIFFE ID, among others and with spaces, and nobody when empty', () => {
  assert.ok(allows('frontend', 'frontend'));
  assert.ok(allows('checks, frontend ,forged', 'frontend'));
  assert.ok(allows('spiffe://sidecar-lab/mesh/frontend', 'frontend'));
  assert.not.ok(allows('', 'frontend'));
  assert.not.ok(allows(undefined, 'frontend'));
  assert.not.ok(allows('checks,forged', 'frontend'));
  assert.not.ok(allows('frontend-2,spiffe://sidecar-lab/other/frontend', 'frontend'));
});

test('the ejection cap is the share of the endpoints rounded down, and never below one', () => {
  assert.equal(
    [0, 10, 33, 34, 66, 67, 100].map((p) => capOf(3, p)),
    [1, 1, 1, 1, 1, 2, 3],
  );
  assert.is(capOf(5, 67), 3);
  assert.is(capOf(0, 100), 1);
});

test.run();
