// The marks of the checks (check.ts: effect, needs) against what each check's source does: a check that
// calls a destructive operation is marked `destroys`, one that starts containers or projects beyond the run's
// pods is marked (`starts`, or `destroys` when it does both), one that reads the event timeline from before
// `up` needs `start`; and a mark with none of these in the source is a mark too many. The source of a check is
// its run function as built, plus every declaration of its folder that it names, followed transitively.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Check } from '../../scripts/lib/check.js';
import { ROOT } from '../../scripts/lib/config.js';
import { labPicture } from '../../scripts/lib/lab/in-stack.js';
import { labActions } from '../../scripts/lib/lab/in-stack-actions.js';
import { loadScenario, stackNames } from '../../scripts/lib/scenarios.js';
import { checksOfRun } from '../../scripts/lib/stack-check.js';
import { appStopsFirst } from '../../scripts/lib/verify/checks-down.js';
import { onlyPublishedPorts } from '../../scripts/lib/verify/checks-net.js';
import { healthyFirst, sharedNamespaces, sidecarCrash } from '../../scripts/lib/verify/checks-pod.js';
import { code, read } from './sources.js';

const marks = suite('check marks');

/** Operations that destroy: the run does not come back from them as it was. */
const DESTROYS: [RegExp, string][] = [
  [/docker\s+(restart|stop|kill|pause)\b/, 'docker restart|stop|kill|pause'],
  [/\b(crashSidecar|crashAndRecover|withStopped|rotateByRename|copyTruncate)\b/, 'a chaos step (scripts/lib/chaos.ts)'],
  [/\bctx\.project\.(down|stop|restart|kill|remove)\(/, 'a down, stop, restart, kill or remove of the run’s project'],
  [/\bprocess\.kill\(/, 'process.kill'],
  [/\bkill\s+-/, 'kill -SIGNAL in a container'],
  [/chaos-(kill|restart|stop)-/, 'a chaos button of the lab’s page'],
];
/** Operations that start containers or projects beyond the run's pods. A `docker rm` removes what the check
 * started (a run's own container would be stopped first, which DESTROYS catches). */
const STARTS: [RegExp, string][] = [
  [/\bsideProject\(/, 'a side project (ctx.sideProject)'],
  [/\.up\(/, 'a Compose up (a profile, a scaled or restored project)'],
  [/docker\s+(run|create)\b[^`]*\s(-d|--detach)\b/, 'a detached docker run'],
  [/docker\s+start\b/, 'docker start'],
  [/runOnce\(\[\s*'-d'/, 'a detached runOnce'],
  [/docker\s+rm\b/, 'docker rm of a container it started'],
  [/\.probe\(|\bstartProbe\(/, 'verify’s probe container'],
];
/** Reading every event the recorder has, not only those after the check's own action: the run's start. */
const NEEDS_START: [RegExp, string][] = [[/events\(\)(?!\s*\.filter\(\s*\(\w+\)\s*=>\s*\w+\.time\s*>=)/, 'the events from before up']];

/** Top-level declarations of the .ts files of these folders: name → source text (comments removed). */
function declarations(dirs: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const dir of dirs)
    for (const f of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const text = code(read(join(dir, f)));
      // A line of code inside a template literal (a script run in a container) declares nothing here.
      const inTemplate = [...text.matchAll(/`(?:\\.|[^`\\])*`/g)].map((m) => [m.index, m.index + m[0].length]);
      const starts = [...text.matchAll(/^(?:export )?(?:async )?(?:function\*? |const |let |class )(\w+)/gm)].filter(
        (m) => !inTemplate.some(([a, b]) => m.index > a! && m.index < b!),
      );
      starts.forEach((m, i) => {
        const chunk = text.slice(m.index, starts[i + 1]?.index ?? text.length);
        map.set(m[1]!, (map.get(m[1]!) ?? '') + chunk);
      });
    }
  return map;
}

/** The names a piece of code uses: not words in strings (a template literal's \${…} parts count), not properties. */
const namesIn = (text: string) =>
  text
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g, "''")
    .replace(/`(?:\\.|[^`\\])*`/g, (t) => (t.match(/\$\{[^}]*\}/g) ?? []).join(' '))
    .matchAll(/(?<![.\w$])[A-Za-z_$][\w$]*/g);

/** A check's run function as built (without its own name), with every declaration it names, transitively. */
function sourceOf(c: Check<unknown>, decls: Map<string, string>): string {
  const seen = new Set<string>();
  const parts = [code(c.run.toString()).replace(/^(async\s+)?run\s*\(/, '(')];
  for (let i = 0; i < parts.length; i++)
    for (const [id] of namesIn(parts[i]!))
      if (decls.has(id) && !seen.has(id)) {
        seen.add(id);
        parts.push(decls.get(id)!);
      }
  return parts.join('\n');
}

const hits = (text: string, patterns: [RegExp, string][]) => patterns.filter(([re]) => re.test(text)).map(([, what]) => what);

/** What is wrong with a check's marks, given its source (an empty list: nothing). */
function markProblems(c: Check<unknown>, decls: Map<string, string>): string[] {
  const text = sourceOf(c, decls);
  const [d, s, n] = [hits(text, DESTROYS), hits(text, STARTS), hits(text, NEEDS_START)];
  const out: string[] = [];
  if (d.length && c.effect !== 'destroys') out.push(`it calls ${d.join(', ')}, but is not marked effect: 'destroys'`);
  else if (s.length && !c.effect) out.push(`it calls ${s.join(', ')}, but is not marked effect: 'starts'`);
  if (c.effect === 'destroys' && !d.length) out.push(`it is marked effect: 'destroys', but calls nothing that destroys`);
  if (c.effect === 'starts' && !s.length) out.push(`it is marked effect: 'starts', but starts nothing`);
  if (n.length && c.needs !== 'start') out.push(`it reads ${n.join(', ')}, but is not marked needs: 'start'`);
  if (c.needs === 'start' && !n.length) out.push(`it is marked needs: 'start', but reads no event from before up`);
  return out;
}

const STACK_DECLS = (stack: string) => declarations([join('stacks', stack)]);
const VERIFY: Check<unknown>[] = [
  sharedNamespaces,
  healthyFirst,
  sidecarCrash,
  onlyPublishedPorts,
  appStopsFirst(false),
] as Check<unknown>[];

marks('every check of every stack carries the marks its source calls for', async () => {
  const problems: string[] = [];
  let scanned = 0,
    marked = 0;
  for (const stack of stackNames()) {
    const decls = STACK_DECLS(stack);
    for (const [i, c] of (await loadScenario(stack)).checks.entries()) {
      scanned++;
      if (c.effect || c.needs) marked++;
      for (const p of markProblems(c as Check<unknown>, decls)) problems.push(`${stack} check ${i + 1} (${c.name.slice(0, 60)}…): ${p}`);
    }
  }
  assert.equal(problems, [], `\n  ${problems.join('\n  ')}\n`);
  assert.ok(scanned >= 60, `only ${scanned} checks scanned`);
  assert.ok(marked >= 20 && marked < scanned / 2, `${marked} of ${scanned} checks marked`);
});

marks('verify’s checks and the lab’s carry the marks their source calls for, and each stack run keeps them', async () => {
  const decls = declarations(['scripts/lib/verify']);
  const problems = VERIFY.flatMap((c) => markProblems(c, decls).map((p) => `verify: ${c.name}: ${p}`));
  for (const lab of [labPicture, labActions(1)])
    problems.push(...markProblems(lab as Check<unknown>, declarations(['scripts/lib/lab'])).map((p) => `lab: ${p}`));
  assert.equal(problems, [], `\n  ${problems.join('\n  ')}\n`);
  const all = checksOfRun(await loadScenario('https'));
  const actions = all[all.length - VERIFY.length - 1]!;
  assert.equal([actions.effect, actions.weight], ['destroys', 'heavy'], "the lab's actions, before verify's: they kill a sidecar");
  const run = all.slice(-VERIFY.length);
  assert.equal(
    run.map((c) => [c.effect, c.needs]),
    VERIFY.map((c) => [c.effect, c.needs]),
  );
  assert.equal(
    VERIFY.map((c) => c.effect ?? c.needs ?? '-'),
    ['-', 'start', 'destroys', 'starts', 'destroys'],
  );
});

const fake = (run: Check<unknown>['run'], mark: Partial<Check<unknown>> = {}): Check<unknown> => ({ name: 'fake', ...mark, run });
const NO_DECLS = new Map<string, string>();

marks('an unmarked check that restarts a container, starts a side project or reads the start is caught; a reading one is not', () => {
  const restart = fake(async (ctx) => {
    const { $ } = await import('zx');
    await $`docker restart -t 2 ${String(ctx)}`;
  });
  assert.equal(markProblems(restart, NO_DECLS), ["it calls docker restart|stop|kill|pause, but is not marked effect: 'destroys'"]);
  assert.equal(
    markProblems({ ...restart, effect: 'starts' }, NO_DECLS),
    ["it calls docker restart|stop|kill|pause, but is not marked effect: 'destroys'", "it is marked effect: 'starts', but starts nothing"],
    'a restart marked only starts',
  );
  assert.equal(markProblems({ ...restart, effect: 'destroys' }, NO_DECLS), []);
  const side = fake(async (ctx) => {
    await (ctx as { sideProject(f: string, l: string): Promise<unknown> }).sideProject('compose.naive.yaml', 'naive');
  });
  assert.equal(markProblems(side, NO_DECLS), ["it calls a side project (ctx.sideProject), but is not marked effect: 'starts'"]);
  const start = fake(async (ctx) => {
    (ctx as { events(): unknown[] }).events();
  });
  assert.equal(markProblems(start, NO_DECLS), ["it reads the events from before up, but is not marked needs: 'start'"]);
  const after = fake(async (ctx) => {
    const t0 = Date.now();
    (ctx as { events(): { time: number }[] }).events().filter((e) => e.time >= t0);
  });
  assert.equal(markProblems(after, NO_DECLS), [], 'events after the check’s own action need no start');
  const reading = fake(async () => {
    await fetch('http://127.0.0.1:9/healthz').catch(() => undefined);
  });
  assert.equal(markProblems(reading, NO_DECLS), []);
  assert.equal(markProblems({ ...reading, effect: 'destroys' }, NO_DECLS), [
    "it is marked effect: 'destroys', but calls nothing that destroys",
  ]);
});

marks('a destructive call inside a helper of the check’s folder is followed and caught', () => {
  const decls = new Map([
    ['bounce', 'async function bounce(id) {\n  await $`docker stop -t 1 ${id}`;\n}\n'],
    ['viaBounce', 'const viaBounce = (id) => bounce(id);\n'],
  ]);
  const viaHelper = fake(async (ctx) => {
    const viaBounce = (id: unknown) => id;
    await viaBounce(ctx);
  });
  assert.equal(markProblems(viaHelper, decls), ["it calls docker restart|stop|kill|pause, but is not marked effect: 'destroys'"]);
});

marks.run();
