// The lab's server on 127.0.0.1, against a fake engine: the token on every request, the Host and Origin
// checks, the headers, the body limits, the head deadline, the cap on live viewers, and actions on
// containers that are not ours (403, never 404). Real sockets throughout.
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { trickle } from '../../../sidecars/lib/test-support/slow-client.js';
import { until, within } from '../../../sidecars/lib/test-support/wait.js';
import { createLogger } from '../../../sidecars/lib/log.js';
import { recordingOf } from '../record-run.js';
import { saveRecording } from '../recordings.js';
import { CheckFailure } from '../check.js';
import { createLab, type Lab, listenLab } from '../lab/server.js';
import { container, type FakeEngine, fakeEngine, frame, labOptions, line } from './lab-support.js';

const test = suite('lab: server');
const TOKEN = 'a'.repeat(64);
const logged: string[] = [];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function start(
  o: { engine?: FakeEngine; maxClients?: number; headMs?: number; runsDir?: string } = {},
): Promise<Lab & { engine: FakeEngine }> {
  const engine = o.engine ?? fakeEngine([container('sl-https-0a0b0c', 'pod', {}), container('someone-elses', 'db', {})]);
  const lab = createLab({
    ...labOptions(
      engine,
      TOKEN,
      createLogger('lab', 'debug', (l) => logged.push(l)),
    ),
    maxClients: o.maxClients,
    headMs: o.headMs,
    runsDir: o.runsDir,
  });
  await listenLab(lab, 0);
  return Object.assign(lab, { engine });
}

/** One request with exactly these headers (Host included: node sets none of its own here). */
function ask(
  port: number,
  o: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}`, ...o.headers };
    for (const [k, v] of Object.entries(headers)) if (v === '') delete (headers as Record<string, string>)[k];
    const req = request(
      { host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path ?? '/api/stacks', headers, setHost: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

const post = (port: number, body: string | Buffer, type = 'application/json') =>
  ask(port, { method: 'POST', path: '/api/kill', headers: { 'content-type': type }, body });

test('serving the page starts the read of the pods that its own request then shares, and a page served with that picture at hand carries it; a refused page starts none', async () => {
  const engine = fakeEngine([container('sl-https-0a0b0c', 'pod', {})]);
  const list = engine.list.bind(engine);
  let lists = 0;
  engine.list = async () => {
    lists++;
    return list();
  };
  const lab = await start({ engine });
  try {
    const refused = await ask(lab.port, { path: '/?token=wrong', headers: { authorization: '' } });
    assert.equal([refused.status, lists], [403, 0]);
    const page = await ask(lab.port, { path: `/?token=${TOKEN}`, headers: { authorization: '' } });
    assert.equal([page.status, lists], [200, 1]);
    const stacks = await ask(lab.port, {});
    assert.equal(JSON.parse(stacks.text).stacks.length, 1);
    assert.match(String(stacks.headers['content-type']), /^application\/json/);
    assert.equal(lists, 1, "the page's request is answered from the read its load started");
    assert.not.match(page.text, /id="pods"/, 'the first page, served before any read ended, carries no picture');
    const again = await ask(lab.port, { path: `/?token=${TOKEN}`, headers: { authorization: '' } });
    const carried = /<script type="application\/json" id="pods">(.*?)<\/script>/s.exec(again.text)?.[1];
    assert.equal(JSON.parse(carried ?? 'null'), JSON.parse(stacks.text), 'a page served with a picture at hand carries it');
    assert.equal(lists, 1, 'and reads the engine no more for it');
  } finally {
    await lab.close();
  }
});

test('the page loads once with ?token=, with a strict CSP, nosniff, no referrer, no CORS, no server version, and without the token in it', async () => {
  const lab = await start();
  try {
    const a = await ask(lab.port, { path: `/?token=${TOKEN}`, headers: { authorization: '' } });
    assert.equal(a.status, 200);
    assert.match(a.text, /<script>document\.title="lab"<\/script>/);
    assert.not.match(a.text, TOKEN);
    const csp = String(a.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]{44}'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.not.match(csp, /unsafe/);
    assert.equal([a.headers['x-content-type-options'], a.headers['referrer-policy']], ['nosniff', 'no-referrer']);
    const names = Object.keys(a.headers);
    assert.equal(
      names.filter((n) => n.startsWith('access-control-') || n === 'server' || n === 'x-powered-by'),
      [],
    );
  } finally {
    await lab.close();
  }
});

test('a request without the token, with a wrong one, or with it in an API URL gets 403, and so do reads', async () => {
  const lab = await start();
  try {
    const paths = ['/', '/api/stacks', '/api/timeline', '/api/events'];
    const none = await Promise.all(paths.map((path) => ask(lab.port, { path, headers: { authorization: '' } })));
    const wrong = await Promise.all(paths.map((path) => ask(lab.port, { path, headers: { authorization: `Bearer ${'b'.repeat(64)}` } })));
    const short = await ask(lab.port, { headers: { authorization: `Bearer ${TOKEN.slice(1)}` } });
    const inUrl = await ask(lab.port, { path: `/api/stacks?token=${TOKEN}`, headers: { authorization: '' } });
    const notBearer = await ask(lab.port, { headers: { authorization: `token ${TOKEN}` } });
    const kill = await ask(lab.port, {
      method: 'POST',
      path: '/api/kill',
      headers: { authorization: '', 'content-type': 'application/json' },
      body: '{"container":"x"}',
    });
    assert.equal(
      [...none, ...wrong, short, inUrl, notBearer, kill].map((a) => a.status),
      Array(12).fill(403),
    );
    assert.equal(lab.engine.killed, []);
    assert.match(none[0]!.text, /open the address the lab printed/);
    assert.ok(none[0]!.headers['content-security-policy'], 'a refusal carries the security headers too');
  } finally {
    await lab.close();
  }
});

test('a foreign Host or Origin gets 403 even with the token; 127.0.0.1:PORT and localhost:PORT are served', async () => {
  const lab = await start();
  try {
    const hosts = [
      'evil.example',
      `evil.example:${lab.port}`,
      '127.0.0.1',
      `127.0.0.1:${lab.port + 1}`,
      `[::1]:${lab.port}`,
      `localhost.evil:${lab.port}`,
    ];
    const refused = await Promise.all(hosts.map((host) => ask(lab.port, { headers: { host } })));
    assert.equal(
      refused.map((a) => a.status),
      hosts.map(() => 403),
    );
    assert.match(refused[0]!.text, new RegExp(`must be 127\\.0\\.0\\.1:${lab.port} or localhost:${lab.port}`));
    const origin = await ask(lab.port, { headers: { origin: 'http://evil.example' } });
    assert.equal(origin.status, 403);
    const served = await Promise.all(
      [`127.0.0.1:${lab.port}`, `localhost:${lab.port}`].map((host) => ask(lab.port, { headers: { host, origin: `http://${host}` } })),
    );
    assert.equal(
      served.map((a) => a.status),
      [200, 200],
    );
  } finally {
    await lab.close();
  }
});

test('GET /api/stacks and /api/timeline answer JSON of the documented shape, our projects only', async () => {
  const lab = await start();
  try {
    const s = JSON.parse((await ask(lab.port, {})).text);
    assert.equal(s.engine, 'up');
    assert.equal(
      s.stacks.map((x: { project: string }) => x.project),
      ['sl-https-0a0b0c'],
    );
    const c = s.stacks[0].pods[0].containers[0];
    for (const k of ['name', 'service', 'role', 'state', 'health', 'image', 'namespaces', 'ports']) assert.ok(k in c, `container has ${k}`);
    assert.equal(Object.keys(c.namespaces).sort(), ['net', 'pid']);
    lab.engine.streams[0]!.write(line('sl-https-0a0b0c', 'pod', 'start', 1000));
    lab.engine.streams[0]!.write(line('someone-elses', 'db', 'start', 1001));
    await until('the event is kept', () => lab.hub.history().length === 1);
    const t = JSON.parse((await ask(lab.port, { path: '/api/timeline' })).text);
    assert.equal(t.engine, 'up');
    assert.equal(t.events, [
      { time: 1000, project: 'sl-https-0a0b0c', service: 'pod', container: 'sl-https-0a0b0c-pod-1', id: 'pod012345678', action: 'start' },
    ]);
  } finally {
    await lab.close();
  }
});

test('an engine that cannot be read gives engine "unreachable" with the reason, and the server goes on serving', async () => {
  const engine = fakeEngine();
  engine.list = async () => {
    throw new Error('connect ENOENT /var/run/docker.sock');
  };
  const lab = await start({ engine });
  try {
    const a = await ask(lab.port, {});
    assert.equal(
      [a.status, JSON.parse(a.text)],
      [200, { engine: 'unreachable', reason: 'connect ENOENT /var/run/docker.sock', stacks: [] }],
    );
    assert.equal((await ask(lab.port, { path: '/api/timeline' })).status, 200);
  } finally {
    await lab.close();
  }
});

test('viewers asking for the stacks share one read of the engine, until an event comes', async () => {
  const engine = fakeEngine([container('sl-https-0a0b0c', 'pod', {})]);
  const list = engine.list.bind(engine);
  let lists = 0;
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  engine.list = async () => {
    lists++;
    await gate;
    return list();
  };
  const lab = await start({ engine });
  try {
    let arrived = 0;
    lab.server.on('request', () => arrived++);
    const asked = Promise.all([ask(lab.port, {}), ask(lab.port, {}), ask(lab.port, {})]);
    await until('the three requests have arrived while the engine is being read', () => arrived === 3 && lists === 1);
    release();
    const answers = await asked;
    assert.equal(
      answers.map((a) => JSON.parse(a.text).stacks.length),
      [1, 1, 1],
    );
    assert.equal(lists, 1);
    await ask(lab.port, {});
    assert.equal(lists, 1, 'a later request with no event since is answered from that read');
    const generation = lab.hub.generation;
    await until('the engine stream is open', () => engine.streams.length > 0);
    engine.streams[0]!.write(line('sl-https-0a0b0c', 'pod', 'start', Date.now()));
    await until('the event has reached the viewers', () => lab.hub.generation > generation);
    await ask(lab.port, {});
    assert.equal(lists, 2, 'after an event the next request reads again');
  } finally {
    await lab.close();
  }
});

test('a POST body over 64 KiB gets 413, malformed JSON 400, another content type 415, a bad container or signal 400', async () => {
  const lab = await start();
  try {
    const big = await post(lab.port, Buffer.alloc(64 * 1024 + 1, 0x20));
    const bad = await Promise.all(
      ['{"container":', 'null', '[]', '{"container":"../x"}', '{"container":"sl-https-0a0b0c-pod-1","signal":"SIGSTOP"}'].map((b) =>
        post(lab.port, b),
      ),
    );
    const type = await post(lab.port, '{"container":"x"}', 'text/plain');
    assert.equal([big.status, ...bad.map((a) => a.status), type.status], [413, 400, 400, 400, 400, 400, 415]);
    assert.match(bad[0]!.text, /malformed JSON/);
    assert.equal(lab.engine.killed, []);
    assert.equal((await ask(lab.port, {})).status, 200, 'still serving');
  } finally {
    await lab.close();
  }
});

test('a kill aimed at a foreign container or at none gets 403, never 404, and reaches no engine; one of ours gets 202', async () => {
  const lab = await start();
  try {
    const [foreign, missing] = (await Promise.all(
      ['someone-elses-db-1', 'no-such-container'].map((c) => post(lab.port, JSON.stringify({ container: c }))),
    )) as [Answer, Answer];
    assert.equal([foreign.status, missing.status], [403, 403]);
    assert.equal(foreign.text, missing.text, 'nothing tells the two apart');
    assert.equal(lab.engine.killed, []);
    const ours = await post(lab.port, JSON.stringify({ container: 'sl-https-0a0b0c-pod-1', signal: 'SIGTERM' }));
    assert.equal([ours.status, JSON.parse(ours.text)], [202, { killed: 'sl-https-0a0b0c-pod-1', signal: 'SIGTERM', via: 'engine' }]);
    assert.equal(lab.engine.killed, [{ id: lab.engine.containers[0]!.Id, signal: 'SIGTERM' }]);
  } finally {
    await lab.close();
  }
});

test('a request head that trickles in is cut off at the deadline, whatever it keeps sending', async () => {
  const lab = await start({ headMs: 1000 });
  try {
    const socket = connect(lab.port, '127.0.0.1');
    const t = await trickle(socket, {
      first: `GET /api/stacks HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\n`,
      piece: 'X-A: b\r\n',
      everyMs: 100,
      limitMs: 8000,
    });
    assert.ok(t.closedMs < 4000, `closed after ${t.closedMs} ms`);
    assert.ok(t.closedMs >= 900, `closed after ${t.closedMs} ms, before the deadline`);
    assert.ok(t.pieces >= 5, `${t.pieces} pieces sent`);
    assert.ok(t.status === undefined || t.status === 408, `answered ${t.status}`);
    assert.equal((await ask(lab.port, {})).status, 200, 'still serving');
  } finally {
    await lab.close();
  }
});

/** Opens a live stream and resolves with its status and the lines read so far (kept growing). */
function live(port: number) {
  return new Promise<{ status: number; lines: string[]; close: () => void }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/events',
        headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` },
        setHost: false,
      },
      (res) => {
        const lines: string[] = [];
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          const parts = (rest + c).split('\n');
          rest = parts.pop()!;
          lines.push(...parts);
        });
        res.on('error', () => undefined);
        resolve({ status: res.statusCode ?? 0, lines, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('two live viewers share one engine stream and each gets hello, the engine state and the event as NDJSON', async () => {
  const lab = await start();
  try {
    const [a, b] = await Promise.all([live(lab.port), live(lab.port)]);
    await until('both viewers are subscribed', () => lab.hub.clients === 2);
    lab.engine.streams[0]!.write(line('sl-https-0a0b0c', 'pod', 'die', 2000, { exitCode: '137' }));
    await until('both viewers have three lines', () => a.lines.length >= 3 && b.lines.length >= 3);
    for (const v of [a, b]) {
      assert.equal(v.status, 200);
      assert.equal(
        v.lines.map((l) => JSON.parse(l).type),
        ['hello', 'engine', 'event'],
      );
      assert.equal(JSON.parse(v.lines[2]!).event.detail, '137');
    }
    assert.equal(lab.hub.opens, 1);
    a.close();
    await until('the viewer that left is gone', () => lab.hub.clients === 1);
    b.close();
  } finally {
    await lab.close();
  }
});

test('live viewers are capped: the one past the cap gets 503, and a freed place is taken again', async () => {
  const lab = await start({ maxClients: 2 });
  try {
    const first = await Promise.all([live(lab.port), live(lab.port)]);
    await until('two viewers are subscribed', () => lab.hub.clients === 2);
    const third = await ask(lab.port, { path: '/api/events' });
    assert.equal(third.status, 503);
    assert.match(third.text, /the limit is 2/);
    first[0]!.close();
    await until('a place is free', () => lab.hub.clients === 1);
    const again = await live(lab.port);
    assert.equal(again.status, 200);
    again.close();
    first[1]!.close();
  } finally {
    await lab.close();
  }
});

test("GET /api/logs streams one of our containers' lines as NDJSON, ends when its log ends, and refuses a foreign one with 403", async () => {
  const lab = await start();
  try {
    const foreign = await ask(lab.port, { path: '/api/logs?container=someone-elses-db-1' });
    const missing = await ask(lab.port, { path: '/api/logs?container=no-such' });
    assert.equal([foreign.status, missing.status, lab.engine.logged.length], [403, 403, 0]);
    const asked = ask(lab.port, { path: '/api/logs?container=sl-https-0a0b0c-pod-1&tail=50&since=1767225600' });
    await until('the engine is asked for the log', () => lab.engine.logged.length === 1);
    const { id, tail, since, stream } = lab.engine.logged[0]!;
    assert.equal([id, tail, since], [lab.engine.containers[0]!.Id, 50, 1767225600]);
    stream.write(frame(1, '2026-01-01T00:00:00Z {"level":"info","msg":"ready"}\n'));
    stream.end(frame(2, '2026-01-01T00:00:01Z oops\n'));
    const a = await asked;
    const lines = a.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(a.headers['content-type'], 'application/x-ndjson; charset=utf-8');
    assert.equal(
      lines.map((l) => [l.type, l.stream, l.level, l.fields?.msg ?? l.text]),
      [
        ['hello', undefined, undefined, undefined],
        ['log', 'stdout', 'info', 'ready'],
        ['log', 'stderr', undefined, 'oops'],
        ['end', undefined, undefined, undefined],
      ],
    );
  } finally {
    await lab.close();
  }
});

test('log viewers count against the live cap with event viewers, and a freed place is taken again', async () => {
  const lab = await start({ maxClients: 1 });
  try {
    const asked = ask(lab.port, { path: '/api/logs?container=sl-https-0a0b0c-pod-1' });
    await until('the log is being read', () => lab.engine.logged.length === 1);
    const refused = await ask(lab.port, { path: '/api/events' });
    assert.equal(refused.status, 503);
    lab.engine.logged[0]!.stream.end();
    assert.equal((await asked).status, 200);
    const again = await live(lab.port);
    assert.equal(again.status, 200);
    again.close();
  } finally {
    await lab.close();
  }
});

test('GET /api/processes answers for a container of ours and refuses any other with 403', async () => {
  const lab = await start();
  try {
    const foreign = await ask(lab.port, { path: '/api/processes?container=someone-elses-db-1' });
    assert.equal(foreign.status, 403);
    const a = await ask(lab.port, { path: '/api/processes?container=sl-https-0a0b0c-pod-1' });
    assert.equal(
      [a.status, JSON.parse(a.text)],
      [200, { container: 'sl-https-0a0b0c-pod-1', pid: 0, processes: [], skipped: 0, truncated: false, source: 'lab', cmdline: true }],
    );
  } finally {
    await lab.close();
  }
});

test('no log line holds the token, even when a handler fails on a request that carried it', async () => {
  const engine = fakeEngine([container('sl-https-0a0b0c', 'pod', {})]);
  engine.kill = async () => {
    throw new Error('engine exploded');
  };
  const lab = await start({ engine });
  try {
    logged.length = 0;
    const a = await post(lab.port, JSON.stringify({ container: 'sl-https-0a0b0c-pod-1' }));
    assert.equal(a.status, 500);
    await ask(lab.port, { path: `/?token=${TOKEN}x`, headers: { authorization: '' } });
    await within(
      2000,
      'the failure logged',
      until('a line is logged', () => logged.length > 0),
    );
    assert.equal(
      logged.filter((l) => l.includes(TOKEN)),
      [],
    );
  } finally {
    await lab.close();
  }
});

/** A directory with two recorded runs (one passing, one failing, the newer) and one corrupt file. */
function recorded(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sl-lab-runs-'));
  const t0 = Date.parse('2026-03-01T10:00:00Z');
  const events = [
    { status: 'start', service: 'app', time: t0 + 1000, container: 'sl-https-0a0b0c-app-1' },
    { status: 'die', service: 'app', time: t0 + 5000, container: 'sl-https-0a0b0c-app-1', detail: '0' },
  ];
  saveRecording(
    recordingOf({
      stack: 'https',
      project: 'sl-https-0a0b0c',
      started: t0,
      ended: t0 + 9000,
      events,
      results: [{ name: 'a', ok: true, ms: 1 }],
    }),
    dir,
  );
  const failed = [{ name: 'b', ok: false, ms: 2, error: new CheckFailure('b', 1, 2) }];
  saveRecording(recordingOf({ stack: 'topz', project: 'sl-topz-1a2b3c', started: t0 + 60_000, events: [], results: failed }), dir);
  writeFileSync(join(dir, 'sl-mesh-999999.json'), '{"version":1,');
  return dir;
}

test('GET /api/runs lists the recorded runs newest first with their counts, and GET /api/runs/NAME answers one', async () => {
  const dir = recorded();
  const lab = await start({ runsDir: dir });
  try {
    const list = await ask(lab.port, { path: '/api/runs' });
    assert.is(list.status, 200);
    assert.match(String(list.headers['content-type']), /^application\/json/);
    const body = JSON.parse(list.text) as { keep: number; runs: Record<string, unknown>[] };
    assert.is(body.keep, 20);
    assert.equal(
      body.runs.map((r) => [r.project, r.stack, r.passed, r.failed, r.skipped]),
      [
        ['sl-topz-1a2b3c', 'topz', 0, 1, 0],
        ['sl-https-0a0b0c', 'https', 1, 0, 0],
      ],
    );
    assert.equal(Object.keys(body.runs[0]!).sort(), ['ended', 'failed', 'passed', 'project', 'skipped', 'stack', 'started']);
    const one = await ask(lab.port, { path: '/api/runs/sl-https-0a0b0c' });
    assert.is(one.status, 200);
    const rec = JSON.parse(one.text) as { project: string; events: { action: string; detail?: string }[]; checks: unknown[] };
    assert.equal(
      [rec.project, rec.events.map((e) => [e.action, e.detail ?? null]), rec.checks.length],
      [
        'sl-https-0a0b0c',
        [
          ['start', null],
          ['die', '0'],
        ],
        1,
      ],
    );
    const failing = JSON.parse((await ask(lab.port, { path: '/api/runs/sl-topz-1a2b3c' })).text) as {
      checks: { expected?: string; received?: string }[];
    };
    assert.equal([failing.checks[0]!.expected, failing.checks[0]!.received], ['1', '2']);
  } finally {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the recorded runs need the token; a bad name gets 400 (never a path), a run with no recording 404, another method 405', async () => {
  const dir = recorded();
  const lab = await start({ runsDir: dir });
  try {
    const refused = await Promise.all(
      ['/api/runs', '/api/runs/sl-https-0a0b0c'].map((path) => ask(lab.port, { path, headers: { authorization: '' } })),
    );
    assert.equal(
      refused.map((a) => a.status),
      [403, 403],
    );
    assert.not.match(refused[1]!.text, /sl-https/);
    const bad = [
      '../../etc/passwd',
      '..',
      '%2e%2e%2fsl-https-0a0b0c',
      'sl-https-0a0b0c%2f..',
      'sl-https-0a0b0c.json',
      'sl-https-0a0b0',
      'sl-https-0a0b0c-side',
      'SL-https-0a0b0c',
      '',
    ];
    const answers = await Promise.all(bad.map((name) => ask(lab.port, { path: `/api/runs/${name}` })));
    assert.equal(
      answers.map((a) => a.status),
      bad.map(() => 400),
    );
    assert.match(answers[0]!.text, /sl-<stack>-<6 hex digits>/);
    const missing = await ask(lab.port, { path: '/api/runs/sl-mesh-999999' });
    const none = await ask(lab.port, { path: '/api/runs/sl-https-ffffff' });
    assert.equal([missing.status, none.status], [404, 404]);
    const posts = await Promise.all(['/api/runs', '/api/runs/sl-https-0a0b0c'].map((path) => ask(lab.port, { method: 'POST', path })));
    assert.equal(
      posts.map((a) => a.status),
      [405, 405],
    );
    const empty = await start({ runsDir: join(dir, 'none') });
    try {
      assert.equal(JSON.parse((await ask(empty.port, { path: '/api/runs' })).text).runs, []);
    } finally {
      await empty.close();
    }
  } finally {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
