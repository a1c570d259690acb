import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { classify, npmScript, scriptNames, shellCommands, splitArgs } from '../../scripts/lib/lesson.js';
import { markdownFiles, read } from './markdown.js';

const lessons = suite('lesson commands');

const makeTargets = () => new Set([...read('Makefile').matchAll(/^([\w-]+):/gm)].map((m) => m[1]!));

lessons('every npm run and make command in a Markdown file names a script or target that exists', () => {
  const scripts = new Set(scriptNames());
  const targets = makeTargets();
  let seen = 0;
  for (const file of markdownFiles()) {
    for (const { line } of shellCommands(read(file))) {
      // `npm run stack:<name>` is a pattern for the reader: every stack:* script must then exist.
      for (const m of line.matchAll(/\bnpm run (?:-s )?([\w:-]+)(<name>)?/g)) {
        seen++;
        if (m[2])
          assert.ok(
            [...scripts].some((s) => s.startsWith(m[1]!)),
            `${file}: ${line}: no "${m[1]}*" script`,
          );
        else assert.ok(scripts.has(m[1]!), `${file}: ${line}: no npm script "${m[1]}"`);
      }
      for (const m of line.matchAll(/(?:^|&& )make ((?:[\w-]+ ?)+)/g)) {
        for (const t of m[1]!.trim().split(' ')) {
          seen++;
          assert.ok(targets.has(t), `${file}: ${line}: no make target "${t}"`);
        }
      }
    }
  }
  assert.ok(seen >= 20, `found only ${seen} npm/make commands in the Markdown files`);
});

lessons('commands are sorted into what the runner does, what needs a reader, and what a test can run', () => {
  assert.is(classify('npm run stack:config -- up'), 'lifecycle');
  assert.is(classify('make setup test'), 'lifecycle');
  assert.is(classify('curl http://127.0.0.1:<port>/version'), 'manual');
  assert.is(classify('docker logs -f x'), 'manual');
  assert.is(classify('npm run config -- history'), 'runnable');
});

lessons('shell words keep their quotes’ contents, as a shell would', () => {
  assert.equal(splitArgs(`set '{"version": "v2", "greeting": "hello again"}' --x "a \\"b\\""`), [
    'set',
    '{"version": "v2", "greeting": "hello again"}',
    '--x',
    'a "b"',
  ]);
  assert.equal(npmScript('npm run config -- rollback 5'), { script: 'config', args: ['rollback', '5'] });
});

lessons('only sh blocks count, comments are dropped, and each command knows its section', () => {
  const md =
    '## Run it\n```sh\nnpm run config -- get   # the value\n# a comment\n```\n```json\n{"x": 1}\n```\n## Other\n```\nnot sh\n```\n';
  assert.equal(shellCommands(md), [{ line: 'npm run config -- get', section: 'Run it', kind: 'runnable' }]);
});

lessons.run();
