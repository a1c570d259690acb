// A fake laptop for the doctor's tests: an engine that answers each command as scripted (a healthy Linux
// engine with every catalogue image unless told otherwise), a Host with chosen facts, and a smoke that records
// that it ran. Nothing here starts a process.
import { BASE_IMAGE, LOCAL_BASE_IMAGE } from '../config.js';
import { type RunResult, type Runner, SMOKE } from '../doctor/finding.js';
import type { Host } from '../doctor/host.js';
import type { RoomDeps } from '../doctor/room.js';
import type { Smoke } from '../doctor/smoke.js';

export const ok = (out: string): RunResult => ({ ok: true, out });
export const fail = (out: string): RunResult => ({ ok: false, out });
export const GIB = 2 ** 30;
export const CATALOGUE = Array.from({ length: 30 }, (_, i) => `sidecar-lab/image-${i}:0.1.0`);
export const POD_PID = 4242;

/** Each key is the start of a command line; the first key that starts the line answers it. */
export type Script = Record<string, RunResult>;

export const healthyEngine = (): Script => ({
  'docker --version': ok('Docker version 24.0.7, build afdd53b'),
  'docker info --format {{.ServerVersion}}': ok('24.0.7'),
  'docker info --format {{.NCPU}}': ok(`4|${8 * GIB}|/var/lib/docker`),
  'docker compose version --short': ok('2.26.1'),
  'docker compose --project-directory': ok(CATALOGUE.join('\n')),
  'docker image ls': ok([...CATALOGUE, 'someone/else:1'].join('\n')),
  [`docker image inspect ${BASE_IMAGE}`]: fail('No such image'),
  [`docker image inspect ${LOCAL_BASE_IMAGE}`]: ok('[]'),
  'docker ps': ok('c0ffee123456789\nbeef00000000'),
  'docker inspect --format {{.Id}} {{.Config.Image}}': ok(
    'c0ffee123456789 sidecar-lab/pause:0.1.0\nbeef00000000 sidecar-lab/tls-proxy:0.1.0',
  ),
  'docker inspect --format {{.State.Pid}}': ok(String(POD_PID)),
  'docker run --pull never --rm --pid container:c0ffee123456789': ok('1 (catatonit) S 0 1 1 0 -1'),
  'openssl version': ok('OpenSSL 3.0.11'),
  'sh -c command -v debootstrap': ok('/usr/sbin/debootstrap'),
});

export function fakeRunner(script: Script): Runner & { calls: string[] } {
  const calls: string[] = [];
  const run = async (cmd: string[]) => {
    const line = cmd.join(' ');
    calls.push(line);
    const key = Object.keys(script).find((k) => line.startsWith(k));
    return key ? script[key]! : fail(`${cmd[0]}: command not found`);
  };
  return Object.assign(run, { calls });
}

export function fakeHost(over: Partial<Host> = {}): Host {
  return {
    platform: 'linux',
    arch: 'x64',
    cpus: 4,
    memory: 8 * GIB,
    procVersion: 'Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12)',
    nodeVersion: 'v20.11.0',
    env: {},
    root: '/home/ann/sidecar-lab',
    freeBytes: () => 50 * GIB,
    procStat: (pid) => (pid === POD_PID ? `${pid} (catatonit) S 0 ${pid} ${pid} 0 -1` : undefined),
    ...over,
  };
}

export function fakeSmoke(result: RunResult = ok('')): Smoke & { runs: number } {
  const smoke = async (during: (project: string) => Promise<void>) => {
    smoke.runs++;
    if (result.ok) await during('sl-https-abc123');
    return { ok: result.ok, what: SMOKE, detail: result.out || 'answered' };
  };
  smoke.runs = 0;
  return smoke;
}

export function laptop(o: { script?: Partial<Script>; host?: Partial<Host>; smoke?: RunResult } = {}) {
  // The test's own answers come first, so that a short key (`docker image inspect`) wins over the healthy ones.
  const script = { ...o.script, ...healthyEngine(), ...o.script } as Script;
  const run = fakeRunner(script);
  const smoke = fakeSmoke(o.smoke);
  const deps: RoomDeps = { run, host: fakeHost(o.host), smoke };
  return { deps, run, smoke };
}
