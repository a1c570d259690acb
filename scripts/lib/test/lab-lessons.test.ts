// The Lessons view's data: one lesson per stack, its title and source from its README, its picture from
// docs/lab/ as a data: URL; a name that is no stack (a path included) is no lesson.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stackNames } from '../scenarios.js';
import { lesson, lessons, readmeHead } from '../lab/lessons.js';

const test = suite('lab: lessons');

test('a README’s head: its title, and the source in italics under it over one or more lines', () => {
  assert.equal(readmeHead('# A title\n\n*Burns, ch. 2: sidecars;\nseed 004.*\n\n## The problem\n*not this*\n', 'x'), {
    title: 'A title',
    source: 'Burns, ch. 2: sidecars; seed 004.',
  });
  assert.equal(readmeHead('no heading', 'x'), { title: 'x', source: '' });
});

test('one lesson per stack, each with its README’s title and a source', () => {
  const all = lessons();
  assert.equal(
    all.map((l) => l.stack),
    stackNames(),
  );
  for (const l of all) {
    assert.ok(l.title.length > 10 && !l.title.startsWith('#'), l.title);
    assert.match(l.source, /Burns/, l.stack);
  }
});

test('a lesson carries its picture as a PNG data: URL; a name that is no stack gets 404', () => {
  const https = lesson('https');
  assert.match(https.picture ?? '', /^data:image\/png;base64,iVBORw0KGgo/);
  for (const bad of ['nosuch', '../https', 'https/../../etc', ''])
    try {
      lesson(bad);
      assert.unreachable(bad);
    } catch (e) {
      assert.is((e as { status?: number }).status, 404, bad);
    }
});

test.run();
