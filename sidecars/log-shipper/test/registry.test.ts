import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { tmpSuite } from '../../lib/test-support/basics.js';
import { parseRegistry, Registry } from '../src/registry.js';

const test = tmpSuite('registry');
const where = { dev: 1, ino: 2, path: 'app.log' };
const FP = '0123456789abcdef';

test('an acknowledged offset survives a restart, and the file is replaced whole with no temp file left', async ({ tmp }) => {
  const r = new Registry(tmp, 'reg.json');
  assert.equal(await r.load(), { loaded: 0 });
  r.ack(FP, 120, where);
  await r.save();
  const again = new Registry(tmp, 'reg.json');
  assert.equal(await again.load(), { loaded: 1 });
  assert.is(again.entries.get(FP)!.offset, 120);
  assert.equal(
    readdirSync(tmp).filter((f) => f.startsWith('reg')),
    ['reg.json'],
  );
  assert.ok(r.savedAt > 0);
});

test('an offset never moves back: an older acknowledgement does not undo a newer one', async ({ tmp }) => {
  const r = new Registry(tmp, 'back.json');
  r.ack(FP, 500, where);
  r.ack(FP, 200, where);
  await r.save();
  assert.is(JSON.parse(readFileSync(join(tmp, 'back.json'), 'utf8')).files[FP].offset, 500);
});

test('a corrupt registry is kept aside and the shipper starts over from 0, losing nothing', async ({ tmp }) => {
  writeFileSync(join(tmp, 'bad.json'), '{"version":1,"files":{"xyz":');
  const r = new Registry(tmp, 'bad.json');
  const out = await r.load();
  assert.is(out.loaded, 0);
  assert.ok(out.corrupt, 'says why');
  assert.ok(existsSync(join(tmp, 'bad.json.corrupt')));
  assert.is(r.entries.size, 0);
});

test('a link the app plants at the registry names is never written or read through', async ({ tmp }) => {
  writeFileSync(join(tmp, 'target.txt'), "the app's file\n");
  symlinkSync(join(tmp, 'target.txt'), join(tmp, 'linked.json.tmp'));
  const r = new Registry(tmp, 'linked.json');
  r.ack(FP, 7, where);
  await r.save();
  assert.is(readFileSync(join(tmp, 'target.txt'), 'utf8'), "the app's file\n");
  assert.is(JSON.parse(readFileSync(join(tmp, 'linked.json'), 'utf8')).files[FP].offset, 7);
  symlinkSync(join(tmp, 'target.txt'), join(tmp, 'link2.json'));
  try {
    await new Registry(tmp, 'link2.json').load();
    assert.unreachable('a registry that is a link is refused');
  } catch (e) {
    assert.match((e as Error).message, /not a regular file/);
  }
});

test('saves while another is running coalesce, and the newest state is what is on disk', async ({ tmp }) => {
  const r = new Registry(tmp, 'many.json');
  const saves: Promise<void>[] = [];
  for (let i = 1; i <= 50; i++) {
    r.ack(FP, i * 10, where);
    saves.push(r.save());
  }
  await Promise.all(saves);
  assert.is(JSON.parse(readFileSync(join(tmp, 'many.json'), 'utf8')).files[FP].offset, 500);
});

test('entries not seen for longer than the limit are forgotten, the others kept', () => {
  const r = new Registry('/nonexistent', 'x.json');
  r.touch(FP, where);
  r.touch('fedcba9876543210', where);
  r.entries.get(FP)!.seen = 0;
  assert.is(r.forget(60_000), 1);
  assert.equal([...r.entries.keys()], ['fedcba9876543210']);
});

test('parseRegistry accepts what it writes and refuses anything else with an error, never another exception type', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      try {
        parseRegistry(text);
      } catch (e) {
        assert.instance(e, Error);
      }
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.stringMatching(/^[0-9a-f]{16}$/),
        fc.record({
          offset: fc.nat(),
          dev: fc.nat(),
          ino: fc.nat(),
          path: fc.string(),
          seen: fc.nat(),
        }),
      ),
      (files) => {
        const text = JSON.stringify({ version: 1, files });
        assert.is(JSON.stringify({ version: 1, files: Object.fromEntries(parseRegistry(text)) }), text);
      },
    ),
  );
});

test.run();
