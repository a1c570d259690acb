// Small shapes many sidecar tests share: a suite with a scratch directory, and the message of an
// error that must be of one type.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/** A suite whose context holds `tmp`, a fresh directory made before its tests and removed after them. */
export function tmpSuite(name: string) {
  const test = suite<{ tmp: string }>(name, { tmp: '' });
  test.before((ctx) => {
    ctx.tmp = mkdtempSync(join(tmpdir(), `${name.replace(/[^\w-]+/g, '-')}-`));
  });
  test.after((ctx) => rmSync(ctx.tmp, { recursive: true, force: true }));
  return test;
}

/** The message of what fn throws; fails the test when it throws nothing, or something that is not a `type`. */
export function thrownMessage(type: abstract new (...args: never[]) => Error, fn: () => unknown): string {
  let thrown: { error: unknown } | undefined;
  try {
    fn();
  } catch (error) {
    thrown = { error };
  }
  assert.ok(thrown, `should throw a ${type.name}`);
  assert.instance(thrown!.error, type);
  return (thrown!.error as Error).message;
}
