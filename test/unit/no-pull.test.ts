// Nothing ever pulls: every container we start comes from an image built here. A `docker run` or `docker create`
// anywhere in the code, tests or scripts says `--pull never`, and Compose is called from one module, whose `up`
// says it too (scripts/lib/test/missing-image.docker.test.ts proves what a missing image then does).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { importsOf, read, tsFiles } from './sources.js';

const test = suite('nothing pulls');

/** Calls that start a container, `docker run` or `docker create`, without `--pull never` straight after: in
 * TypeScript a zx template that begins with the command, or an argument list that names it; in shell, the
 * command at the start of a line or after `;`, `&&`, `|` or `$(`. Prose about the commands is not a call. */
export function pullingCalls(file: string, text: string): string[] {
  const calls = file.endsWith('.ts')
    ? [
        /`docker\s+(?:run|create)\b(?!\s+--pull never\b)/g,
        /['"]docker['"],\s*\[\s*['"](?:run|create)['"](?!,\s*['"]--pull['"],\s*['"]never['"])/g,
      ]
    : [/(?:^|[;&|]|\$\()[ \t]*docker\s+(?:run|create)\b(?!\s+--pull never\b)/gm];
  const lines = text.split('\n');
  return calls.flatMap((re) =>
    [...text.matchAll(re)].map((m) => {
      const line = text.slice(0, m.index + m[0].length).split('\n').length;
      return `${file}:${line}: ${lines[line - 1]!.trim()}`;
    }),
  );
}

const shellFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(sh|mjs)$|^run$|^Makefile$/.test(e.name))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(ROOT.length + 1));

test('every docker run and docker create in code, tests and scripts passes --pull never', () => {
  // This file is left out: its examples of a pulling call are what the next test feeds the scan.
  const files = [...tsFiles(), ...shellFiles('scripts'), ...shellFiles('.ci'), ...shellFiles('images'), 'Makefile'].filter(
    (f) => f !== 'test/unit/no-pull.test.ts',
  );
  const found = files.flatMap((f) => pullingCalls(f, read(f).replace(/^\s*(\/\/|#|\*).*$/gm, '')));
  assert.equal(found, []);
});

test('the scan flags a docker run or create without --pull never, and passes one with it', () => {
  assert.equal(pullingCalls('a.ts', 'await $`docker run --rm ${image} true`;').length, 1);
  assert.equal(pullingCalls('a.ts', "spawn('docker', ['run', '-d', image])").length, 1);
  assert.equal(pullingCalls('a.ts', "spawnSync('docker', ['create', image])").length, 1);
  assert.equal(pullingCalls('a.sh', 'id=$(docker create "$image")').length, 1);
  assert.equal(pullingCalls('a.sh', '  docker run --rm "$image" true').length, 1);
  assert.equal(pullingCalls('a.ts', 'await $`docker run --pull never --rm ${image} true`;'), []);
  assert.equal(pullingCalls('a.ts', "spawn('docker', ['run', '--pull', 'never', image])"), []);
  assert.equal(pullingCalls('a.sh', 'docker create --pull never "$image"'), []);
  assert.equal(pullingCalls('a.ts', "expect.equal(code, 0, 'docker run -d of an unready git-sync')"), [], 'prose in a string');
  assert.equal(pullingCalls('a.ts', "redactArgs(['docker', 'run', '--user', '1000'])"), [], 'an argv a test feeds a parser');
});

test('only scripts/lib/compose.ts calls Docker Compose, and its up says --pull never', () => {
  const callers = tsFiles().filter((f) => importsOf(read(f)).includes('docker-compose'));
  assert.equal(callers, ['scripts/lib/compose.ts']);
  assert.match(read('scripts/lib/compose.ts'), /dc\.upAll\(this\.opts\(\{ commandOptions: \[\['--pull', 'never'\]/);
});

test.run();
