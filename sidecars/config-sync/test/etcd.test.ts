import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EtcdClient, EtcdError, interpret, type WatchMessage } from '../src/etcd.js';
import { FakeEtcd } from './fake-etcd.js';
import { until } from '../../lib/test-support/wait.js';

const messages = suite('interpret (watch messages)');

messages('created, events, progress, compaction and cancel are told apart, with int64 strings as numbers', () => {
  const h = { header: { revision: '12' } };
  assert.equal(interpret({ result: { ...h, created: true } }), { kind: 'created', revision: 12 });
  assert.equal(interpret({ result: { ...h } }), { kind: 'progress', revision: 12 });
  assert.equal(interpret({ result: { ...h, canceled: true, compact_revision: '9' } }), {
    kind: 'compacted',
    revision: 12,
    compactRevision: 9,
  });
  assert.equal(interpret({ result: { ...h, canceled: true, cancel_reason: 'no leader' } }), {
    kind: 'canceled',
    revision: 12,
    reason: 'no leader',
  });
  const ev = interpret({
    result: {
      ...h,
      events: [
        { kv: { key: 'L2s=', value: 'aGk=', mod_revision: '11', create_revision: '3', version: '4' } },
        { type: 'DELETE', kv: { key: 'L2s=', mod_revision: '12' } },
      ],
    },
  }) as Extract<WatchMessage, { kind: 'events' }>;
  assert.is(ev.kind, 'events');
  assert.equal(
    ev.events.map((e) => [e.type, e.kv.key, e.kv.value.toString(), e.kv.modRevision, e.kv.version]),
    [
      ['PUT', '/k', 'hi', 11, 4],
      ['DELETE', '/k', '', 12, 0],
    ],
  );
});

messages('an error object in the stream is thrown with its message', () => {
  try {
    interpret({ error: { grpc_code: 14, message: 'etcdserver: no leader' } });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, EtcdError);
    assert.match((e as Error).message, /no leader/);
  }
});

messages.run();

interface Ctx {
  etcd: FakeEtcd;
  client: EtcdClient;
}
const client = suite<Ctx>('EtcdClient against a fake gateway', {} as Ctx);
client.before.each(async (ctx) => {
  ctx.etcd = await new FakeEtcd().start();
  ctx.client = new EtcdClient(`${ctx.etcd.url}/`, 2000);
});
client.after.each(async (ctx) => {
  await ctx.etcd.stop();
});

client('put then range round-trips bytes through base64, and range at an old revision sees the old value', async ({ etcd, client: c }) => {
  const r1 = await c.put('/cfg', '{"v":"ü"}');
  const r2 = await c.put('/cfg', '{"v":2}');
  assert.equal([r1.revision, r2.revision], [2, 3]);
  const now = await c.range('/cfg');
  assert.equal([now.revision, now.kv?.value.toString(), now.kv?.modRevision, now.kv?.version], [3, '{"v":2}', 3, 2]);
  assert.is((await c.range('/cfg', 2)).kv?.value.toString(), '{"v":"ü"}');
  assert.is((await c.range('/missing')).kv, undefined);
  assert.is(etcd.ranges, 3);
});

client('an HTTP error from the gateway becomes an EtcdError carrying its message', async ({ etcd, client: c }) => {
  await c.put('/cfg', 'a');
  etcd.compact(2);
  try {
    await c.range('/cfg', 1);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, EtcdError);
    assert.match((e as Error).message, /HTTP 400: etcdserver: mvcc: required revision has been compacted/);
  }
});

client('a refused connection is an EtcdError naming the socket error', async ({ etcd, client: c }) => {
  await etcd.stop();
  try {
    await c.range('/cfg');
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /ECONNREFUSED/);
  }
  await etcd.start();
});

client('watch streams past and live events, cut into 7-byte chunks, as whole messages in order', async ({ etcd, client: c }) => {
  etcd.chunk = 7;
  etcd.put('/cfg', 'one');
  const seen: WatchMessage[] = [];
  const ac = new AbortController();
  const done = c.watch('/cfg', 1, { signal: ac.signal, idleMs: 5000, onMessage: (m) => void seen.push(m) });
  await until('the past event', () => seen.length === 2);
  etcd.put('/other', 'x');
  etcd.put('/cfg', 'two');
  await until('the live event', () => seen.length === 3);
  ac.abort();
  await done;
  assert.equal(
    seen.map((m) => m.kind),
    ['created', 'events', 'events'],
  );
  assert.equal(
    seen.flatMap((m) => (m.kind === 'events' ? m.events.map((e) => e.kv.value.toString()) : [])),
    ['one', 'two'],
  );
});

client(
  'a silent stream is aborted with an error after the idle time; a progress notification counts as traffic',
  async ({ etcd, client: c }) => {
    const t0 = Date.now();
    const kinds: string[] = [];
    const timer = setInterval(() => {
      if (Date.now() - t0 < 400) etcd.progress();
    }, 100);
    try {
      await c.watch('/cfg', 1, { idleMs: 250, onMessage: (m) => void kinds.push(m.kind) });
      assert.unreachable('should throw');
    } catch (e) {
      assert.match((e as Error).message, /watch stream silent for 250 ms/);
    } finally {
      clearInterval(timer);
    }
    assert.ok(Date.now() - t0 >= 500, `kept alive by progress notifications for ~400 ms, then 250 ms of silence (${Date.now() - t0} ms)`);
    assert.ok(kinds.filter((k) => k === 'progress').length >= 2, `progress notifications seen: ${kinds}`);
  },
);

client('returning stop from onMessage ends the watch without an error', async ({ client: c }) => {
  let n = 0;
  await c.watch('/cfg', 1, {
    idleMs: 5000,
    onMessage: () => {
      n++;
      return 'stop';
    },
  });
  assert.is(n, 1);
});

client.run();
