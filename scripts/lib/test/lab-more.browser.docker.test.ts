// The lab in a real browser, with the https stack up as a run of its own: what it refuses, and a recorded
// run reopened after its stack is gone and replayed (its screenshot: artifacts/lab/recorded-run.png).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { until } from '../../../sidecars/lib/test-support/wait.js';
import { RECORDING_VERSION, type RecordedEvent, type Recording, saveRecording } from '../recordings.js';
import { bearer, call, inspect, name, screenshotPath, stackInLabSuite, tab } from './lab-browser-support.js';

const test = stackInLabSuite('lab: in Chromium, refusals and recorded runs', 'https');
const WAIT = { timeout: 15_000 };

test('no token, a wrong token, a foreign Host and a kill of a container outside our projects all get 403; that container lives on', async (ctx) => {
  // A container of a project that is not ours, from the pause image the stack runs: no pull, nothing built.
  const image = await inspect(name(ctx, 'pod'), '{{.Config.Image}}');
  const id = (
    await $`docker run --pull never --detach --rm --label com.docker.compose.project=someone-elses-shop ${image}`.quiet()
  ).stdout.trim();
  try {
    const answers = await Promise.all([
      call(ctx, { path: '/api/stacks' }),
      call(ctx, { path: '/api/stacks', headers: { authorization: `Bearer ${'0'.repeat(64)}` } }),
      call(ctx, { path: '/api/stacks', headers: { ...bearer(ctx), host: `rebind.example:${ctx.lab.port}` } }),
      call(ctx, {
        path: '/api/kill',
        method: 'POST',
        headers: { ...bearer(ctx), 'content-type': 'application/json' },
        body: JSON.stringify({ container: id, signal: 'SIGKILL' }),
      }),
    ]);
    assert.equal(
      answers.map((a) => a.status),
      [403, 403, 403, 403],
    );
    for (const a of answers) assert.not.ok(a.text.includes(ctx.lab.token), 'no answer holds the token');
    assert.is(await inspect(id, '{{.State.Running}}'), 'true');
    assert.not.ok(ctx.lab.stderr().includes(ctx.lab.token), 'no log line holds the token');
  } finally {
    await $`docker rm -f ${id}`.quiet().nothrow();
  }
});

test('a recorded run reopens after its stack is gone: its events, its checks with EXPECTED and RECEIVED, and a replay in time order', async (ctx) => {
  const { page } = ctx.browser;
  // A run of this stack whose project is gone: events this run's containers really had (a crash of tls-proxy
  // and its restart, seen by the lab since it started), and two checks.
  const kill = await call(ctx, {
    path: '/api/kill',
    method: 'POST',
    headers: { ...bearer(ctx), 'content-type': 'application/json' },
    body: JSON.stringify({ container: name(ctx, 'tls-proxy') }),
  });
  assert.is(kill.status, 202);
  const ours = async () =>
    (
      JSON.parse((await call(ctx, { path: '/api/timeline', headers: bearer(ctx) })).text) as {
        events: (RecordedEvent & { project: string })[];
      }
    ).events.filter((e) => e.project === ctx.project);
  await until(
    'tls-proxy healthy again on the timeline',
    async () => (await ours()).some((e) => e.action === 'health_status' && e.detail === 'healthy'),
    30_000,
  );
  const events = await ours();
  const gone = `sl-https-${randomBytes(3).toString('hex')}`;
  const rec: Recording = {
    version: RECORDING_VERSION,
    stack: 'https',
    project: gone,
    started: new Date(events[0]!.time - 1000).toISOString(),
    ended: new Date().toISOString(),
    events: events.map(({ time, service, container, action, detail }) => ({
      time,
      service,
      container: container.replace(ctx.project, gone),
      action,
      detail,
    })),
    checks: [
      { name: '1. a check that passed', ok: true, ms: 5 },
      { name: '2. a check that failed', ok: false, ms: 7, expected: 'status 200', received: 'status 503', error: 'the status' },
    ],
  };
  const file = saveRecording(rec);
  try {
    await tab(ctx, 'Timeline');
    const picker = page.locator('[data-testid=runs-picker]');
    await picker.locator(`option[value="${gone}"]`).waitFor({ state: 'attached', ...WAIT });
    await picker.selectOption(gone);
    const rows = page.locator('[data-testid=recorded-run] [data-testid=event]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=recorded-run] [data-testid=event]').length === n,
      rec.events.length,
      WAIT,
    );
    assert.equal(await page.locator('[data-testid=check]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ok'))), [
      'true',
      'false',
    ]);
    assert.match(
      (await page.locator('[data-testid=check][data-ok=false]').textContent()) ?? '',
      /EXPECTED: status 200\s+RECEIVED: status 503/,
    );
    // Every count of events the replay shows, as the page draws it (a MutationObserver sees each redraw).
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { seen: number[] }).seen = seen;
      const run = document.querySelector('[data-testid=recorded-run]')!;
      new MutationObserver(() => seen.push(run.querySelectorAll('[data-testid=event]').length)).observe(run, {
        childList: true,
        subtree: true,
      });
    });
    await page.click('[data-testid=replay]');
    await page.locator('[data-testid=replay]', { hasText: /^Replay$/ }).waitFor({ timeout: 30_000 });
    assert.is(await rows.count(), rec.events.length);
    // It began with none, went up a step at a time and never back, and ended with all of them.
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    assert.ok(seen.includes(0) && seen.some((k) => k > 0 && k < rec.events.length), `counts drawn: ${seen.join(' ')}`);
    const steps = seen.slice(seen.indexOf(0));
    assert.ok(
      steps.every((k, i) => i === 0 || k >= steps[i - 1]!),
      `counts drawn: ${seen.join(' ')}`,
    );
    const shown = await rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-service')} ${e.getAttribute('data-action')}`));
    assert.equal(
      shown,
      [...rec.events].sort((a, b) => a.time - b.time).map((e) => `${e.service} ${e.action}`),
    );
    await page.screenshot({ path: screenshotPath('recorded-run'), fullPage: true });
    await picker.selectOption('');
  } finally {
    rmSync(file, { force: true });
  }
});

test.run();
