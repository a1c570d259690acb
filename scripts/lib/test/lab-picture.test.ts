// GET /api/stacks's reads of the engine (picture.ts): a picture with no event since answers at once, a read
// beside it that finds a change says so on the live stream, and an event makes the next viewer wait for a new
// read. A fake engine whose list() the test holds and releases, with a real event hub.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { until, within } from '../../../sidecars/lib/test-support/wait.js';
import { type Message, Hub } from '../lab/hub.js';
import { oursBy } from '../lab/ours.js';
import { pictureOfStacks } from '../lab/picture.js';
import { type RoleOf, type Roles, rolesFromIdentify } from '../lab/roles.js';
import { container, fakeEngine, line } from './lab-support.js';

const test = suite('lab: the picture of the stacks');
const P = 'sl-https-0a0b0c';

const NO_ROLES: Roles = async () => () => ({ role: null, pattern: null });

async function setup(ttlMs: number, roles = NO_ROLES) {
  const engine = fakeEngine([container(P, 'pod', {})]);
  const list = engine.list.bind(engine);
  const held: (() => void)[] = [];
  let hold = false;
  const counts = { started: 0, ended: 0 };
  engine.list = async () => {
    counts.started++;
    const l = await list();
    if (hold) await new Promise<void>((r) => held.push(r));
    counts.ended++;
    return l;
  };
  const hub = new Hub(engine.events, oursBy([]), { retryMs: 10 });
  const said: Message[] = [];
  hub.subscribe((m) => said.push(m));
  hub.start();
  await until('the hub is up', () => hub.state === 'up' && engine.streams.length === 1);
  const picture = pictureOfStacks({ engine, hub, ours: oursBy([]), roles, ttlMs });
  const services = async (fresh = false) =>
    (JSON.parse((await picture(fresh)).toString()) as { stacks: { pods: { containers: { service: string }[] }[] }[] }).stacks.flatMap((s) =>
      s.pods.flatMap((p) => p.containers.map((c) => c.service)),
    );
  return {
    engine,
    hub,
    counts,
    picture,
    services,
    announced: () => said.filter((m) => m.type === 'stacks').length,
    hold: (on: boolean) => {
      hold = on;
    },
    release: () => {
      for (const r of held.splice(0)) r();
    },
  };
}

test('a picture with no event since answers at once, while the next read starts beside it', async () => {
  const t = await setup(0);
  try {
    assert.equal(await t.services(), ['pod']);
    t.hold(true);
    assert.equal(await within(2000, 'the answer while the engine is held', t.services()), ['pod']);
    assert.equal([t.counts.started, t.counts.ended], [2, 1], 'a second read started, and has not ended');
    t.release();
  } finally {
    t.hub.stop();
  }
});

test('a read beside the picture that finds a change is announced once as `stacks`; one that finds none is not', async () => {
  const t = await setup(0);
  try {
    await t.services();
    t.engine.containers.push(container(P, 'app', {}));
    assert.equal(await within(2000, 'the old picture, at once', t.services()), ['pod']);
    await until('the change is announced', () => t.announced() === 1);
    assert.equal((await t.services()).sort(), ['app', 'pod'], 'the new picture');
    // A read starts only once the one before it has ended and been kept: five started means the third and fourth,
    // which found the same picture, are both done.
    await until('two more reads beside the picture have ended', async () => (await t.services()) && t.counts.started >= 5);
    assert.is(t.announced(), 1, 'a read that found the same picture says nothing');
  } finally {
    t.hub.stop();
  }
});

test('after an event, the next viewer waits for a new read instead of the picture before it', async () => {
  const t = await setup(60_000);
  try {
    await t.services();
    const g = t.hub.generation;
    t.engine.containers.push(container(P, 'app', {}));
    t.engine.streams[0]!.write(line(P, 'app', 'start', Date.now()));
    await until('the event has reached the hub', () => t.hub.generation > g);
    t.hold(true);
    let answered = false;
    const next = t.services().then((s) => {
      answered = true;
      return s;
    });
    await until('the new read has started', () => t.counts.started === 2);
    assert.not.ok(answered, 'no answer while the engine is held');
    t.release();
    assert.equal((await next).sort(), ['app', 'pod']);
    assert.is(t.announced(), 0, 'a read a viewer waited for is not announced');
  } finally {
    t.hub.stop();
  }
});

test('a fresh picture is that of a read begun after the call, even while an older read is under way', async () => {
  const t = await setup(60_000);
  try {
    t.hold(true);
    const first = t.services();
    await until('the first read has started', () => t.counts.started === 1);
    t.engine.containers.push(container(P, 'app', {}));
    const fresh = t.services(true);
    t.release();
    assert.equal(await first, ['pod'], 'the read under way answers with what it listed');
    await until('a second read has started, after the call', () => t.counts.started === 2);
    t.release();
    assert.equal((await fresh).sort(), ['app', 'pod']);
    assert.equal((await t.services()).sort(), ['app', 'pod'], 'and it is kept for the viewers after it');
  } finally {
    t.hub.stop();
  }
});

test('a read slower than the time a picture is kept, whose change was announced, answers the next viewer as it is, with no new read', async () => {
  const ttlMs = 2000;
  const t = await setup(ttlMs);
  try {
    await t.services();
    const first = Date.now();
    await until('the picture is older than the time it is kept', () => Date.now() - first > ttlMs);
    t.engine.containers.push(container(P, 'app', {}));
    t.hold(true);
    assert.equal(await within(2000, 'the old picture, at once', t.services()), ['pod']);
    await until('a read beside it has started', () => t.counts.started === 2);
    const began = Date.now();
    await until('that read has lasted longer than the time a picture is kept', () => Date.now() - began > ttlMs);
    t.release();
    await until('its change is announced', () => t.announced() === 1);
    assert.equal((await t.services()).sort(), ['app', 'pod'], 'the announced picture');
    assert.equal([t.counts.started, t.counts.ended], [2, 2], 'no read started for the viewer who asked on the announcement');
  } finally {
    t.hub.stop();
  }
});

test('a project whose roles are still being read is drawn at once without them, and again with them once they are in', async () => {
  let reads = 0;
  let give = (_: Map<string, RoleOf>) => {};
  const roles = rolesFromIdentify(() => {
    reads++;
    return new Promise((r) => (give = r));
  });
  const t = await setup(60_000, roles);
  const shown = async (fresh = false) =>
    (JSON.parse((await t.picture(fresh)).toString()) as { stacks: { pods: { containers: { role: string | null }[] }[] }[] }).stacks[0]!
      .pods[0]!.containers[0]!.role;
  try {
    assert.is(await within(2000, 'the first picture, with the roles held', shown()), null);
    assert.is(await within(2000, 'a fresh picture, with the roles still held', shown(true)), null);
    assert.is(t.announced(), 0, 'nothing announced while the roles are read');
    give(new Map([['pod', { role: 'pause', pattern: 'pause' }]]));
    await until('the roles coming in are announced', () => t.announced() === 1);
    await new Promise(setImmediate); // every reaction to the roles' promise has run by now
    assert.is(t.announced(), 1, 'announced once, though two reads gave up on the roles');
    assert.is(await shown(), 'pause', 'the picture after the announcement');
    assert.is(reads, 1, "the project's roles were read once");
  } finally {
    t.hub.stop();
  }
});

test.run();
