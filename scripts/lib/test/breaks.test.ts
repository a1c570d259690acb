// `test --break NAME` without Docker: choosing a break by name, the verdict on its check's result and the one line
// that reports it, the lesson text made from a declaration, and the CLI's one-line refusals (exit 2).
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { CheckFailure, type CheckResult } from '../check.js';
import { DIST } from '../config.js';
import { BadInput } from '../current-run.js';
import { breakItem, breakParagraph, itemNumber } from '../exercise/break-lesson.js';
import { breakNamed, breakVerdict, failureText } from '../exercise/breaks.js';
import type { Break } from '../exercise/types.js';
import { loadBreaks } from '../scenarios.js';

const test = suite('break-it exercises: selection, verdict, lesson text');

const lost: Break = { name: 'commit-on-read', check: 5, because: /lost: [1-9]/, env: { UNSAFE_COMMIT_ON_READ: 'true' } };
const other: Break = { name: 'no-copies', check: 3, override: 'services:\n  x:\n    environment:\n      A: b\n' };

const failed = (error: Error): CheckResult => ({ name: 'check', ok: false, ms: 10, error });

test('a break is chosen by its exact name', () => {
  assert.is(breakNamed('logs', 'no-copies', [lost, other]), other);
  assert.is(breakNamed('logs', 'commit-on-read', [lost, other]), lost);
});

test('an unknown name is refused in one line that lists the stack’s breaks; a stack without any says so', () => {
  for (const name of ['commit', 'Commit-On-Read', '', 'commit-on-read ']) {
    try {
      breakNamed('logs', name, [lost, other]);
      assert.unreachable(`--break "${name}" was accepted`);
    } catch (e) {
      assert.instance(e, BadInput);
      assert.is((e as Error).message, `--break ${name}: no such break in logs; its breaks are commit-on-read, no-copies`);
    }
  }
  try {
    breakNamed('topz', 'x', []);
    assert.unreachable('a break of a stack without breaks was accepted');
  } catch (e) {
    assert.instance(e, BadInput);
    assert.is((e as Error).message, '--break x: topz declares no break-it exercise (no stacks/topz/breaks.ts)');
  }
});

test('a check that failed as declared is the break working: one line with the check’s number and its RECEIVED', () => {
  const error = new CheckFailure('every line written while rsyslog was away is stored once', { lost: 0 }, { lost: 1200, duplicated: 0 });
  const v = breakVerdict(lost, failed(error), 'the receiver down');
  assert.equal(v, {
    ok: true,
    line: 'broke as expected: check 5 every line written while rsyslog was away is stored once: { lost: 1200, duplicated: 0 }',
  });
  assert.not.match(v.line, /\n/);
});

test('a check that still passes fails the break, and the line says why that is wrong', () => {
  const v = breakVerdict(lost, { name: 'check', ok: true, ms: 10 }, 'the receiver down');
  assert.is(v.ok, false);
  assert.match(v.line, /^✘ commit-on-read: check 5 \(the receiver down\) still passes with the break applied/);
});

test('a check that failed for another reason than the declared one, or was skipped, is not the break', () => {
  const timeout = breakVerdict(lost, failed(new Error('up --wait timed out after 120 s')), 'c');
  assert.is(timeout.ok, false);
  assert.match(timeout.line, /failed, but not as the break makes it fail \(\/lost: \[1-9\]\/\): up --wait timed out after 120 s$/);
  const skipped = breakVerdict(lost, { name: 'c', ok: true, ms: 0, skipped: 'needs --all' }, 'c');
  assert.is(skipped.ok, false);
  assert.match(skipped.line, /was skipped \(needs --all\)/);
  assert.is(breakVerdict(lost, undefined, 'c').ok, false);
  assert.ok(breakVerdict(other, failed(new Error('anything')), 'c').ok, 'without `because`, any failure of the check counts');
});

test('a multi-line failure is reported on one line, and a long one is cut', () => {
  const many = new CheckFailure('served', 'x', { rows: Array.from({ length: 80 }, (_, i) => ({ seq: i, source: 'file' })) });
  const text = failureText(many);
  assert.not.match(text, /\n/);
  assert.ok(text.length <= 240, `${text.length} characters`);
  assert.ok(text.endsWith('…'));
  assert.is(failureText(new Error('first\n   second')), 'first second');
});

test('the lesson names the check a break turns red, how it is applied, and shows an override as YAML', () => {
  const env = breakParagraph('logs', lost, 'the receiver down');
  assert.match(env, '`npm run stack:logs -- test --break commit-on-read` brings the stack up with `UNSAFE_COMMIT_ON_READ=true`');
  assert.match(env, 'runs check 5 alone (*the receiver down*) and expects it to turn red');
  assert.not.match(env, '```yaml');
  const override = breakParagraph('logs', other, 'copytruncate');
  assert.match(override, 'the Compose override below beside its compose.yaml');
  assert.match(override, /```yaml\nservices:\n {2}x:\n {4}environment:\n {6}A: b\n```$/);
});

test('a break’s item is numbered after the items before it in the Exercises section, with its text indented', () => {
  const readme =
    '## Run it\n\n1. not an exercise\n\n## Exercises\n\n1. **One.** x\n   2. nested, not counted\n2. **Two.** y\n<!-- BEGIN -->';
  assert.is(itemNumber(readme, readme.indexOf('<!-- BEGIN')), 3);
  assert.is(itemNumber('## Exercises\n\n<!-- BEGIN -->', 14), 1);
  const item = breakItem(
    'logs',
    { ...lost, lesson: { title: 'Break it.', text: 'Do this:\n\n```sh\nA=1 npm run stack:logs\n```' } },
    3,
    'c',
  );
  assert.match(item, /^3\. \*\*Break it\.\*\* Do this:\n\n {3}```sh\n {3}A=1 npm run stack:logs\n {3}```\n\n {3}\*\*Check it breaks:\*\* /);
});

const cli = (...args: string[]) => $({ quiet: true, nothrow: true })`node ${join(DIST, 'scripts', 'stack.js')} ${args}`;

test('the CLI refuses an unknown break, or --break outside test, with exit 2 and one line, before any Docker', async () => {
  const names = (await loadBreaks('logs')).map((b) => b.name).join(', ');
  const cases: [string[], RegExp | string][] = [
    [['logs', 'test', '--break', 'nope'], `--break nope: no such break in logs; its breaks are ${names}`],
    [['logs', '--break', 'nope'], `--break nope: no such break in logs; its breaks are ${names}`],
    [['topz', 'test', '--break', 'x'], '--break x: topz declares no break-it exercise (no stacks/topz/breaks.ts)'],
    [['nope', 'test', '--break', 'x'], /^unknown stack "nope": choose one of config, https, /],
    [['logs', 'up', '--break', 'commit-on-read'], '--break is an option of test, not of up'],
    [['logs', 'test', '--break', 'commit-on-read', '--keep'], /^--break runs one check on a run of its own: no --keep/],
    [['logs', 'test', '--break'], /^Option '--break <value>' argument missing \(see --help\)$/],
  ];
  const runs = await Promise.all(cases.map(([args]) => cli(...args)));
  for (const [i, [args, line]] of cases.entries()) {
    const r = runs[i]!;
    assert.equal({ code: r.exitCode, lines: r.stderr.trim().split('\n').length }, { code: 2, lines: 1 }, `${args.join(' ')}: ${r.stderr}`);
    if (typeof line === 'string') assert.is(r.stderr.trim(), line);
    else assert.match(r.stderr.trim(), line);
    assert.is(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
});

test.run();
