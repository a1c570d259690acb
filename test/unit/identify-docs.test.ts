// docs/identify.md: its well-known images table is the one identify uses, and its runnable commands
// (Run it, Exercises) run and exit 0; a corpus case is skipped, visibly, when the corpus is absent.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { identifyDoc } from '../../scripts/lib/identify/docs.js';
import { KNOWN_IMAGES } from '../../scripts/lib/identify/known-images.js';
import { nodeCommandOf, npmScript, shellCommands } from '../../scripts/lib/lesson.js';

const test = suite('docs/identify.md');

test('its well-known images table is generated from the table identify uses (npm run gen)', () => {
  const doc = identifyDoc();
  assert.fixture(doc.current, doc.wanted, 'docs/identify.md drifted from scripts/lib/identify/known-images.ts: run npm run gen');
  for (const k of KNOWN_IMAGES) assert.ok(doc.current.includes(`| ${k.name} |`), k.name);
});

test('every runnable command of the lesson exits 0 and prints a tree or JSON', () => {
  const commands = shellCommands(identifyDoc().current).filter((c) => c.kind === 'runnable');
  assert.ok(commands.length >= 6, `only ${commands.length} runnable commands`);
  let ran = 0;
  for (const c of commands) {
    const npm = npmScript(c.line);
    assert.ok(npm, `not an npm run command: ${c.line}`);
    const path = npm!.args.find((a) => a.startsWith('../shared/'));
    if (path && !existsSync(join(ROOT, path))) {
      console.log(`identify lesson: SKIPPED ${c.line} (${path} is absent)`);
      continue;
    }
    const [script, ...rest] = nodeCommandOf(npm!.script);
    const r = spawnSync(process.execPath, [script!, ...rest, ...npm!.args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.is(r.status, 0, `${c.line}: ${r.stderr}`);
    if (npm!.script === 'identify') assert.match(r.stdout, /file\(s\) read|"version": 1/, c.line);
    ran++;
  }
  assert.ok(ran >= 4, `ran only ${ran}`);
});

test.run();
