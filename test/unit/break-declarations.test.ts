// The break-it exercises each stack declares (stacks/<stack>/breaks.ts): each names a check its scenario has,
// changes the run in a way that reaches the stack (a variable its compose file reads, or an override Compose
// accepts, for services it has), and stands in its lesson exactly once, naming that check.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/lib/config.js';
import { breakMarkers } from '../../scripts/lib/exercise/break-lesson.js';
import { breakStacks, exerciseStacks, loadBreaks, loadExercises, loadScenario } from '../../scripts/lib/scenarios.js';

const test = suite('break-it exercises: declarations');

type Service = Record<string, unknown>;

test('the lessons’ break-it exercises are declared: https, logs, mesh, paas, config and patterns', () => {
  assert.equal(breakStacks(), ['config', 'https', 'logs', 'mesh', 'paas', 'patterns']);
});

for (const stack of breakStacks()) {
  const compose = () => readFileSync(join(ROOT, 'stacks', stack, 'compose.yaml'), 'utf8');

  test(`each ${stack} break has a unique name, names one of its checks, and changes the run`, async () => {
    const all = await loadBreaks(stack);
    const checks = (await loadScenario(stack)).checks;
    assert.ok(all.length >= 1);
    assert.is(new Set(all.map((b) => b.name)).size, all.length, 'names are unique');
    for (const b of all) {
      assert.match(b.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${b.name}: lower-case words joined by hyphens`);
      assert.ok(Number.isInteger(b.check) && b.check >= 1 && b.check <= checks.length, `${b.name}: check ${b.check} of 1-${checks.length}`);
      assert.ok(b.env || b.override, `${b.name}: a variable or an override`);
      assert.instance(b.because, RegExp, `${b.name}: how its check's failure reads, so that another failure is not taken for it`);
      for (const k of Object.keys(b.env ?? {})) assert.match(compose(), `\${${k}`, `${b.name}: compose.yaml reads ${k}`);
      if (b.files) assert.match(b.override ?? '', '${BREAK_DIR}', `${b.name}: its override mounts its files`);
    }
  });

  test(`each ${stack} break reaches the project Compose makes: its variables and override change the services they name`, async () => {
    const services = Object.keys((parse(compose()) as { services: object }).services);
    const dir = mkdtempSync(join(tmpdir(), 'break-'));
    // Each variable the file requires (${X:?…}: a directory the scenario prepares) set to one under dir.
    const required = Object.fromEntries([...compose().matchAll(/\$\{(\w+):\?/g)].map((m) => [m[1]!, join(dir, m[1]!)]));
    const project = (files: string[], env: Record<string, string> = {}) =>
      (
        JSON.parse(
          execFileSync('docker', ['compose', ...files.flatMap((f) => ['-f', f]), 'config', '--format', 'json'], {
            cwd: join(ROOT, 'stacks', stack),
            env: { ...process.env, ...required, SIDECAR_LAB_VERSION: 'test', BREAK_DIR: join(dir, 'break'), ...env },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        ) as { services: Record<string, Service> }
      ).services;
    try {
      const plain = project(['compose.yaml']);
      for (const b of await loadBreaks(stack)) {
        const files = ['compose.yaml'];
        let named: string[] = [];
        if (b.override) {
          named = Object.keys((parse(b.override, { logLevel: 'silent' }) as { services: object }).services);
          assert.equal(
            named.filter((x) => !services.includes(x)),
            [],
            `${b.name}: services of its override that compose.yaml lacks`,
          );
          files.push(join(dir, `${b.name}.yaml`));
          writeFileSync(files[1]!, b.override);
        }
        const broken = project(files, b.env);
        const changed = services.filter((x) => JSON.stringify(broken[x]) !== JSON.stringify(plain[x]));
        assert.ok(changed.length > 0, `${b.name}: the project is the same with the break as without it`);
        for (const x of named) assert.ok(changed.includes(x), `${b.name}: its override leaves ${x} as it was`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`each ${stack} break stands in its lesson once: its own generated item, or under the one exercise that names it`, async () => {
    const readme = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8');
    const exercises = exerciseStacks().includes(stack) ? await loadExercises(stack) : [];
    for (const b of await loadBreaks(stack)) {
      const [begin, end] = breakMarkers(b.name);
      const marked = readme.split(begin).length - 1;
      const named = exercises.filter((e) => e.break === b.name).length;
      if (b.lesson) assert.equal({ marked, ends: readme.split(end).length - 1, named }, { marked: 1, ends: 1, named: 0 }, b.name);
      else assert.equal({ marked, named }, { marked: 0, named: 1 }, b.name);
      assert.match(readme, `test --break ${b.name}\` brings the stack up`, `${b.name}: the lesson gives its command`);
      assert.match(readme, `runs check ${b.check} alone`, `${b.name}: the lesson names its check`);
    }
    for (const e of exercises.filter((x) => x.break))
      assert.ok(
        (await loadBreaks(stack)).some((b) => b.name === e.break),
        `${e.title} names the break ${e.break}, which breaks.ts lacks`,
      );
  });
}

test('an exercise whose title says it breaks something names the break that proves it, in every lesson', async () => {
  const unnamed: string[] = [];
  for (const stack of exerciseStacks())
    for (const e of await loadExercises(stack)) if (/^break\b/i.test(e.title) && !e.break) unnamed.push(`${stack}: ${e.title}`);
  assert.equal(unnamed, [], 'exercises titled "Break …" without a `break` of breaks.ts');
});

test('the override of a break that mounts a file gets the stack file’s own text, changed only where it says', async () => {
  const [b] = await loadBreaks('patterns');
  const original = readFileSync(join(ROOT, 'stacks', 'patterns', 'ambassador', 'nutcracker.yml'), 'utf8');
  const changed = b!.files!['ambassador/nutcracker.yml']!;
  const diff = changed.split('\n').filter((l, i) => l !== original.split('\n')[i]);
  assert.equal(diff, ['  hash: fnv1a_64']);
});

test.run();
