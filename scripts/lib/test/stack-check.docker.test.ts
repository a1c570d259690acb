// The check verb against a real run: `up` the https stack, run two of its reading checks with the built CLI, and
// find every container of the run as it was (same IDs, same start times); a number out of range is refused in one
// line, and a marked check is reported skipped with its reason. Needs Docker; builds what it starts (upStack).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { DIST, STATE_DIR } from '../config.js';
import { downStack, upStack } from '../lifecycle.js';

const test = suite('stack check: the checks of a run that up left, which stays up');
let project = '';

/** Every container of the run (running or not): ID, start time and state, sorted. */
async function containers(): Promise<string[]> {
  const ids = (await $`docker ps -aq --no-trunc --filter ${`label=com.docker.compose.project=${project}`}`.quiet()).stdout
    .split('\n')
    .filter(Boolean);
  if (!ids.length) return [];
  const out = await $`docker inspect --format ${'{{.Id}} {{.State.StartedAt}} {{.State.Status}}'} ${ids}`.quiet();
  return out.stdout.trim().split('\n').sort();
}

const check = (args: string[], name = project) =>
  $({ quiet: true, nothrow: true, timeout: '10m' })`node ${join(DIST, 'scripts', 'stack.js')} https check --project ${name} ${args}`;

test.before(async () => {
  project = (await upStack('https')).project;
});

test.after(async () => {
  if (project) await downStack('https', project);
});

test('check --only 1,8 passes both reading checks, numbered as in a test run, and leaves every container as it was', async () => {
  const before = await containers();
  assert.ok(before.length >= 3, `the run's containers: ${before.join('; ')}`);
  assert.ok(
    before.every((c) => c.endsWith(' running')),
    `every container runs before: ${before.join('; ')}`,
  );
  const r = await check(['--only', '1,8']);
  assert.equal(r.exitCode, 0, `exit code; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  const ran = r.stdout.split('\n').filter((l) => /^\s+[✔✘-] \d+\. /.test(l));
  assert.equal(ran.length, 2, `check lines printed:\n${r.stdout}`);
  assert.match(ran[0]!, /^\s+✔ 1\. HTTPS through the pod’s published port/);
  assert.match(ran[1]!, /^\s+✔ 8\. replaced certificate files are served/);
  assert.match(r.stdout, `https: 2 passed, 0 failed, 0 skipped; ${project} is still up`);
  assert.equal(await containers(), before, 'the run’s containers (ID, start time, state) after the check');
});

test('check --only 99 exits 2 with one line that names the range of check numbers', async () => {
  const r = await check(['--only', '99']);
  assert.equal(r.exitCode, 2);
  assert.equal(r.stderr.trim().split('\n'), ["no check 99: this stack's checks are numbered 1-16"]);
  assert.equal(r.stdout, '');
});

test('marked checks are reported skipped with their reason: a crash without --all, the start timeline even with it', async () => {
  const before = await containers();
  const crash = await check(['--only', '6']);
  assert.equal(crash.exitCode, 0, `exit code; stdout:\n${crash.stdout}\nstderr:\n${crash.stderr}`);
  assert.match(
    crash.stdout,
    /^\s+- 6\. SIGKILL to the sidecar .*: skipped: it stops, kills or restarts containers .*; add --all to run it$/m,
  );
  const start = await check(['--only', '5', '--all']);
  assert.equal(start.exitCode, 0, `exit code; stdout:\n${start.stdout}\nstderr:\n${start.stderr}`);
  assert.match(start.stdout, /^\s+- 5\. the sidecar is healthy before the app starts.*: skipped: it reads the run’s start/m);
  assert.match(start.stdout, 'https: 0 passed, 0 failed, 1 skipped');
  assert.equal(await containers(), before, 'the run’s containers after the skipped checks');
});

test('with --all a marked check runs: the sidecar crash passes, and every container of the run is up after it, the same ones', async () => {
  const before = await containers();
  const r = await check(['--only', '6', '--all']);
  assert.equal(r.exitCode, 0, `exit code; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stdout, /^\s+✔ 6\. SIGKILL to the sidecar leaves the app’s process untouched/m);
  const after = await containers();
  const idsAndStates = (cs: string[]) => cs.map((c) => `${c.split(' ')[0]} ${c.split(' ')[2]}`);
  assert.equal(idsAndStates(after), idsAndStates(before), 'the run’s containers (ID, state) after the crash check');
});

const verb = (args: string[]) => $({ quiet: true, nothrow: true, timeout: '2m' })`node ${join(DIST, 'scripts', 'stack.js')} https ${args}`;

test('urls prints the run’s URLs and CA (alone, or as exports for eval), and exec, ps and logs act on the run', async () => {
  const all = await verb(['urls']);
  assert.equal(all.exitCode, 0, all.stderr);
  assert.match(all.stdout, /^https +https:\/\/127\.0\.0\.1:\d+\/$/m);
  const ca = await verb(['urls', 'ca']);
  assert.equal(ca.stdout.trim(), join(STATE_DIR, project, 'ca', 'ca.crt'), 'urls ca: the run’s CA file alone');
  assert.ok(existsSync(ca.stdout.trim()), 'the CA file exists');
  const env = await verb(['urls', '--env']);
  assert.match(env.stdout, new RegExp(`^export CA='${ca.stdout.trim()}'$`, 'm'));
  const ns = await verb(['exec', 'app', 'readlink', '/proc/self/ns/net']);
  assert.equal(ns.exitCode, 0, ns.stderr);
  assert.match(ns.stdout.trim(), /^net:\[\d+\]$/);
  const ps = await verb(['ps', '-q', 'tls-proxy']);
  assert.equal(
    ps.stdout.trim(),
    (
      await $`docker ps -q --no-trunc --filter ${`label=com.docker.compose.project=${project}`} --filter ${'label=com.docker.compose.service=tls-proxy'}`.quiet()
    ).stdout.trim(),
  );
  const logs = await verb(['logs', '--no-log-prefix', 'tls-proxy']);
  assert.match(logs.stdout, /"msg":"listening"/);
  const wrong = await verb(['urls', 'nope']);
  assert.equal(wrong.exitCode, 2);
  assert.match(wrong.stderr.trim(), /^urls: no nope in this run \(it has https, .*ca, cert, key\)$/);
});

test('after down, check says that no run is up, in one line, and exits 2', async () => {
  const name = project;
  await downStack('https', name);
  project = ''; // nothing left for after()
  const r = await check([], name);
  assert.equal(r.exitCode, 2, `exit code; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stderr.trim(), /^no run sl-https-[0-9a-f]+ of https is up: start one with npm run stack:https -- up$/);
  const exec = await verb(['exec', '--project', name, 'app', 'true']);
  assert.equal(exec.exitCode, 2, `exec exit code; stderr:\n${exec.stderr}`);
  assert.equal(exec.stderr.trim().split('\n'), [`no run ${name} of https is up: start one with npm run stack:https -- up`]);
  const naive = await verb(['urls', '--file', 'compose.naive.yaml']);
  assert.equal(naive.exitCode, 2);
  assert.equal(
    naive.stderr.trim(),
    'no run of https from compose.naive.yaml is up: start one with npm run stack:https -- up --file compose.naive.yaml',
  );
});

test.run();
