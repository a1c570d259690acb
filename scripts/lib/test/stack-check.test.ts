// The check verb's input and its choice of what runs, without Docker: --only parsing, the skip reasons of the
// marks, the numbering shared with a test run, and the CLI's one-line refusals (exit 2).
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { DIST } from '../config.js';
import { loadScenario } from '../scenarios.js';
import { BadInput } from '../current-run.js';
import { checksOfRun, parseOnly, skipReason } from '../stack-check.js';

const test = suite('stack check: input and marks');

test('--only takes comma-separated check numbers in range, each once, in the order given', () => {
  assert.equal(parseOnly('1,8', 15), [1, 8]);
  assert.equal(parseOnly('8,1,8', 15), [8, 1]);
  assert.equal(parseOnly('15', 15), [15]);
});

test('--only refuses ranges, blanks, zero and numbers past the last check, naming the valid range', () => {
  for (const bad of ['1-3', '', '1,', ' 1', 'x', '1,,2']) {
    try {
      parseOnly(bad, 15);
      assert.unreachable(`--only "${bad}" was accepted`);
    } catch (e) {
      assert.instance(e, BadInput);
      assert.match((e as Error).message, /^--only takes check numbers separated by commas/);
    }
  }
  for (const [bad, named] of [
    ['0', '0'],
    ['16', '16'],
    ['1,99,0', '99, 0'],
  ]) {
    try {
      parseOnly(bad!, 15);
      assert.unreachable(`--only ${bad} was accepted`);
    } catch (e) {
      assert.instance(e, BadInput);
      assert.is((e as Error).message, `no check ${named}: this stack's checks are numbered 1-15`);
    }
  }
});

test('a destroying or starting check is skipped without --all and runs with it; one that needs the start never runs', () => {
  assert.is(skipReason({}, false, 'https'), undefined);
  assert.match(skipReason({ effect: 'destroys' }, false, 'https') ?? '', /kills or restarts containers.*; add --all to run it$/);
  assert.match(skipReason({ effect: 'starts' }, false, 'https') ?? '', /starts containers beyond the run’s pods; add --all to run it$/);
  assert.is(skipReason({ effect: 'destroys' }, true, 'https'), undefined);
  assert.is(skipReason({ effect: 'starts' }, true, 'https'), undefined);
  for (const all of [false, true])
    assert.match(skipReason({ effect: 'destroys', needs: 'start' }, all, 'https') ?? '', /run’s start .*\(npm run stack:https\)$/);
});

test('the check list is the scenario’s, then the lab’s picture and actions, then verify’s, as a test run numbers them; https has 16, 8 unmarked', async () => {
  const sc = await loadScenario('https');
  const list = checksOfRun(sc);
  assert.equal(list.length, 16);
  assert.equal(
    list.slice(0, sc.checks.length).map((c) => c.name),
    sc.checks.map((c) => c.name),
  );
  assert.match(list[sc.checks.length]!.name, /^lab: the Pods and Processes views/);
  assert.match(
    list[sc.checks.length + 1]!.name,
    new RegExp(
      `^lab: on the lab's page in Chromium, the Pods view shows every running container; check ${sc.checks.length + 1} of the run passes`,
    ),
  );
  assert.ok(list.slice(sc.checks.length + 2).every((c) => c.name.startsWith('verify: ')));
  assert.equal(
    list.map((c) => (c.needs ? 'start' : (c.effect ?? '-'))),
    ['-', '-', '-', 'starts', 'start', 'destroys', 'destroys', '-', '-', '-', 'destroys', '-', 'start', 'destroys', 'starts', 'destroys'],
  );
});

test('the lab’s actions run again the lab’s picture check by its number, after the checks attached with --with', async () => {
  const sc = await loadScenario('https');
  const attached = [{ name: 'attached: one', run: async () => undefined }];
  const list = checksOfRun(sc, attached);
  const picture = list.findIndex((c) => c.name.startsWith('lab: the Pods and Processes views')) + 1;
  assert.is(picture, sc.checks.length + 2);
  assert.match(list[picture]!.name, new RegExp(`check ${picture} of the run`));
});

const cli = (...args: string[]) => $({ quiet: true, nothrow: true })`node ${join(DIST, 'scripts', 'stack.js')} ${args}`;

test('the CLI refuses bad input with exit 2 and one line on stderr, before it looks for a run', async () => {
  const cases: [string[], RegExp][] = [
    [['https', 'check', '--only', '1-3'], /^--only takes check numbers separated by commas \(e\.g\. --only 1,8\), not "1-3"$/],
    [['https', 'check', '--only', '99'], /^no check 99: this stack's checks are numbered 1-16$/],
    [['https', 'check', '--bogus'], /^Unknown option '--bogus' \(see --help\)$/],
    [['https', 'up', '--only', '1'], /^--only and --all are options of check, not of up$/],
    [['https', 'check', '--room'], /^--room is an option of test, not of check$/],
    [['nope', 'check'], /^unknown stack "nope": choose one of /],
  ];
  const runs = await Promise.all(cases.map(([args]) => cli(...args)));
  for (const [i, [args, line]] of cases.entries()) {
    const r = runs[i]!;
    assert.equal({ code: r.exitCode, lines: r.stderr.trim().split('\n').length }, { code: 2, lines: 1 }, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), line);
  }
});

test.run();
