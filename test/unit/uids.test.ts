import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sidecarNames } from '../../scripts/lib/bundle.js';
import { catalogue } from './catalogue.js';
import { attachPlaces, composePlaces, uidProblems, uidTable, type UidTable } from './uids.js';

const uids = suite('user ids (images/uids.yaml)');
const table = uidTable();

uids('no two images in images/uids.yaml have the same id, and none is root', () => {
  assert.equal(uidProblems({ images: table.images }, []), []);
});

uids('every image of the catalogue is built with the UID images/uids.yaml gives it, and the table lists no other image', () => {
  const built = Object.fromEntries(catalogue().map((c) => [c.service, Number(c.build.args.UID)]));
  assert.equal(built, table.images, 'compose.yaml build arg UID per image vs images/uids.yaml');
});

uids(
  "every user:, group_add and tmpfs uid/gid in the stacks is its image's own id or a sharing images/uids.yaml declares, and every declared sharing is used",
  () => {
    const places = [...composePlaces(), ...attachPlaces(sidecarNames())];
    assert.ok(places.length >= 10, `found only ${places.length} places that name an id: is the scan still reading the stacks?`);
    assert.equal(uidProblems(table, places), []);
  },
);

uids(
  'the ids shared on purpose are the ones the stacks rely on: the paas app as git-sync, config-sync as its app, topz-peek as the workers app',
  () => {
    const uses = Object.fromEntries(Object.entries(table.shared ?? {}).map(([k, v]) => [k, v.uses]));
    assert.is(uses['paas/app'], 'git-sync');
    assert.is(uses['paas/git-server'], 'git-sync');
    assert.is(uses['config/sync-hup'], 'legacy-config-hup');
    assert.is(uses['config/sync-once'], 'legacy-config-once');
    assert.is(uses['topz/topz-peek'], 'legacy-workers');
  },
);

// The rules on a made-up table: a collision and an undeclared use are reported; a declared sharing is not.
const made: UidTable = {
  images: { sidecar: 10001, app: 10002, other: 10002, tool: 10003 },
  shared: { 'demo/sync': { uses: 'app', why: 'signals the app' }, 'demo/stale': { uses: 'tool', why: 'nothing uses this' } },
};

uids('two images with one id are reported as a collision, naming both', () => {
  assert.equal(
    uidProblems(made, []).filter((p) => p.startsWith('collision')),
    ['collision: app and other have the same id, 10002 (each image needs its own: give all but one the next free id)'],
  );
});

uids("a service that runs as another image's id is accepted when the sharing is declared, and reported when it is not", () => {
  const table: UidTable = { images: { sidecar: 10001, app: 10002 }, shared: { 'demo/sync': { uses: 'app', why: 'signals the app' } } };
  const declared = { key: 'demo/sync', what: 'user "10002:10002"', ids: [10002, 10002], own: 'sidecar' };
  const accidental = { key: 'demo/other', what: 'user "10002:10002"', ids: [10002, 10002], own: 'sidecar' };
  assert.equal(uidProblems(table, [declared]), []);
  assert.equal(uidProblems(table, [declared, accidental]), [
    'demo/other: user "10002:10002" is the id of app, not its own image\'s (sidecar, 10001): an accidental collision, or a sharing to declare under shared: in images/uids.yaml (uses: and why:)',
  ]);
});

uids('an id no image owns, a sharing that names the wrong image, and a declaration nothing uses are each reported', () => {
  const problems = uidProblems(made, [
    { key: 'demo/sync', what: 'user "10003"', ids: [10003], own: 'sidecar' },
    { key: 'demo/vol', what: 'volume v (uid=12345)', ids: [12345] },
  ]);
  assert.equal(
    problems.filter((p) => !p.startsWith('collision')),
    [
      'demo/sync: declared as using app\'s id (10002), but user "10003" is tool\'s',
      "demo/vol: volume v (uid=12345) uses 12345, which is no image's id in images/uids.yaml",
      "demo/stale: a sharing is declared in images/uids.yaml, but no compose file has that service or volume use another image's id: drop it",
    ],
  );
});

uids.run();
