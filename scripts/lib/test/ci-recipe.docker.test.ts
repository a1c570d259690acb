// docs/ci.md's plain shell recipe, run as it is written there: in a directory with the package installed from
// `npm pack` and the compose file that `inject --with tls-proxy` writes for greeter, it exits 0 and leaves a
// JUnit report that validates against docs/junit-4.xsd, with every check passed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../compose.js';
import { ROOT, VERSION } from '../config.js';
import { buildFor } from '../images.js';
import { cli, FIXTURES } from './inject-support.js';
import { packInstall, run } from './pack-support.js';

const test = suite('docs/ci.md, the shell recipe');
const tmp = mkdtempSync(join(tmpdir(), 'sl-ci-recipe-'));
const app = join(tmp, 'app');

/** The sh block under "## A plain shell recipe" in docs/ci.md. */
function recipe(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
  const block = /## A plain shell recipe[\s\S]*?```sh\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, 'docs/ci.md has a plain shell recipe in an sh block');
  return block!;
}

test.before(() => packInstall(tmp, app));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('the recipe verifies inject’s greeter pod with the installed package: exit 0 and a valid report of five passed checks', async () => {
  const out = cli(['--service', 'greeter', '--with', 'tls-proxy', join(FIXTURES, 'greeter.yaml'), '-o', join(app, 'compose.yaml')]);
  assert.is(out.code, 0, out.stderr);
  const env = { SIDECAR_LAB_VERSION: VERSION };
  await buildFor(new Project({ project: 'sl-ci-recipe-build', cwd: app, files: ['compose.yaml'], env }));
  const r = run('bash', ['-c', recipe()], app, 300_000, env);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, 'verify exited 0 (0: passed, 1: a check failed, 2: bad input); the report is verify-report.xml');
  const lint = spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'docs', 'junit-4.xsd'), join(app, 'verify-report.xml')], {
    encoding: 'utf8',
  });
  assert.is(lint.status, 0, lint.stderr);
  const xml = readFileSync(join(app, 'verify-report.xml'), 'utf8');
  assert.match(xml, /<testsuite [^>]*tests="5" failures="0" errors="0" skipped="0"/);
});

test.run();
