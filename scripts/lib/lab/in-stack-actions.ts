// The lab's actions inside every stack's scenario run: a lab serving this run's project, driven through its HTTP
// API with its token as the page drives it. POST /api/checks runs one of the stack's checks that only reads (the
// check verb, a child process) and streams its result, which passes, and leaves the same containers; POST
// /api/chaos takes a chaos step the lessons take on this stack (a sidecar killed as a crash, or the logs
// receiver stopped and started again), and GET /api/timeline shows its ☛ mark, the die and the recovery. So the
// checks and chaos of the page are known to work on every stack, in CI, without a browser.
import { request } from 'node:http';
import { $ } from 'zx';
import { createLogger } from '../../../sidecars/lib/log.js';
import { CheckFailure, type Check, eventually, expect, note, Skipped } from '../check.js';
import type { StackContext } from '../stack-types.js';
import { socketEngine } from './engine.js';
import { newToken } from './guard.js';
import type { LabEvent } from './hub.js';
import { loadPage } from './page.js';
import { describe, markOf } from './page/lines.js';
import { chaosSteps } from './page/steps.js';
import { chaosPlan, expectedEvents, inOrder, messages, readingCheck, wantText } from './proof.js';
import { rolesFromIdentify } from './roles.js';
import { createLab, type Lab, listenLab } from './server.js';
import type { StacksAnswer } from './stacks.js';

/** One request to the lab with its token; the answer's status and text (a stream: to its end). */
function ask(lab: Lab, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: lab.port,
        method,
        path,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        timeout: 300_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the lab did not answer ${method} ${path} within 300 s`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const asJson = <T>(a: { status: number; text: string }, what: string): T => {
  expect.equal(a.status, 200, `the lab's answer to ${what}`);
  return JSON.parse(a.text) as T;
};

/** Every container of the project (stopped ones too), by full ID, with its state. */
const containersOf = async (project: string) =>
  (
    await $`docker ps -a --no-trunc --filter ${`label=com.docker.compose.project=${project}`} --format ${'{{.ID}} {{.Names}} {{.State}}'}`.quiet()
  ).stdout
    .split('\n')
    .filter(Boolean)
    .sort();

export const labActions = (checks: Pick<Check<unknown>, 'effect' | 'needs'>[]): Check<StackContext> => ({
  name: 'lab: through its API and token, a check of this stack run from the page passes and leaves the same containers; a lesson’s chaos step shows on the timeline with its ☛ mark, the die and the recovery',
  effect: 'destroys',
  async run(ctx) {
    if (process.getuid?.() !== 0) throw new Skipped('a chaos kill as a crash comes signals a host PID, which needs root');
    const project = ctx.project.name;
    const n = readingCheck(checks);
    if (n === undefined) throw new Skipped('the stack has no check that only reads the run');
    const token = newToken();
    const lab = createLab({
      engine: socketEngine(),
      ours: (p) => p === project,
      roles: rolesFromIdentify(),
      page: loadPage(),
      token,
      killPid: (pid, signal) => process.kill(pid, signal),
      log: createLogger('lab', 'warn', (l) => process.stderr.write(l)),
    });
    await listenLab(lab, 0);
    try {
      const timeline = async () =>
        asJson<{ engine: string; events: LabEvent[] }>(await ask(lab, token, 'GET', '/api/timeline'), 'GET /api/timeline');
      await eventually(async () => expect.equal((await timeline()).engine, 'up', 'the lab’s engine stream'), { within: 10_000 });

      const before = await containersOf(project);
      const t0 = Date.now();
      const answer = await ask(lab, token, 'POST', '/api/checks', { project, only: String(n) });
      const streamed = messages(answer.text);
      expect.equal(answer.status, 200, 'the status of POST /api/checks');
      const result = streamed.find((m) => m.type === 'check');
      expect.equal(
        streamed.filter((m) => m.type !== 'line').map((m) => [m.type, m.number ?? null, m.ok ?? null, m.skipped ?? null, m.code ?? null]),
        [
          ['hello', null, null, null, null],
          ['check', n, true, null, null],
          ['end', null, null, null, 0],
        ],
        `what POST /api/checks streamed for check ${n} (hello, its result, the end)`,
      );
      expect.equal(await containersOf(project), before, 'the run’s containers (full ID, name, state) after the check');
      note(
        `check ${n} from the page: ✔ ${String(result?.name).slice(0, 70)}… (${result?.ms} ms; ${Date.now() - t0} ms with the verb’s start)`,
      );

      const stacks = asJson<StacksAnswer>(await ask(lab, token, 'GET', '/api/stacks'), 'GET /api/stacks');
      const stack = stacks.stacks.find((s) => s.project === project);
      const plan = stack ? chaosPlan(chaosSteps(stack)) : [];
      if (!stack || !plan.length)
        throw new CheckFailure(
          'the chaos steps the Actions view offers on this run',
          'a sidecar to kill, an app to restart or a receiver to stop',
          stack ?? stacks,
        );
      const target = stack.pods.flatMap((p) => p.containers).find((c) => c.name === plan[0]!.container)!;
      const wanted = expectedEvents(plan, target.health !== null);
      const from = Date.now();
      for (const step of plan) {
        const done = await ask(lab, token, 'POST', '/api/chaos', { container: step.container, action: step.action });
        expect.equal(done.status, 202, `the status of POST /api/chaos ${step.action} ${step.service} (${done.text.trim()})`);
      }
      const shown = await eventually(
        async () => {
          const got = inOrder((await timeline()).events, target.name, from, wanted);
          if (got.missing)
            throw new CheckFailure(
              `${target.service} on the lab's timeline after: ${plan.map((s) => s.label).join(', then ')}`,
              wanted.map(wantText),
              got.found.map((e) => describe(e, from)),
            );
          return got.found;
        },
        { within: 60_000, every: 250 },
      );
      expect.equal(markOf(shown[0]!).glyph, '☛', 'the glyph of the lab’s mark on the timeline');
      note(
        `${plan.map((s) => s.label).join(', then ')}: ${shown.map((e) => `${markOf(e).glyph} ${e.action}${e.detail ? ` ${e.detail}` : ''}`).join(' → ')} in ${Math.round(shown.at(-1)!.time - from)} ms`,
      );
    } finally {
      await lab.close();
    }
  },
});
