// The pod picture's kept inspects: a container is inspected again only after an event of its own or a change
// of the engine's state; another container's event leaves it kept. A fake engine with a real event hub.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { until } from '../../../sidecars/lib/test-support/wait.js';
import { Hub } from '../lab/hub.js';
import { keptInspects } from '../lab/inspect-cache.js';
import { oursBy } from '../lab/ours.js';
import { container, fakeEngine, line } from './lab-support.js';

const test = suite('lab: kept inspects');
const P = 'sl-https-0a0b0c';

async function setup() {
  const engine = fakeEngine([container(P, 'pod', { pid: 10 }), container(P, 'app', { pid: 11 })]);
  const asked: string[] = [];
  const inspect = engine.inspect.bind(engine);
  engine.inspect = (id) => {
    asked.push(id);
    return inspect(id);
  };
  const hub = new Hub(engine.events, oursBy([]), { retryMs: 10 });
  hub.start();
  await until('the hub is up', () => hub.state === 'up' && engine.streams.length === 1);
  const kept = keptInspects(engine, hub);
  const [pod, app] = engine.containers.map((c) => c.Id) as [string, string];
  /** Writes an event of a service, and waits until the hub has handed it out. */
  const event = async (service: string, action: string) => {
    const g = hub.generation;
    engine.streams
      .at(-1)!
      .write(
        line(
          P,
          service,
          action,
          Date.now(),
          {},
          engine.containers.find((c) => c.Config.Labels['com.docker.compose.service'] === service)!.Id,
        ),
      );
    await until(`the ${action} of ${service}`, () => hub.generation > g);
  };
  return { engine, hub, kept, asked, pod, app, event };
}

test('a container read twice with no event between is inspected once', async () => {
  const { hub, kept, asked, pod } = await setup();
  try {
    await kept.inspect(pod);
    await kept.inspect(pod);
    assert.equal(asked, [pod]);
  } finally {
    hub.stop();
  }
});

test('a container the engine no longer lists is forgotten at the next list, and read afresh if it is seen again', async () => {
  const { engine, hub, kept, asked, pod, app } = await setup();
  try {
    await kept.inspect(pod);
    await kept.inspect(app);
    const gone = engine.containers.splice(0, 1);
    assert.equal(
      (await kept.list()).map((c) => c.Id),
      [app],
    );
    engine.containers.unshift(...gone);
    await kept.inspect(pod);
    await kept.inspect(app);
    assert.equal(asked, [pod, app, pod], 'the listed app stays kept; the forgotten pod is asked again');
  } finally {
    hub.stop();
  }
});

test('an event of the container makes the next read ask the engine; another container’s event does not', async () => {
  const { hub, kept, asked, pod, app, event } = await setup();
  try {
    await kept.inspect(pod);
    await kept.inspect(app);
    await event('app', 'die');
    await kept.inspect(pod);
    await kept.inspect(app);
    assert.equal(asked, [pod, app, app]);
  } finally {
    hub.stop();
  }
});

test('a change of the engine’s state (events may have been missed) makes every read ask again', async () => {
  const { engine, hub, kept, asked, pod } = await setup();
  try {
    await kept.inspect(pod);
    engine.streams[0]!.end(); // the engine went away: the hub connects again
    await until('the hub is up again', () => engine.streams.length === 2 && hub.state === 'up');
    await kept.inspect(pod);
    assert.equal(asked, [pod, pod]);
  } finally {
    hub.stop();
  }
});

test.run();
