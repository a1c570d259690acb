// npm run doctor -- --room against fake laptops (scripts/lib/test/doctor-fakes.ts): the READY line carries the
// laptop's own numbers, and each failure ends in NOT READY with that failure and the remedy for the laptop's OS.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { printFindings } from '../doctor/report.js';
import { type Failure, remedy } from '../doctor/remedies.js';
import { roomCheck } from '../doctor/room.js';
import type { Host } from '../doctor/host.js';
import { CATALOGUE, fail, GIB, laptop, ok, POD_PID, type Script } from './doctor-fakes.js';

const test = suite('doctor --room');
type Os = 'linux' | 'macos' | 'wsl';
const OSES: Record<Os, Partial<Host>> = {
  linux: { platform: 'linux', procVersion: 'Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)' },
  macos: { platform: 'darwin', arch: 'arm64', procVersion: '' },
  wsl: { platform: 'linux', procVersion: 'Linux version 5.15.146.1-microsoft-standard-WSL2 (root@65c757a075e2)' },
};

/** What each remedy must say on each OS: the tool that OS installs or the setting it changes. */
const SAYS: Record<Exclude<Failure, 'os'>, Record<Os, RegExp>> = {
  node: { linux: /Node\.js 20/, macos: /brew install node@20/, wsl: /inside this WSL distribution/ },
  dockerCli: { linux: /make bootstrap/, macos: /Docker Desktop for Mac/, wsl: /WSL 2 backend.*WSL integration/ },
  engine: { linux: /systemctl start docker/, macos: /open -a Docker/, wsl: /start Docker Desktop on Windows/ },
  compose: { linux: /make bootstrap/, macos: /update Docker Desktop/, wsl: /update Docker Desktop/ },
  openssl: { linux: /^apt-get install openssl$/, macos: /brew install openssl/, wsl: /sudo apt-get install openssl/ },
  base: { linux: /make bootstrap/, macos: /docker load -i FILE/, wsl: /apt-get install debootstrap/ },
  cores: { linux: /at least 2 cores/, macos: /Settings → Resources.*2 CPUs/, wsl: /processors= .*\.wslconfig/ },
  memory: { linux: /at least 4 GiB/, macos: /Settings → Resources.*4 GiB/, wsl: /memory= .*\.wslconfig/ },
  disk: { linux: /data-root/, macos: /Virtual disk limit/, wsl: /Disk image location/ },
  images: {
    linux: /npm run images .*apt-get/,
    macos: /cannot be built on macOS yet.*docker load -i FILE/,
    wsl: /npm run images .*inside WSL/,
  },
  processes: {
    linux: /--pid container:ID.*DOCKER_HOST/,
    macos: /docker load -i FILE.*--pid container:ID/,
    wsl: /inside WSL.*--pid container:ID/,
  },
  procfs: { linux: /DOCKER_HOST/, macos: /own VM.*stacks’ checks do not need it/, wsl: /install the engine in this distribution/ },
  proxy: { linux: /http:\/\/HOST:PORT/, macos: /http:\/\/HOST:PORT/, wsl: /http:\/\/HOST:PORT/ },
  smoke: { linux: /npm run stack:https/, macos: /npm run stack:https/, wsl: /npm run stack:https .*inside WSL/ },
};

interface Case {
  failure: Exclude<Failure, 'os'>;
  /** How the verdict names the failed check and what it found. */
  names: RegExp;
  script?: Partial<Script>;
  host?: Partial<Host>;
  smoke?: { ok: boolean; out: string };
}
const CASES: Record<string, Case> = {
  'Node.js older than 20': { failure: 'node', names: /Node\.js >= 20: v18\.19\.0/, host: { nodeVersion: 'v18.19.0' } },
  'no docker CLI': {
    failure: 'dockerCli',
    names: /docker CLI: docker: command not found/,
    script: { 'docker --version': fail('docker: command not found') },
  },
  'an engine that does not answer': {
    failure: 'engine',
    names: /Docker engine reachable: Cannot connect to the Docker daemon/,
    script: { 'docker info --format {{.ServerVersion}}': fail('Cannot connect to the Docker daemon at unix:///var/run/docker.sock.') },
  },
  'Compose older than 2.20': {
    failure: 'compose',
    names: /Compose v2 >= 2\.20: 2\.12\.2/,
    script: { 'docker compose version --short': ok('2.12.2') },
  },
  'no openssl': { failure: 'openssl', names: /openssl .*: openssl: not found/, script: { 'openssl version': fail('openssl: not found') } },
  'no base image and no debootstrap': {
    failure: 'base',
    names: /base image: .* absent, no debootstrap/,
    script: { 'docker image inspect': fail('No such image'), 'sh -c command -v debootstrap': fail('') },
  },
  'one core': { failure: 'cores', names: /cores: 1 \(needs 2\)/, host: { cpus: 1 } },
  '2 GiB of memory': { failure: 'memory', names: /memory: 2\.0 GiB \(needs 4 GiB\)/, host: { memory: 2 * GIB } },
  'a full project disk': {
    failure: 'disk',
    names: /free disk of the project .*: 0\.5 GiB free \(needs 2 GiB\)/,
    host: { freeBytes: (p) => (p === '/home/ann/sidecar-lab' ? GIB / 2 : 50 * GIB) },
  },
  'an engine given one CPU': {
    failure: 'cores',
    names: /engine cores: 1 \(needs 2\)/,
    script: { 'docker info --format {{.NCPU}}': ok(`1|${8 * GIB}|/var/lib/docker`) },
  },
  'an engine given 2 GiB': {
    failure: 'memory',
    names: /engine memory: 2\.0 GiB/,
    script: { 'docker info --format {{.NCPU}}': ok(`4|${2 * GIB}|/var/lib/docker`) },
  },
  "a full disk under Docker's data root": {
    failure: 'disk',
    names: /data root \(\/var\/lib\/docker\): 0\.5 GiB free \(needs 1 GiB\)/,
    host: { freeBytes: (p) => (p === '/var/lib/docker' ? GIB / 2 : 50 * GIB) },
  },
  'two catalogue images missing': {
    failure: 'images',
    names: /catalogue images present: 28 of 30/,
    script: { 'docker image ls': ok(CATALOGUE.slice(2).join('\n')) },
  },
  'a proxy variable that is not a URL': {
    failure: 'proxy',
    names: /HTTPS_PROXY=http:\/\/ann:\*\*\*@\[bad; not a URL: HTTPS_PROXY/,
    host: { env: { HTTPS_PROXY: 'http://ann:s3cret@[bad' } },
  },
  'a smoke whose stack does not come up': {
    failure: 'smoke',
    names: /smoke: .*: not done within 30 s/,
    smoke: fail('not done within 30 s'),
  },
  'a toolbox that cannot join the pod’s PID namespace': {
    failure: 'processes',
    names:
      /container processes .*: a toolbox in pod c0ffee123456 could not read \/proc\/1\/stat: Error response from daemon: cannot join PID/,
    script: { 'docker run --pull never --rm --pid': fail('Error response from daemon: cannot join PID namespace') },
  },
};

for (const [name, c] of Object.entries(CASES))
  test(`${name} ends in NOT READY with that failure and the remedy for macOS, for WSL2 and for Linux`, async () => {
    for (const os of Object.keys(OSES) as Os[]) {
      const { deps } = laptop({ script: c.script, host: { ...OSES[os], ...c.host }, smoke: c.smoke });
      const room = await roomCheck(deps);
      assert.is(room.ready, false, os);
      assert.match(room.verdict, /^NOT READY: /, os);
      assert.match(room.verdict, c.names, os);
      const text = remedy(c.failure, os);
      assert.match(text, SAYS[c.failure][os], `${os} remedy for ${c.failure}`);
      assert.ok(room.verdict.endsWith(` — ${text.replace(/\s*\n\s*/g, ' ')}`), `${os}: ${room.verdict}`);
      assert.not.match(room.verdict, /\n/, 'one line');
    }
  });

test('a healthy laptop ends in READY with its own platform, cores, memory and image count, after one smoke', async () => {
  const { deps, smoke } = laptop({ host: { platform: 'darwin', arch: 'arm64', procVersion: '', cpus: 8, memory: 16 * GIB } });
  const room = await roomCheck(deps);
  assert.is(room.verdict, 'READY darwin/arm64 8 cores 16 GiB images 30/30');
  assert.ok(room.ready);
  assert.is(smoke.runs, 1);
  const seen = room.findings.find((f) => f.what.startsWith('the runner sees container processes'));
  assert.is(seen?.detail, 'a toolbox in pod c0ffee123456 read its PID 1 (catatonit)', 'the pod of the smoke’s own run');
  const own = room.findings.find((f) => f.what.startsWith('the runner’s own /proc'));
  assert.is(own?.detail, `read /proc/${POD_PID} of pod c0ffee123456`);
});

test('a runner whose own /proc holds no container (Docker Desktop) is READY, with a warning that names what needs it', async () => {
  for (const os of Object.keys(OSES) as Os[]) {
    const { deps } = laptop({ host: { ...OSES[os], procStat: () => undefined } });
    const room = await roomCheck(deps);
    assert.ok(room.ready, `${os}: ${room.verdict}`);
    assert.match(room.verdict, /^READY /);
    const own = room.findings.find((f) => f.what.startsWith('the runner’s own /proc'));
    assert.equal({ ok: own?.ok, optional: own?.optional }, { ok: false, optional: true }, `${os}: a warning`);
    assert.match(
      own?.detail ?? '',
      new RegExp(`^cannot read /proc/${POD_PID} of pod c0ffee123456 .*the lab shows no processes, and verify skips`),
    );
    assert.is(own?.remedy, remedy('procfs', os));
  }
});

test('with images missing the smoke is skipped with a line that says how many, and is not run', async () => {
  const { deps, smoke } = laptop({ script: { 'docker image ls': ok(CATALOGUE.slice(3).join('\n')), 'docker ps': ok('') } });
  const room = await roomCheck(deps);
  assert.is(smoke.runs, 0);
  const skipped = room.findings.find((f) => f.what.startsWith('smoke'));
  assert.is(skipped?.detail, 'skipped: 3 of 30 images are missing');
  const seen = room.findings.find((f) => f.what.startsWith('the runner sees container processes'));
  assert.match(seen?.detail ?? '', /^no container running to test; to test: npm run stack:https -- up; npm run doctor -- --room/);
  assert.ok(seen?.optional, 'an untested /proc is a warning, not the failure');
  assert.match(room.verdict, /^NOT READY: catalogue images present: 27 of 30 — npm run images/);
});

test('without an engine the engine checks and the smoke are not run, and the verdict names the engine', async () => {
  const { deps, run, smoke } = laptop({
    script: { 'docker info --format {{.ServerVersion}}': fail('Cannot connect to the Docker daemon') },
  });
  const room = await roomCheck(deps);
  assert.is(smoke.runs, 0);
  assert.is(run.calls.filter((c) => c.startsWith('docker compose --project-directory') || c.startsWith('docker ps')).length, 0);
  assert.match(room.verdict, /^NOT READY: Docker engine reachable: /);
});

test('on Windows itself every failure points to WSL2', async () => {
  const { deps } = laptop({ host: { platform: 'win32', procVersion: '' } });
  const room = await roomCheck(deps);
  assert.match(room.verdict, /^NOT READY: OS and architecture: Windows, windows\/amd64 .* — run sidecar-lab inside WSL2/);
});

test('WSL 1 is told to move to WSL 2, and WSL 2 is recognised from its kernel', async () => {
  const one = laptop({ host: { procVersion: 'Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0)' } });
  assert.match(
    (await roomCheck(one.deps)).verdict,
    /^NOT READY: OS and architecture: Windows \(WSL 1\), linux\/amd64 .* — use WSL 2, not WSL 1/,
  );
  const two = laptop({ host: OSES.wsl });
  const room = await roomCheck(two.deps);
  assert.ok(room.ready, room.verdict);
  assert.match(
    room.findings.find((f) => f.what === 'OS and architecture')?.detail ?? '',
    /^Windows \(WSL2\), linux\/amd64 \(not tested here yet/,
  );
});

test('the first failure is the one the verdict names, and the others still print with their remedies', async () => {
  const { deps } = laptop({ host: { cpus: 1, memory: GIB } });
  const room = await roomCheck(deps);
  assert.match(room.verdict, /^NOT READY: cores: 1/);
  const lines: string[] = [];
  printFindings(room.findings, (l) => lines.push(l));
  const failed = lines.flatMap((l, i) => (l.startsWith('✘') ? [`${l}\n${lines[i + 1]}`] : []));
  assert.equal(failed, [
    `✘ cores: 1 (needs 2)\n    remedy: ${remedy('cores', 'linux')}`,
    `✘ memory: 1.0 GiB (needs 4 GiB)\n    remedy: ${remedy('memory', 'linux')}`,
  ]);
});

test('proxy variables are shown, with a password in a URL never printed', async () => {
  const env = { HTTP_PROXY: 'http://ann:s3cret@proxy.lan:3128', https_proxy: 'http://proxy.lan:3128', NO_PROXY: 'localhost,127.0.0.1' };
  const { deps } = laptop({ host: { env } });
  const room = await roomCheck(deps);
  assert.ok(room.ready, room.verdict);
  const lines: string[] = [];
  printFindings(room.findings, (l) => lines.push(l));
  assert.ok(
    lines.includes(
      '✔ proxy variables (passed to every image build): HTTP_PROXY=http://ann:***@proxy.lan:3128 NO_PROXY=localhost,127.0.0.1 https_proxy=http://proxy.lan:3128',
    ),
    lines.join('\n'),
  );
  assert.is(lines.filter((l) => l.includes('s3cret')).length, 0);
});

test.run();
