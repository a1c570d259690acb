// The real `npm run doctor -- --room` on this machine: it runs the smoke (the https stack up, one HTTPS
// request, the teardown) and ends in a READY line with this machine's own platform, cores, memory and the
// catalogue's image count; and a Ctrl-C during the smoke still tears its run down. Needs Docker; builds the
// catalogue first only when an image of it is missing.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { eventually } from '../check.js';
import { catalogue, imagePresent } from '../compose.js';
import { DIST, ROOT } from '../config.js';
import { buildFor, imageEnv } from '../images.js';
import { runDir } from '../run-state.js';

const test = suite('doctor --room on this machine');
const doctor = join(DIST, 'scripts', 'doctor.js');

/** What is left of a run: its containers' ids. */
const containersOf = async (project: string) =>
  (await $`docker ps -a -q --filter ${`label=com.docker.compose.project=${project}`}`.quiet()).stdout.trim();

test.before(async () => {
  const images = [...new Set(Object.values(await catalogue(await imageEnv()).serviceImages()))];
  if ((await Promise.all(images.map(imagePresent))).includes(false)) await buildFor('all');
});

test('doctor --room ends in READY with this machine’s platform, cores, memory and every catalogue image, and leaves no run behind', async () => {
  const images = [...new Set(Object.values(await catalogue(await imageEnv()).serviceImages()))];

  const r = await promisify(execFile)(process.execPath, [doctor, '--room'], {
    cwd: ROOT,
    timeout: 180_000,
  }).catch((e: { code: number; stdout: string; stderr: string }) => e);
  const lines = r.stdout.trim().split('\n');
  const cpu = arch() === 'x64' ? 'amd64' : arch();
  const expected = `READY ${process.platform}/${cpu} ${cpus().length} cores ${Math.round(totalmem() / 2 ** 30)} GiB images ${images.length}/${images.length}`;
  assert.is(lines.at(-1), expected, r.stdout + r.stderr);
  assert.ok(
    lines.some((l) => /^✔ smoke: .*legacy-greeter answered over verified HTTPS/.test(l)),
    'the smoke ran and passed',
  );
  assert.ok(
    lines.some((l) => /^✔ the runner sees container processes .*: a toolbox in pod \w+ read its PID 1 \(catatonit\)/.test(l)),
    'a pod’s /proc was read',
  );
  const project = /up --wait (sl-https-[0-9a-f]+)/.exec(r.stdout)?.[1];
  assert.ok(project, 'the smoke named its run');
  assert.is(await containersOf(project!), '', `${project} is torn down`);
});

test('Ctrl-C during the smoke tears its run down before the doctor exits', async () => {
  const child = spawn(process.execPath, [doctor, '--room'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  try {
    // The smoke has started its run: interrupt it while Compose brings it up.
    const project = await eventually(
      async () => {
        const m = /up --wait (sl-https-[0-9a-f]+)/.exec(out);
        if (!m) throw new Error(`the smoke never started its run:\n${out}`);
        return m[1]!;
      },
      { within: 120_000, every: 50 },
    );
    child.kill('SIGINT');
    await eventually(
      async () => {
        if (child.exitCode === null) throw new Error(`the doctor did not exit after SIGINT:\n${out}`);
      },
      { within: 120_000, every: 100 },
    );
    assert.is(child.exitCode, 130, out);
    assert.match(out, /SIGINT: tearing down before exit/);
    assert.is(await containersOf(project), '', `${project} is torn down`);
    assert.not.ok(existsSync(runDir(project)), 'its run directory is gone');
    assert.not.match(out, /^READY /m, 'an interrupted check reports no verdict');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test.run();
