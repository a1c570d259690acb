// The real `npm run doctor -- --room` on this machine: it runs the smoke (the https stack up, one HTTPS
// request, the teardown) and ends in a READY line with this machine's own platform, cores, memory and the
// catalogue's image count. Needs Docker; builds the catalogue first only when an image of it is missing.
import { execFile } from 'node:child_process';
import { arch, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { catalogue, imagePresent } from '../compose.js';
import { DIST, ROOT } from '../config.js';
import { buildFor, imageEnv } from '../images.js';

const test = suite('doctor --room on this machine');

test('doctor --room ends in READY with this machine’s platform, cores, memory and every catalogue image, and leaves no run behind', async () => {
  const images = [...new Set(Object.values(await catalogue(await imageEnv()).serviceImages()))];
  const present = await Promise.all(images.map(imagePresent));
  if (present.includes(false)) await buildFor('all');

  const r = await promisify(execFile)(process.execPath, [join(DIST, 'scripts', 'doctor.js'), '--room'], {
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
    lines.some((l) => /^✔ the runner sees container processes .*: read \/proc\/\d+ of pod /.test(l)),
    'a pod’s /proc was read',
  );
  const project = /up --wait (sl-https-[0-9a-f]+)/.exec(r.stdout)?.[1];
  assert.ok(project, 'the smoke named its run');
  const left = await $`docker ps -a -q --filter ${`label=com.docker.compose.project=${project}`}`.quiet();
  assert.is(left.stdout.trim(), '', `${project} is torn down`);
});

test.run();
