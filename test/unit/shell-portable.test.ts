// The commands a reader types from a lesson (the ```sh blocks of stacks/*/README.md and of the README) and an
// exercise's solution commands work on macOS as on Linux: no GNU-only flag (shell-portable.ts), each parses as a
// POSIX shell reads it (bash --posix -n) and as zsh (macOS's login shell, which the bootstrap installs) reads it,
// and each hands its programs the same words in zsh as in bash (shell-words.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { shellCommands } from '../../scripts/lib/lesson.js';
import { exerciseStacks, loadExercises } from '../../scripts/lib/scenarios.js';
import { gnuOnlyFlags, words } from './shell-portable.js';
import { programWords } from './shell-words.js';

const test = suite('lesson and exercise commands are portable (macOS, zsh)');

const lessons = [
  'README.md',
  join('docs', 'setup.md'),
  ...readdirSync(join(ROOT, 'stacks'))
    .map((s) => join('stacks', s, 'README.md'))
    .filter((f) => existsSync(join(ROOT, f))),
];
async function allCommands(): Promise<{ where: string; line: string }[]> {
  const out = lessons.flatMap((f) => shellCommands(readFileSync(join(ROOT, f), 'utf8')).map((c) => ({ where: f, line: c.line })));
  for (const stack of exerciseStacks())
    for (const e of await loadExercises(stack))
      for (const line of e.solution.commands ?? []) out.push({ where: `stacks/${stack}/exercises.ts: ${e.title}`, line });
  return out;
}
/** A <placeholder> stands for one word the reader types. */
const filled = (line: string) => line.replace(/<[a-z][^<>]*>/g, 'PLACEHOLDER');
/** zsh on PATH; the bootstrap installs Debian's (scripts/bootstrap/tools.sh). */
function zshPath(): string {
  const found = (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, 'zsh'))
    .find((p) => existsSync(p));
  if (!found) throw new Error('zsh is not on PATH: as root, make bootstrap installs Debian’s zsh');
  return found;
}
const bashPath = () => spawnSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();
/** Each line gives exactly the one finding named, with a reason. */
const findsOne = (cases: [line: string, found: string][]) => {
  for (const [line, found] of cases) {
    const f = gnuOnlyFlags(line);
    assert.equal(
      f.map((x) => x.found),
      [found],
      line,
    );
    assert.ok(f[0]!.why.length > 10, `${line}: says why`);
  }
};

test('each GNU-only flag is found, with what works on both', () => {
  findsOne([
    ["sed -i 's/a/b/' f", 'sed -i'],
    ['sed --in-place -e s/a/b/ f', 'sed --in-place'],
    ['sed -r s/a+/b/ f', 'sed -r'],
    ['grep -oP "\\d+" f', 'grep -oP'],
    ['readlink -f .', 'readlink -f'],
    ['date -d yesterday', 'date -d'],
    ['ls | xargs -r rm', 'xargs -r'],
    ['stat -c %s f', 'stat -c'],
    ['find . -printf %p', 'find -printf'],
    ['base64 -w0 f', 'base64 -w0'],
  ]);
});

test('what works on both, and what runs in a container, is not flagged', () => {
  for (const line of [
    "sed -i.bak 's/a/b/' f",
    'sed -E s/a+/b/ f',
    'grep -E "^a|b" f',
    'readlink /proc/self/ns/net',
    'date -u +%s',
    'docker exec app sed -i s/a/b/ f',
    'docker compose -p x exec app grep -P a f',
    'npm run stack:https -- exec app readlink -f /opt',
    'echo "a;b" sed -i',
  ])
    assert.equal(gnuOnlyFlags(line), [], line);
});

test('flags are found after a pipe, after VAR=value, inside $(…) and inside sh -c', () => {
  findsOne([
    ['docker exec app cat f | grep -P x', 'grep -P'],
    ['LC_ALL=C sed -i s/a/b/ f', 'sed -i'],
    ['eval "$(date -d now)"', 'date -d'],
    ["sh -c 'xargs -r echo'", 'xargs -r'],
  ]);
  assert.equal(words(`a 'b c' "d $(e f)" g\\ h`), { words: ['a', 'b c', 'd $(e f)', 'g h'], inner: ['e f'] });
});

test('no lesson or exercise command uses a GNU-only flag', async () => {
  const commands = await allCommands();
  assert.ok(commands.length >= 60, `commands read from ${lessons.length} lessons and the exercises: ${commands.length}`);
  const bad = commands.flatMap((c) => gnuOnlyFlags(c.line).map((f) => `${c.where}: ${c.line}: ${f.found}: ${f.why}`));
  assert.equal(bad, []);
});

test('every lesson and exercise command parses in a POSIX shell (bash --posix -n) and in zsh (zsh -n)', async () => {
  const commands = await allCommands();
  const shells = [
    ['bash', '--posix', '-n', '-c'],
    [zshPath(), '-n', '-c'],
  ];
  const bad: string[] = [];
  for (const c of commands)
    for (const [sh, ...args] of shells) {
      const r = spawnSync(sh!, [...args, filled(c.line)], { encoding: 'utf8', timeout: 10_000 });
      if (r.status !== 0) bad.push(`${c.where}: ${c.line}: ${sh}: ${r.stderr.trim() || r.error?.message}`);
    }
  assert.equal(bad, []);
  const broken = spawnSync('bash', ['--posix', '-n', '-c', 'if true; then'], { encoding: 'utf8' });
  assert.is.not(broken.status, 0, 'control: an unfinished if does not parse');
});

test('every lesson and exercise command hands its programs the same words in zsh as in bash', async () => {
  const commands = await allCommands();
  const lines = commands.map((c) => filled(c.line));
  const [inBash, inZsh] = [programWords(bashPath(), lines), programWords(zshPath(), lines)];
  const differ = commands.flatMap((c, i) => {
    const [b, z] = [inBash[i]!, inZsh[i]!];
    return b.status === z.status && JSON.stringify(b.programs) === JSON.stringify(z.programs)
      ? []
      : [
          `${c.where}: ${c.line}\n  bash (${b.status}): ${b.programs.join(' ') || b.stderr}\n  zsh (${z.status}): ${z.programs.join(' ') || z.stderr}`,
        ];
  });
  assert.equal(differ, []);
  // The hook saw every command but those that start no program (a printf into a file).
  assert.equal(
    commands.filter((_, i) => inBash[i]!.programs.length === 0 && !/^(?:printf|echo) /.test(lines[i]!)).map((c) => c.line),
    [],
  );
});

test('a word zsh globs or does not split is told apart from bash', () => {
  // zsh fails a pattern that matches nothing (bash hands it on as written); it does not split an unquoted $var.
  const lines = ['curl http://127.0.0.1/?a=1', 'npm run x -- up [--json]', 'v="a b"; printf x | grep $v'];
  const [inBash, inZsh] = [programWords(bashPath(), lines), programWords(zshPath(), lines)];
  for (const [i, line] of lines.entries())
    assert.ok(inBash[i]!.status !== inZsh[i]!.status || JSON.stringify(inBash[i]!.programs) !== JSON.stringify(inZsh[i]!.programs), line);
  assert.equal(programWords(zshPath(), ["curl -s 'http://127.0.0.1/?a=1' | grep -E '^a|b'"])[0]!.programs, [
    '[curl][-s][http://127.0.0.1/?a=1]',
    '[grep][-E][^a|b]',
  ]);
});

test.run();
