// What the lab's page computes without a browser: the live stream split into lines whatever the chunks,
// how a member's namespace relates to its pod's, and events placed on one time axis.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabEvent } from '../lab/hub.js';
import { describe, keptPicture, layout, lineSplitter, markOf, portPath, processSource, sharing } from '../lab/page/lines.js';
import { parseLine } from '../lab/logs.js';
import { shown } from '../lab/page/logs.js';
import { pageOf, withPods } from '../lab/page.js';
import { checkLine, REPLAY_SPEED, revealed, runEvents, runLabel } from '../lab/page/replay.js';
import type { Recording } from '../recordings.js';
import type { LabContainer, Pod } from '../lab/stacks.js';

const test = suite('lab: page');

test('the stream splitter gives the same lines however the text is cut into chunks', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '{', '}', '\n') }), { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (parts, cuts) => {
        const text = parts.join('\n');
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const split = lineSplitter();
        const got: string[] = [];
        let from = 0;
        for (const c of [...at, text.length]) {
          got.push(...split(text.slice(from, c)));
          from = c;
        }
        got.push(...split('\n'));
        assert.equal(
          got,
          text.split('\n').filter((l) => l.trim() !== ''),
        );
      },
    ),
  );
});

const member = (service: string, net: string | null, pid: string | null): LabContainer => ({
  name: `p-${service}-1`,
  id: service,
  service,
  role: null,
  state: 'running',
  health: null,
  image: 'x',
  pid: 1,
  startedAt: '',
  namespaces: { net: { inode: net, declared: 'service:pod' }, pid: { inode: pid, declared: 'service:pod' } },
  ports: [],
  mounts: [],
});

test("a member's namespace is shared when its inode is the owner's, its own when not, unknown when unreadable", () => {
  const owner = member('pod', '1', '2');
  const pod: Pod = {
    name: 'pod',
    owner: owner.name,
    shared: [],
    containers: [owner, member('app', '1', '2'), member('odd', '9', '2'), member('gone', null, null)],
  };
  assert.equal(
    pod.containers.map((c) => [sharing(pod, c, 'net'), sharing(pod, c, 'pid')]),
    [
      ['owner', 'owner'],
      ['shared', 'shared'],
      ['own', 'shared'],
      ['unknown', 'unknown'],
    ],
  );
  const lone: Pod = { name: 'db', owner: null, shared: [], containers: [member('db', '5', '6')] };
  assert.equal(sharing(lone, lone.containers[0]!, 'net'), 'own');
});

const ev = (service: string, action: string, time: number, detail?: string): LabEvent => ({
  time,
  project: 'sl-https-0a0b0c',
  service,
  container: service,
  id: service,
  action,
  ...(detail ? { detail } : {}),
});

test("a published port's path reads host → pod port and listener → upstream and its service, and says where it stops", () => {
  const host = '127.0.0.1:49153';
  assert.equal(
    portPath({ container: '8443/tcp', host, listener: 'tls-proxy', upstream: { address: '127.0.0.1:8080', service: 'app' } }),
    '127.0.0.1:49153 → :8443 tls-proxy → 127.0.0.1:8080 app',
  );
  assert.equal(portPath({ container: '9700/tcp', host, listener: 'topz' }), '127.0.0.1:49153 → :9700 topz');
  assert.equal(
    portPath({ container: '8443/tcp', host, listener: 'tls-proxy', upstream: { address: '127.0.0.1:8080' }, unknown: 'nothing listens' }),
    '127.0.0.1:49153 → :8443 tls-proxy → 127.0.0.1:8080 → ? (nothing listens)',
  );
  assert.equal(portPath({ container: '53/udp', host, unknown: 'only TCP' }), '127.0.0.1:49153 → :53/udp → ? (only TCP)');
});

test('the Processes view says whether topz answered, and why the lab read /proc itself when it did not', () => {
  const via = 'http://127.0.0.1:49160/api/processes';
  assert.equal(processSource({ source: 'topz', via, cmdline: true }), `from topz (${via})`);
  assert.equal(
    processSource({ source: 'topz', via, cmdline: false }),
    `from topz (${via}): topz shows no command lines (its --show-cmdline is off)`,
  );
  assert.equal(processSource({ source: 'lab', cmdline: true }), 'read by the lab');
  assert.equal(
    processSource({ source: 'lab', cmdline: true, fallback: 'topz answered 401' }),
    'read by the lab, not from the topz attached: topz answered 401',
  );
});

test('events sit on one axis per container, first at 0 and last at 1, with at least ten seconds shown', () => {
  const events = [
    ev('app', 'start', 25_000),
    ev('tls-proxy', 'start', 0),
    ev('tls-proxy', 'health_status', 20_000, 'healthy'),
    ev('app', 'die', 40_000, '137'),
  ];
  const { t0, t1, rows } = layout(events);
  assert.equal([t0, t1], [0, 40_000]);
  assert.equal(
    rows.map((r) => [r.service, r.marks.map((m) => m.at)]),
    [
      ['app', [0.625, 1]],
      ['tls-proxy', [0, 0.5]],
    ],
  );
  assert.equal(layout([ev('app', 'start', 1000)]).t1, 11_000);
  assert.equal(describe(events[2]!, 0), '+20.000 s  sl-https-0a0b0c/tls-proxy  health healthy');
  assert.equal(
    [markOf(events[2]!), markOf(events[3]!), markOf(ev('x', 'kill', 1, 'SIGKILL'))].map((m) => m.word),
    ['health healthy', 'die (exit 137)', 'kill SIGKILL'],
  );
});

test('a JSON log line shows as its message and then its other fields; a plain one as its text', () => {
  const json = parseLine(
    '2026-01-01T00:00:00Z {"ts":"t","level":"info","sidecar":"tls-proxy","msg":"listening","port":8443,"tls":{"v":"1.3"}}',
    'stdout',
  );
  assert.equal(shown(json), 'listening  sidecar=tls-proxy  port=8443  tls={"v":"1.3"}');
  assert.equal(shown(parseLine('GET / 200', 'stdout')), 'GET / 200');
});

test('a read of the pods equal to the picture shown keeps the shown object; a read that differs in anything replaces it', () => {
  const answer = fc.record({
    engine: fc.constantFrom('up' as const, 'unreachable' as const),
    stacks: fc.array(fc.record({ stack: fc.string(), project: fc.string(), pods: fc.array(fc.jsonValue(), { maxLength: 3 }) }), {
      maxLength: 3,
    }),
  });
  let kept = 0;
  let replaced = 0;
  fc.assert(
    fc.property(answer, answer, (shown, other) => {
      const same = structuredClone(shown);
      assert.ok(keptPicture(shown, same) === shown, 'an equal read keeps the object shown');
      const next = keptPicture(shown, other);
      if (JSON.stringify(other) === JSON.stringify(shown)) {
        assert.ok(next === shown);
        kept++;
      } else {
        assert.ok(next === other, 'a read that differs is shown');
        replaced++;
      }
    }),
  );
  assert.ok(replaced > 0, `differing reads were tried (${kept} equal, ${replaced} different)`);
  assert.ok(keptPicture(undefined, { engine: 'up' }).engine === 'up', 'the first read is shown');
});

test('the picture of the pods the page carries reads back as it was, whatever its text, and has no < to close its tag early', () => {
  const page = pageOf('a()', 'b{}');
  assert.is(withPods(page, undefined), page.html);
  const open = '<script type="application/json" id="pods">';
  fc.assert(
    fc.property(
      fc.jsonValue(),
      fc.string({ unit: fc.constantFrom('<', '/', 's', 'c', 'r', 'i', 'p', 't', '>', '!', '-', 'x') }),
      (value, text) => {
        const pods = Buffer.from(JSON.stringify({ value, text }));
        const html = withPods(page, pods);
        // In HTML, a script's text ends at the first "</script"; one without "<" cannot end early or enter an escape state.
        const from = html.indexOf(open) + open.length;
        const body = html.slice(from, html.indexOf('</script', from));
        assert.not.ok(body.includes('<'));
        assert.equal(JSON.parse(body), JSON.parse(pods.toString()));
        assert.ok(html.endsWith('<script>a()</script></body></html>'), 'the page script stays last, whole');
        assert.is(html.indexOf(open), html.lastIndexOf(open), 'one data block');
      },
    ),
  );
});

test('the page inlines its script and style, and refuses a bundle that would close its own tag', () => {
  const page = pageOf('a()', 'b{}');
  assert.match(page.html, /<script>a\(\)<\/script>/);
  assert.match(page.scriptHash, /^sha256-/);
  try {
    pageOf('x("</script>")', '');
    assert.unreachable('a closing tag in the script is refused');
  } catch (e) {
    assert.match((e as Error).message, /closing tag/);
  }
});

const recording: Recording = {
  version: 1,
  stack: 'https',
  project: 'sl-https-0a0b0c',
  started: '2026-03-01T10:00:00.000Z',
  ended: '2026-03-01T10:01:00.000Z',
  events: [
    { time: 60_000, service: 'app', container: 'sl-https-0a0b0c-app-1', action: 'die', detail: '137' },
    { time: 0, service: 'tls-proxy', container: 'sl-https-0a0b0c-tls-proxy-1', action: 'start' },
    { time: 6_000, service: 'tls-proxy', container: 'sl-https-0a0b0c-tls-proxy-1', action: 'health_status', detail: 'healthy' },
    { time: 30_000, service: 'app', container: 'sl-https-0a0b0c-app-1', action: 'start' },
  ],
  checks: [
    { name: 'answers', ok: true, ms: 12 },
    { name: 'no /proc', ok: true, ms: 1, skipped: 'not on Linux' },
    { name: 'status', ok: false, ms: 5, error: 'the status', expected: '200', received: '502' },
  ],
};

test("a recorded run's events go on the timeline in time order, under its project, with their words", () => {
  const events = runEvents(recording);
  assert.equal(
    events.map((e) => [e.time, e.project, e.service, markOf(e).word]),
    [
      [0, 'sl-https-0a0b0c', 'tls-proxy', 'start'],
      [6_000, 'sl-https-0a0b0c', 'tls-proxy', 'health healthy'],
      [30_000, 'sl-https-0a0b0c', 'app', 'start'],
      [60_000, 'sl-https-0a0b0c', 'app', 'die (exit 137)'],
    ],
  );
  const { t0, t1, rows } = layout(events.slice(0, 1), 10_000, { t0: 0, t1: 60_000 });
  assert.equal([t0, t1, rows.map((r) => r.marks.map((m) => m.at))], [0, 60_000, [[0]]], 'a replay keeps the whole run on its axis');
});

test(`a replay reveals the events in time order, ${REPLAY_SPEED} times faster: a 60 s run in 10 s`, () => {
  const events = runEvents(recording);
  assert.equal(
    [0, 999, 1_000, 4_999, 5_000, 9_999, 10_000, 60_000].map((ms) => revealed(events, ms)),
    [1, 1, 2, 2, 3, 3, 4, 4],
  );
  assert.is(revealed([], 1000), 0);
  assert.is(revealed(events, 1000, 60), 4);
});

test('each check shows a glyph and a word as well as its colour: passed, skipped with its reason, failed with its error', () => {
  assert.equal(
    recording.checks.map((c) => checkLine(c)),
    [
      { glyph: '✔', word: 'passed', tone: 'good', text: 'answers (12 ms)' },
      { glyph: '–', word: 'skipped', tone: 'warn', text: 'no /proc: not on Linux' },
      { glyph: '✘', word: 'failed', tone: 'bad', text: 'status (5 ms): the status' },
    ],
  );
  const summary = {
    project: 'sl-https-0a0b0c',
    stack: 'https',
    started: recording.started,
    ended: recording.ended,
    passed: 1,
    failed: 1,
    skipped: 1,
  };
  assert.is(
    runLabel(summary, (iso) => iso.slice(11, 16)),
    'sl-https-0a0b0c · 10:00 · 1 passed, 1 failed, 1 skipped',
  );
  assert.is(
    runLabel({ ...summary, skipped: 0 }, () => 'then'),
    'sl-https-0a0b0c · then · 1 passed, 1 failed',
  );
});

test.run();
