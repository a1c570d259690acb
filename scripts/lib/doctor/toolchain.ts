// The toolchain every run needs: Node.js, the Docker CLI, an engine that answers, Compose v2, openssl, and a
// base image (present, or one debootstrap can build). `npm run doctor` is these and the optional tools.
import { BASE_IMAGE, LOCAL_BASE_IMAGE } from '../config.js';
import { atLeast, type Finding, firstLine, lastLine, type Runner } from './finding.js';
import type { OsKind } from './platform.js';
import { remedy } from './remedies.js';

export interface Toolchain {
  findings: Finding[];
  /** Whether an engine answered: the checks after these need one. */
  engine: boolean;
}

export async function toolchain(run: Runner, os: OsKind, nodeVersion = process.version): Promise<Toolchain> {
  const findings: Finding[] = [];
  findings.push({ ok: atLeast(nodeVersion, '20.0.0'), what: 'Node.js >= 20', detail: nodeVersion, remedy: remedy('node', os) });

  const cli = await run(['docker', '--version']);
  findings.push({ ok: cli.ok, what: 'docker CLI', detail: firstLine(cli.out), remedy: remedy('dockerCli', os) });
  const engine = cli.ok ? await run(['docker', 'info', '--format', '{{.ServerVersion}}']) : { ok: false, out: 'no CLI' };
  findings.push({
    ok: engine.ok,
    what: 'Docker engine reachable',
    detail: engine.ok ? `engine ${engine.out}` : lastLine(engine.out),
    remedy: remedy('engine', os),
  });
  const compose = cli.ok ? await run(['docker', 'compose', 'version', '--short']) : { ok: false, out: 'no CLI' };
  findings.push({
    ok: compose.ok && atLeast(compose.out, '2.20.0'),
    what: 'Docker Compose v2 >= 2.20',
    detail: compose.out || 'missing',
    remedy: remedy('compose', os),
  });
  const openssl = await run(['openssl', 'version']);
  findings.push({
    ok: openssl.ok,
    what: 'openssl (makes the demo CA and certificates)',
    detail: openssl.out,
    remedy: remedy('openssl', os),
  });
  if (engine.ok) findings.push(await baseImage(run, os));
  return { findings, engine: engine.ok };
}

async function baseImage(run: Runner, os: OsKind): Promise<Finding> {
  const base = await run(['docker', 'image', 'inspect', BASE_IMAGE]);
  const local = await run(['docker', 'image', 'inspect', LOCAL_BASE_IMAGE]);
  const deboot = await run(['sh', '-c', 'command -v debootstrap']);
  const detail = base.ok
    ? `${BASE_IMAGE} present`
    : local.ok
      ? `${LOCAL_BASE_IMAGE} present (local debootstrap build)`
      : deboot.ok
        ? `will be built with debootstrap on first use (${BASE_IMAGE} is not present; nothing is pulled)`
        : `${BASE_IMAGE} absent, no debootstrap`;
  return { ok: base.ok || local.ok || deboot.ok, what: 'base image', detail, remedy: remedy('base', os) };
}
