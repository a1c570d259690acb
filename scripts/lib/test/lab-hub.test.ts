// The lab's event hub: one upstream engine stream, however many viewers; a viewer that goes away; an
// engine that stops and comes back. The engine is a fake event source handing out real streams.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { until } from '../../../sidecars/lib/test-support/wait.js';
import { Hub, type HubOptions, type Message, parseEvent } from '../lab/hub.js';
import { oursBy } from '../lab/ours.js';
import { type FakeEngine, fakeEngine, line } from './lab-support.js';

const test = suite('lab: event hub');
const ours = oursBy(['shop']);

/** A hub on this engine, once its upstream stream is open. */
async function started(engine: FakeEngine, o: HubOptions): Promise<Hub> {
  const hub = new Hub(engine.events, ours, o);
  hub.start();
  await until('the upstream stream is open', () => hub.state === 'up');
  return hub;
}

const viewer = (hub: Hub) => {
  const got: Message[] = [];
  const off = hub.subscribe((m) => got.push(m));
  return { got, off, events: () => got.flatMap((m) => (m.type === 'event' ? [`${m.event.service} ${m.event.action}`] : [])) };
};

test('three viewers share one upstream stream, and each gets every event of our projects once, in order, and none of a foreign one', async () => {
  const engine = fakeEngine();
  const hub = await started(engine, { retryMs: 20 });
  const vs = [viewer(hub), viewer(hub), viewer(hub)];
  const s = engine.streams[0]!;
  s.write(line('sl-https-1a2b3c', 'pod', 'start', 1000));
  s.write(line('someone-elses', 'db', 'start', 1001));
  // A line split across two chunks is read whole.
  const split = line('shop', 'web', 'health_status: healthy', 1002);
  s.write(split.slice(0, 25));
  s.write(split.slice(25));
  s.write(line('sl-verify-00ff00', 'app', 'die', 1003, { exitCode: '137' }));
  await until('every viewer has three events', () => vs.every((v) => v.events().length === 3));
  for (const v of vs) {
    assert.equal(v.events(), ['pod start', 'web health_status', 'app die']);
    assert.equal(v.got[0], { type: 'engine', state: 'up' });
  }
  assert.equal(engine.streams.length, 1);
  assert.equal(hub.opens, 1);
  assert.equal(hub.clients, 3);
  assert.equal(
    hub.history().map((e) => [e.project, e.detail]),
    [
      ['sl-https-1a2b3c', undefined],
      ['shop', 'healthy'],
      ['sl-verify-00ff00', '137'],
    ],
  );
  hub.stop();
});

test('a viewer that goes away gets nothing more, one that throws is dropped, and the others keep receiving', async () => {
  const engine = fakeEngine();
  const hub = await started(engine, { retryMs: 20 });
  const [a, b] = [viewer(hub), viewer(hub)];
  let thrown = 0;
  hub.subscribe((m) => {
    if (m.type === 'event') {
      thrown++;
      throw new Error('a broken viewer');
    }
  });
  const s = engine.streams[0]!;
  s.write(line('shop', 'web', 'start', 1));
  await until('both viewers have the first event', () => a.events().length === 1 && b.events().length === 1);
  a.off();
  s.write(line('shop', 'web', 'kill', 2));
  s.write(line('shop', 'web', 'die', 3));
  await until('the remaining viewer has three events', () => b.events().length === 3);
  assert.equal(a.events(), ['web start']);
  assert.equal(b.events(), ['web start', 'web kill', 'web die']);
  assert.equal(thrown, 1);
  assert.equal(hub.clients, 1);
  assert.equal(hub.opens, 1);
  hub.stop();
});

test('an engine that stops makes every viewer see "unreachable", and when it answers again the stream reopens and events flow', async () => {
  const engine = fakeEngine();
  const hub = await started(engine, { retryMs: 10, maxRetryMs: 40 });
  const [a, b] = [viewer(hub), viewer(hub)];
  engine.refuseNext(3);
  engine.streams[0]!.end(); // the engine went away
  await until('the viewers see the engine unreachable', () => a.got.some((m) => m.type === 'engine' && m.state === 'unreachable'));
  await until('the stream is open again', () => engine.streams.length === 2 && hub.state === 'up', 5000);
  engine.streams[1]!.write(line('shop', 'web', 'start', 5));
  await until('both viewers have the event after the restart', () => a.events().length === 1 && b.events().length === 1);
  for (const v of [a, b]) {
    const states = v.got.flatMap((m) => (m.type === 'engine' ? [m.state] : []));
    assert.equal(states, ['up', 'unreachable', 'up']);
    const down = v.got.find((m) => m.type === 'engine' && m.state === 'unreachable') as { reason?: string };
    assert.match(down.reason ?? '', /closed its event stream/);
  }
  assert.equal(hub.opens, 5, 'the first open, three refused, one that worked');
  hub.stop();
});

test('a hub started with no engine says "unreachable" with the reason, and connects when the engine comes', async () => {
  const engine = fakeEngine();
  engine.refuseNext(2);
  const hub = new Hub(engine.events, ours, { retryMs: 10 });
  const v = viewer(hub);
  hub.start();
  await until('the engine is seen', () => hub.state === 'up', 5000);
  const states = v.got.flatMap((m) => (m.type === 'engine' ? [`${m.state}${m.reason ? `: ${m.reason}` : ''}`] : []));
  assert.equal(states, ['connecting', 'unreachable: connect ECONNREFUSED /var/run/docker.sock', 'up']);
  hub.stop();
});

test('the timeline keeps the last N events, oldest dropped first', async () => {
  const engine = fakeEngine();
  const hub = await started(engine, { keep: 3 });
  for (let i = 0; i < 5; i++) engine.streams[0]!.write(line('shop', `s${i}`, 'start', i));
  await until('the last event is kept', () => hub.history().at(-1)?.service === 's4');
  assert.equal(
    hub.history().map((e) => e.service),
    ['s2', 's3', 's4'],
  );
  hub.stop();
});

test('any line, JSON or not, parses to nothing or to an event of one of our projects, and never throws', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc
          .record({
            Action: fc.string(),
            Actor: fc.record({ Attributes: fc.dictionary(fc.constantFrom('com.docker.compose.project', 'name', 'exitCode'), fc.string()) }),
          })
          .map((o) => JSON.stringify(o)),
      ),
      (text) => {
        const e = parseEvent(text, ours);
        if (e) assert.ok(ours(e.project), `${e.project} is not ours`);
      },
    ),
    { numRuns: 2000 },
  );
});

test.run();
