// `npm run verify` end to end, on our images only: the pod that inject writes passes every check, and each
// broken fixture (test/fixtures/verify) fails the check it breaks, with that check's message, or warns where
// the break is a finding. Every run leaves no container, network or volume of its project behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { Project } from '../compose.js';
import { DIST, ROOT, VERSION } from '../config.js';
import { buildFor } from '../images.js';
import { cli, FIXTURES as INJECT } from './inject-support.js';

const test = suite('npm run verify, on a running engine');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'verify');
const tmp = mkdtempSync(join(tmpdir(), 'sl-verify-test-'));

interface Verified {
  code: number | null;
  stdout: string;
  stderr: string;
  junit: string;
  project: string;
}

/** node <build>/scripts/verify.js FILE --reporter junit --output F ARGS, with our images' version. */
async function verify(file: string, ...args: string[]): Promise<Verified> {
  const output = join(tmp, `report-${Math.random().toString(36).slice(2)}.xml`);
  const child = spawn(
    process.execPath,
    [
      join(DIST, 'scripts', 'verify.js'),
      file,
      '--set',
      `SIDECAR_LAB_VERSION=${VERSION}`,
      '--reporter',
      'junit',
      '--output',
      output,
      ...args,
    ],
    {
      cwd: tmp,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const project = /runs as compose project (sl-verify-[0-9a-f]+)/.exec(stderr)?.[1] ?? '';
  let junit = '';
  try {
    junit = readFileSync(output, 'utf8');
  } catch {
    // no report: the assertions below say so
  }
  return { code, stdout, stderr, junit, project };
}

/** What a project left behind: containers, networks, volumes. */
async function leftovers(project: string): Promise<string[]> {
  const label = `label=com.docker.compose.project=${project}`;
  const ls = async (kind: string) =>
    (await $`docker ${kind} ls ${kind === 'container' ? ['--all'] : []} --quiet --filter ${label}`.quiet()).stdout
      .split('\n')
      .filter(Boolean);
  return [...(await ls('container')), ...(await ls('network')), ...(await ls('volume'))];
}

const cases = (junit: string) =>
  [...junit.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    name: m[1]!,
    outcome: /<failure/.test(m[3] ?? '') ? 'failed' : /<skipped/.test(m[3] ?? '') ? 'skipped' : 'passed',
  }));

/** Exit 0, all five checks passed, and nothing of the project left. */
async function passedAll(r: Verified): Promise<void> {
  assert.is(r.code, 0, r.stderr);
  assert.equal(
    cases(r.junit).map((c) => c.outcome),
    ['passed', 'passed', 'passed', 'passed', 'passed'],
    r.junit,
  );
  assert.equal(await leftovers(r.project), []);
}

test.before(async () => {
  // between them, these two use every image the fixtures run
  for (const file of ['open-app.compose.yaml', 'app-follows-sidecar.compose.yaml'])
    await buildFor(new Project({ project: 'sl-verify-build', cwd: FIXTURES, files: [file], env: { SIDECAR_LAB_VERSION: VERSION } }));
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('the pod inject writes passes all five checks, and its project is gone afterwards', async () => {
  const r0 = cli(['--service', 'greeter', '--with', 'tls-proxy', join(INJECT, 'greeter.yaml'), '-o', join(tmp, 'greeter.compose.yaml')]);
  assert.is(r0.code, 0, r0.stderr);
  const r = await verify(join(tmp, 'greeter.compose.yaml'));
  await passedAll(r);
});

test('an app that leaves the pod’s network namespace fails the namespace check, which names both inodes', async () => {
  const r = await verify(join(FIXTURES, 'escaped-namespace.compose.yaml'));
  assert.is(r.code, 1, r.stderr);
  assert.is(cases(r.junit)[0]!.outcome, 'failed');
  assert.match(r.junit, /app net:\[\d+\], but pod net:\[\d+\]/);
  assert.equal(await leftovers(r.project), []);
});

test('an app that waits only for its sidecar to start fails the healthy-first check, and is told to use service_healthy', async () => {
  const r = await verify(join(FIXTURES, 'healthy-late.compose.yaml'));
  assert.is(r.code, 1, r.stderr);
  assert.is(cases(r.junit)[1]!.outcome, 'failed');
  assert.match(r.junit, /tls-proxy healthy before greeter started \(its depends_on condition is service_started: use service_healthy\)/);
  assert.equal(await leftovers(r.project), []);
});

test('an app whose process follows its sidecar’s fails the crash check', async () => {
  const r = await verify(join(FIXTURES, 'app-follows-sidecar.compose.yaml'));
  assert.is(r.code, 1, r.stderr);
  assert.is(cases(r.junit)[2]!.outcome, 'failed');
  assert.match(r.junit, /app after SIGKILL to tls-proxy \(PID, start time, running\)/);
  assert.equal(await leftovers(r.project), []);
});

test('an app listening on every address behind tls-proxy fails the port check, with the fix; --keep leaves it up and says how to remove it', async () => {
  const r = await verify(join(FIXTURES, 'open-app.compose.yaml'), '--keep');
  assert.is(r.code, 1, r.stderr);
  assert.equal(
    cases(r.junit).map((c) => c.outcome),
    ['passed', 'passed', 'passed', 'failed', 'skipped'],
    r.junit,
  );
  assert.match(r.junit, 'other containers reach greeter:8080 around tls-proxy; bind the app to 127.0.0.1');
  const how = /remove it with: docker compose -p (sl-verify-[0-9a-f]+) down --volumes/.exec(r.stderr);
  assert.is(how?.[1], r.project, r.stderr);
  assert.ok((await leftovers(r.project)).length > 0, '--keep: the containers are still there');
  await $`docker compose -p ${r.project} down --volumes`.quiet();
  assert.equal(await leftovers(r.project), []);
});

test('findings are warnings: no depends_on, no restart policy and a single-file mount pass with three warnings', async () => {
  const r = await verify(join(FIXTURES, 'unordered.compose.yaml'));
  assert.is(r.code, 0, r.stderr);
  assert.equal(
    cases(r.junit).map((c) => c.outcome),
    ['passed', 'skipped', 'passed', 'passed', 'skipped'],
    r.junit,
  );
  assert.match(
    r.junit,
    /warning: greeter does not depend on tls-proxy: nothing makes it start after the sidecar is ready, or stop before it/,
  );
  assert.match(r.junit, /warning: a crashed sidecar stays down: tls-proxy has no restart policy/);
  assert.match(r.junit, /warning: single-file-mount \(tls-proxy\): \S+sidecar\.env is a single file bind-mounted into tls-proxy/);
  assert.equal(await leftovers(r.project), []);
});

test('Ctrl-C once the project is up tears it down and exits 130', async () => {
  const child = spawn(
    process.execPath,
    [join(DIST, 'scripts', 'verify.js'), join(FIXTURES, 'open-app.compose.yaml'), '--set', `SIDECAR_LAB_VERSION=${VERSION}`],
    { cwd: tmp },
  );
  let stderr = '';
  const up = new Promise<void>((done) =>
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/• up --wait sl-verify-/.test(stderr)) done();
    }),
  );
  const code = new Promise<number | null>((done) => child.on('close', done));
  await Promise.race([up, code]);
  child.kill('SIGINT');
  assert.is(await code, 130, stderr);
  assert.match(stderr, /SIGINT: tearing down before exit/);
  const project = /runs as compose project (sl-verify-[0-9a-f]+)/.exec(stderr)![1]!;
  assert.equal(await leftovers(project), []);
});

test('a file of one of our stacks needs no input: verify prepares what its scenario prepares (https: certificates)', async () => {
  const r = await verify(join(ROOT, 'stacks', 'https', 'compose.yaml'));
  await passedAll(r);
});

test.run();
