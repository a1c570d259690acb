// The workshop guide against its one source (scripts/lib/workshop.ts): docs/workshop.md's agenda and measurements
// and each lesson's Time are what it generates; the agenda, as the page shows it, adds up to 180 minutes with every
// part the guide promises; each lesson's Time, as its README shows it, is its minutes in that agenda; and no
// lesson is given fewer minutes than its reading, its exercises and its measured machine time.
import { relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { stackNames } from '../../scripts/lib/scenarios.js';
import {
  AGENDA,
  AGENDA_MINUTES,
  lessonMinutes,
  MEASURED,
  machineSeconds,
  WORKSHOP_MARKERS,
  workshopDocs,
} from '../../scripts/lib/workshop.js';
import { read } from './markdown.js';

const test = suite('workshop');

const between = (text: string, [begin, end]: readonly [string, string]) => text.slice(text.indexOf(begin), text.indexOf(end));

/** The agenda as docs/workshop.md shows it: each numbered row's part, lessons (their links' names) and minutes. */
function pageAgenda(): { part: string; lessons: string[]; minutes: number }[] {
  const table = between(read('docs/workshop.md'), WORKSHOP_MARKERS.agenda);
  return [...table.matchAll(/^\| (\d+) \| \*\*(.+?)\*\*.*? \| (.*?) \| .*? \| (\d+) \| [\d:]+ \|$/gm)].map((m) => ({
    part: m[2]!,
    lessons: [...m[3]!.matchAll(/\[(\w+)\]/g)].map((l) => l[1]!),
    minutes: Number(m[4]),
  }));
}

/** The lessons beyond the three hours, as the page lists them: name → minutes. */
const pageBeyond = () =>
  Object.fromEntries(
    [...between(read('docs/workshop.md'), WORKSHOP_MARKERS.agenda).matchAll(/^- \[(\w+)\]\(.*?\*\*(\d+) minutes\*\*\.$/gm)].map((m) => [
      m[1]!,
      Number(m[2]),
    ]),
  );

/** A lesson's Time, as its README shows it. */
const readmeMinutes = (stack: string) => Number(/^## Time\n[\s\S]*?\*\*(\d+) minutes\*\*/m.exec(read(`stacks/${stack}/README.md`))?.[1]);

test('docs/workshop.md and every lesson’s Time section are what scripts/lib/workshop.ts generates (npm run gen writes them)', async () => {
  const docs = await workshopDocs(stackNames());
  assert.is(docs.length, 1 + stackNames().length);
  for (const d of docs)
    assert.fixture(d.current, d.wanted, `${relative(ROOT, d.path)} drifted from scripts/lib/workshop.ts: run npm run gen`);
});

test('the agenda on the page adds up to 180 minutes, in the order the guide promises', () => {
  const rows = pageAgenda();
  assert.is(rows.length, AGENDA.length, 'every part of the agenda is a row of the page');
  assert.is(
    rows.reduce((s, r) => s + r.minutes, 0),
    180,
  );
  assert.is(
    AGENDA.reduce((s, p) => s + p.minutes, 0),
    AGENDA_MINUTES,
  );
  assert.equal(
    rows.map((r) => r.lessons.join(' or ') || r.part),
    ['Room check', 'https', 'patterns', 'Break', 'config or logs', 'mesh', 'Recap'],
  );
  assert.is(AGENDA.find((p) => p.lessons.includes('mesh'))?.mode, 'demo', 'the mesh is the leader’s demo');
});

test('each lesson’s Time in its README equals its minutes on the agenda page, or beyond it, and every lesson has some', () => {
  const onPage: Record<string, number> = { ...pageBeyond() };
  for (const r of pageAgenda()) for (const l of r.lessons) onPage[l] = r.minutes;
  assert.equal(Object.keys(onPage).sort(), stackNames(), 'every lesson is on the page once');
  for (const stack of stackNames()) {
    assert.is(readmeMinutes(stack), onPage[stack], `${stack}: its README's Time`);
    assert.is(lessonMinutes(stack), onPage[stack], `${stack}: its minutes in scripts/lib/workshop.ts`);
  }
});

test('no lesson is given fewer minutes than its reading, its exercises and the machine’s measured time', () => {
  assert.equal(Object.keys(MEASURED).sort(), stackNames(), 'every lesson is measured');
  for (const [stack, m] of Object.entries(MEASURED)) {
    for (const k of ['upS', 'checkS', 'downS'] as const) assert.ok(m[k] > 0, `${stack}: ${k} measured`);
    const needed = m.readingMin + m.handsOnMin + Math.ceil(machineSeconds(m) / 60);
    assert.ok(lessonMinutes(stack)! >= needed, `${stack}: ${lessonMinutes(stack)} minutes, needs ${needed}`);
  }
});

test.run();
