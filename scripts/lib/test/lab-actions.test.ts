// The lab's actions against a fake engine and a fake check verb: a run of checks streamed as it goes (the
// verb's arguments, its results, its text, its end), the confirmation that --all needs, one run at a time;
// the chaos steps (kill, restart, stop, start) on our containers only, each marked on the timeline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { until } from '../../../sidecars/lib/test-support/wait.js';
import { createLogger } from '../../../sidecars/lib/log.js';
import type { LabEvent } from '../lab/hub.js';
import { createLab, type Lab, listenLab } from '../lab/server.js';
import { container, type FakeEngine, fakeEngine, labOptions } from './lab-support.js';

const test = suite('lab: actions (checks and chaos)');
const TOKEN = 'b'.repeat(64);
const dir = mkdtempSync(join(tmpdir(), 'lab-actions-'));
const gate = join(dir, 'go');

// The fake check verb: its arguments as a line of text, two results as `check --json` prints them, a line on
// stderr, and exit 1 (a check failed). With FAKE_WAIT it first waits for the gate file (a run that lasts).
const verb = join(dir, 'verb.mjs');
writeFileSync(
  verb,
  `import { existsSync } from 'node:fs';
const args = process.argv.slice(2);
if (args.includes('--only') && args[args.indexOf('--only') + 1] === '9') while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20));
console.error('▶ fake: ' + args.join(' '));
if (args[1] !== 'check') {
  if (args[1] === 'up') console.log(JSON.stringify({ project: 'sl-https-123456', urls: { https: 'https://127.0.0.1:1' } }));
  process.exit(0);
}
console.log(JSON.stringify({ type: 'check', number: 1, name: 'one', ok: true, ms: 5 }));
console.log(JSON.stringify({ type: 'check', number: 2, name: 'two', ok: false, ms: 7, error: 'the answer', expected: '200', received: '502' }));
process.exitCode = 1;
`,
);

async function start(
  engine: FakeEngine = fakeEngine([container('sl-https-0a0b0c', 'tls-proxy', {}), container('someone-elses', 'db', {})]),
) {
  const lab = createLab({
    ...labOptions(
      engine,
      TOKEN,
      createLogger('lab', 'error', () => undefined),
    ),
    checkCommand: [process.execPath, verb],
  });
  await listenLab(lab, 0);
  return Object.assign(lab, { engine });
}

const send = (lab: Lab, path: string, body: unknown, token = TOKEN) =>
  fetch(`http://127.0.0.1:${lab.port}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const messages = async (res: Response) =>
  (await res.text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('a run of checks streams the verb’s text and each result as it ends, then its exit code; the verb gets the project, --json, and no --all', async () => {
  const lab = await start();
  try {
    const res = await send(lab, '/api/checks', { project: 'sl-https-0a0b0c' });
    assert.is(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    const m = await messages(res);
    assert.equal(m[0], { type: 'hello', project: 'sl-https-0a0b0c', stack: 'https', confirm: false });
    assert.equal(
      m.filter((x) => x.type === 'line').map((x) => x.text),
      ['▶ fake: https check --project sl-https-0a0b0c --json'],
    );
    assert.equal(
      m.filter((x) => x.type === 'check'),
      [
        { type: 'check', number: 1, name: 'one', ok: true, ms: 5 },
        { type: 'check', number: 2, name: 'two', ok: false, ms: 7, error: 'the answer', expected: '200', received: '502' },
      ],
    );
    assert.equal(m.at(-1), { type: 'end', code: 1 });
  } finally {
    await lab.close();
  }
});

test('a stack runner that cannot start ends its run with its reason and frees the lab for the next', async () => {
  const lab = createLab({
    ...labOptions(
      fakeEngine([container('sl-https-0a0b0c', 'tls-proxy', {})]),
      TOKEN,
      createLogger('lab', 'error', () => undefined),
    ),
    checkCommand: [join(dir, 'no-such-runner')],
  });
  await listenLab(lab, 0);
  try {
    for (let i = 0; i < 2; i++) {
      const m = await messages(await send(lab, '/api/checks', { project: 'sl-https-0a0b0c' }));
      assert.match(String(m.at(-2)?.text), /^the stack runner could not start: spawn .*no-such-runner ENOENT$/);
      assert.equal(m.at(-1), { type: 'end', code: null });
    }
  } finally {
    await lab.close();
  }
});

test('checks that stop or start things run only when the request confirms it: confirm true is --all, and --only passes through', async () => {
  const lab = await start();
  try {
    const m = await messages(await send(lab, '/api/checks', { project: 'sl-https-0a0b0c', only: '1,8', confirm: true }));
    assert.equal(
      m.filter((x) => x.type === 'line').map((x) => x.text),
      ['▶ fake: https check --project sl-https-0a0b0c --json --only 1,8 --all'],
    );
  } finally {
    await lab.close();
  }
});

test('checks are refused for a project that is not ours (403), one of ours with nothing up (403), bad input (400) and a wrong token (403); nothing runs', async () => {
  const lab = await start();
  try {
    const answers = await Promise.all([
      send(lab, '/api/checks', { project: 'someone-elses' }),
      send(lab, '/api/checks', { project: 'sl-https-ffffff' }),
      send(lab, '/api/checks', { project: '../sl-https-0a0b0c' }),
      send(lab, '/api/checks', { project: 'sl-https-0a0b0c', only: '1;rm' }),
      send(lab, '/api/checks', { project: 'sl-https-0a0b0c', confirm: 'yes' }),
      send(lab, '/api/checks', { project: 'sl-https-0a0b0c' }, 'c'.repeat(64)),
    ]);
    assert.equal(
      answers.map((a) => a.status),
      [400, 403, 400, 400, 400, 403],
    );
    const texts = await Promise.all(answers.map((a) => a.text()));
    assert.ok(
      texts.every((t) => !t.includes('fake:')),
      'the verb never ran',
    );
  } finally {
    await lab.close();
  }
});

test('one run of checks at a time: a second while the first runs gets 409, and runs once the first has ended', async () => {
  const lab = await start();
  try {
    const first = send(lab, '/api/checks', { project: 'sl-https-0a0b0c', only: '9' });
    const res = await first;
    assert.is(res.status, 200);
    const second = await send(lab, '/api/checks', { project: 'sl-https-0a0b0c' });
    assert.equal([second.status, (await second.text()).trim()], [409, 'busy: the checks of sl-https-0a0b0c (one stack verb at a time)']);
    const up = await send(lab, '/api/up', { stack: 'https' });
    assert.is(up.status, 409, 'nor an up meanwhile');
    writeFileSync(gate, '');
    assert.equal((await messages(res)).at(-1), { type: 'end', code: 1 });
    assert.is((await send(lab, '/api/checks', { project: 'sl-https-0a0b0c' })).status, 200);
  } finally {
    rmSync(gate, { force: true });
    await lab.close();
  }
});

test('a lesson’s stack brought up streams the runner’s up --json (its endpoints as a result), and a run taken down is down --project; other stacks and projects are refused', async () => {
  const lab = await start();
  try {
    const up = await messages(await send(lab, '/api/up', { stack: 'https' }));
    assert.equal(up, [
      { type: 'hello', stack: 'https' },
      { type: 'line', text: '▶ fake: https up --json' },
      { type: 'result', value: { project: 'sl-https-123456', urls: { https: 'https://127.0.0.1:1' } } },
      { type: 'end', code: 0 },
    ]);
    const down = await messages(await send(lab, '/api/down', { project: 'sl-https-123456' }));
    assert.equal(
      down.filter((m) => m.type === 'line').map((m) => m.text),
      ['▶ fake: https down --project sl-https-123456'],
    );
    const refused = await Promise.all([
      send(lab, '/api/up', { stack: '../https' }),
      send(lab, '/api/up', { stack: 'nosuch' }),
      send(lab, '/api/down', { project: 'someone-elses' }),
      send(lab, '/api/down', { project: 'sl-https-123456' }, 'c'.repeat(64)),
    ]);
    assert.equal(
      refused.map((a) => a.status),
      [400, 400, 400, 403],
    );
  } finally {
    await lab.close();
  }
});

test('the chaos steps act on our container (a kill, a restart, a stop, a start) and each is marked on the timeline as a lab action; a foreign container gets 403 and nothing', async () => {
  const lab = await start();
  try {
    const name = 'sl-https-0a0b0c-tls-proxy-1';
    const id = lab.engine.containers[0]!.Id;
    const answers = [];
    for (const action of ['kill', 'restart', 'stop', 'start']) answers.push(await send(lab, '/api/chaos', { container: name, action }));
    assert.equal(await Promise.all(answers.map(async (a) => [a.status, await a.json()])), [
      [202, { container: name, action: 'kill', detail: 'kill SIGKILL (engine)' }],
      [202, { container: name, action: 'restart', detail: 'restart' }],
      [202, { container: name, action: 'stop', detail: 'stop' }],
      [202, { container: name, action: 'start', detail: 'start' }],
    ]);
    assert.equal(lab.engine.killed, [{ id, signal: 'SIGKILL' }]);
    assert.equal(
      lab.engine.acted,
      ['restart', 'stop', 'start'].map((action) => ({ id, action })),
    );
    const refused = await Promise.all([
      send(lab, '/api/chaos', { container: 'someone-elses-db-1', action: 'stop' }),
      send(lab, '/api/chaos', { container: 'no-such-container', action: 'restart' }),
      send(lab, '/api/chaos', { container: name, action: 'rm' }),
    ]);
    assert.equal(
      refused.map((a) => a.status),
      [403, 403, 400],
    );
    assert.is(lab.engine.acted.length, 3, 'nothing more was asked of the engine');
    const events = (
      (await (await fetch(`http://127.0.0.1:${lab.port}/api/timeline`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
        events: LabEvent[];
      }
    ).events;
    assert.equal(
      events.map((e) => [e.action, e.project, e.service, e.container, e.detail]),
      ['kill SIGKILL (engine)', 'restart', 'stop', 'start'].map((d) => ['lab', 'sl-https-0a0b0c', 'tls-proxy', name, d]),
    );
  } finally {
    await lab.close();
  }
});

test('a kill through /api/kill is marked on the timeline too, and a viewer of the live stream gets the mark as an event', async () => {
  const lab = await start();
  const got: string[] = [];
  const viewer = new AbortController();
  try {
    const res = await fetch(`http://127.0.0.1:${lab.port}/api/events`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: viewer.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: '', done: true }));
        if (done) return;
        got.push(value);
      }
    })();
    await until('the viewer is subscribed', () => lab.hub.clients === 1, 5000);
    const kill = await send(lab, '/api/kill', { container: 'sl-https-0a0b0c-tls-proxy-1', signal: 'SIGTERM' });
    assert.is(kill.status, 202);
    await until('the mark reaches the viewer', () => got.join('').includes('"action":"lab"'), 5000);
    const mark = got
      .join('')
      .split('\n')
      .filter((l) => l.includes('"action":"lab"'))
      .map((l) => JSON.parse(l) as { event: LabEvent });
    assert.equal(
      mark.map((x) => x.event.detail),
      ['kill SIGTERM (engine)'],
    );
  } finally {
    viewer.abort();
    await lab.close();
  }
});

test('a kill the engine sent, from /api/kill or the chaos steps, is followed by the start the restart policy would make, marked after the kill', async () => {
  const c = container('sl-https-0a0b0c', 'tls-proxy', {});
  c.HostConfig.RestartPolicy = { Name: 'unless-stopped', MaximumRetryCount: 0 };
  c.State.ExitCode = 137;
  const lab = await start(fakeEngine([c]));
  const name = 'sl-https-0a0b0c-tls-proxy-1';
  const starts = () => lab.engine.acted.filter((a) => a.action === 'start').length;
  try {
    assert.is((await send(lab, '/api/kill', { container: name })).status, 202);
    await until('the lab starts the container the engine killed', () => starts() === 1, 5000);
    assert.is((await send(lab, '/api/chaos', { container: name, action: 'kill' })).status, 202);
    await until('and again after the chaos kill', () => starts() === 2, 5000);
    assert.equal(lab.engine.acted, [
      { id: c.Id, action: 'start' },
      { id: c.Id, action: 'start' },
    ]);
    const events = (
      (await (await fetch(`http://127.0.0.1:${lab.port}/api/timeline`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
        events: LabEvent[];
      }
    ).events;
    const pair = ['kill SIGKILL (engine)', 'start, as its restart policy unless-stopped would after a crash (exit 137)'];
    assert.equal(
      events.map((e) => e.detail?.replace(/:.*/, '')),
      [...pair, ...pair],
    );
  } finally {
    await lab.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
