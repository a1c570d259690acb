// The lab's actions inside every stack's scenario run, through the API the page calls (the Chromium tests drive
// the page itself, on https): the lab runs one of this run's checks, and the run is still up, every container the
// same, after it; then it restarts one helper of the run, as a lesson's chaos step, the timeline marks the action,
// and the helper comes back running (and healthy, where it has a health check). The check the lab runs is the
// lab's own picture check: it reads and changes nothing, so it passes again at the end of any run, where a
// lesson's first check may not (its traffic and counters have moved on).
import { $ } from 'zx';
import { type Check, CheckFailure, eventually, expect, note } from '../check.js';
import type { StackContext } from '../stack-types.js';
import type { LabEvent } from './hub.js';
import { spawnLab } from './spawn.js';
import type { LabContainer, StacksAnswer } from './stacks.js';

/** How long one call to the lab, or the helper's return, may take. */
const DEADLINE_MS = 90_000;
/** Roles that are no helper (identify's patterns). */
const NOT_HELPERS = new Set(['app', 'pause', 'standalone']);

const runningIds = async (project: string) =>
  (await $`docker ps --filter ${`label=com.docker.compose.project=${project}`} --format ${'{{.ID}}'}`.quiet()).stdout
    .split('\n')
    .filter(Boolean)
    .sort();

export const labActions = (pictureCheck: number): Check<StackContext> => ({
  name: `lab: from the lab's API, check ${pictureCheck} of the run passes and every container stays up; a helper restarted as a chaos step is marked on the timeline and comes back`,
  effect: 'destroys',
  weight: 'heavy',
  async run(ctx) {
    const project = ctx.project.name;
    const lab = await spawnLab();
    try {
      const call = (path: string, body?: object) =>
        fetch(`http://127.0.0.1:${lab.port}${path}`, {
          method: body ? 'POST' : 'GET',
          headers: { authorization: `Bearer ${lab.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body && JSON.stringify(body),
          signal: AbortSignal.timeout(DEADLINE_MS),
        });
      const before = await runningIds(project);
      const ran = await call('/api/checks', { project, only: String(pictureCheck) });
      const text = await ran.text();
      expect.equal(ran.status, 200, `the lab's answer to running check ${pictureCheck} of ${project} (${text.split('\n')[0]})`);
      const said = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; number?: number; ok?: boolean; code?: number; error?: string });
      const result = said.find((m) => m.type === 'check');
      expect.equal(
        { number: result?.number, ok: result?.ok, exit: said.find((m) => m.type === 'end')?.code },
        { number: pictureCheck, ok: true, exit: 0 },
        `check ${pictureCheck} run from the lab: its result and the runner's exit code${result?.error ? ` (${result.error})` : ''}`,
      );
      expect.equal(await runningIds(project), before, 'the running containers of the run, after the checks from the lab');

      const picture = (await (await call('/api/stacks?fresh=1')).json()) as StacksAnswer;
      const members = (picture.stacks.find((s) => s.project === project)?.pods ?? []).flatMap((p) =>
        p.owner ? p.containers.slice(1) : [],
      );
      const helper = members.find((c): c is LabContainer => c.state === 'running' && c.role !== null && !NOT_HELPERS.has(c.role));
      if (!helper)
        throw new CheckFailure(
          'a running helper in a pod of the run, in the lab’s picture',
          'one',
          members.map((c) => `${c.service} (${c.role}, ${c.state})`),
        );
      const acted = await call('/api/chaos', { container: helper.name, action: 'restart' });
      expect.equal(acted.status, 202, `the lab's answer to restarting ${helper.service} (${await acted.text()})`);
      const back = helper.health === null ? 'start' : 'health_status';
      const events = await eventually(
        async () => {
          const { events: all } = (await (await call('/api/timeline')).json()) as { events: LabEvent[] };
          // The mark carries the time the action began; the engine's events of the restart may reach the timeline
          // before it, so they are told apart by time, not by order.
          const of = all.filter((e) => e.container === helper.name);
          const mark = of.find((e) => e.action === 'lab' && e.detail === 'restart');
          const after = of.filter((e) => mark && e !== mark && e.time >= mark.time).sort((a, b) => a.time - b.time);
          const came = after.find((e) => e.action === back && (back === 'start' || e.detail === 'healthy'));
          if (!mark || !came)
            throw new CheckFailure(`${helper.service}'s events on the lab's timeline`, `a lab restart, then ${back}`, of.slice(-8));
          return [mark, ...after];
        },
        { within: DEADLINE_MS, every: 500 },
      );
      note(`${helper.service} (${helper.role}): ${events.map((e) => `${e.action}${e.detail ? ` ${e.detail}` : ''}`).join(', ')}`);
    } finally {
      await lab.stop();
    }
  },
});
