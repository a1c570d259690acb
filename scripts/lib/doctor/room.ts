// `npm run doctor -- --room`: the toolchain, then the laptop (OS, cores, memory, disk), the engine (its
// resources, data root, the catalogue's images as n of N), the proxy variables, a 30-second smoke and whether
// the runner sees container processes; it ends with the one line a workshop leader collects from each laptop.
import { engineFindings, type ImageCount } from './engine.js';
import { type Finding, type Runner, SMOKE } from './finding.js';
import { gib, type Host, hostFindings } from './host.js';
import { optionalTools } from './optional.js';
import { osKind, platformName } from './platform.js';
import { processFindings } from './processes.js';
import { proxyFinding } from './proxies.js';
import { remedy } from './remedies.js';
import type { Smoke } from './smoke.js';
import { toolchain } from './toolchain.js';

export interface RoomDeps {
  run: Runner;
  host: Host;
  smoke: Smoke;
}

export interface Room {
  findings: Finding[];
  /** READY … or NOT READY: the first failure — its remedy. */
  verdict: string;
  ready: boolean;
}

export async function roomCheck({ run, host, smoke }: RoomDeps): Promise<Room> {
  const os = osKind(host.platform, host.procVersion);
  const tools = await toolchain(run, os, host.nodeVersion);
  const findings = [...tools.findings, ...(await optionalTools(run)), ...hostFindings(host, os)];
  let images: ImageCount | undefined;
  if (tools.engine) {
    const engine = await engineFindings(run, host, os);
    findings.push(...engine.findings);
    images = engine.images;
  }
  findings.push(proxyFinding(host.env, os));

  let processes: Finding[] | undefined;
  if (!tools.engine) findings.push({ ok: false, optional: true, what: SMOKE, detail: 'skipped: no engine answers' });
  else if (!images || images.present < images.total)
    findings.push({
      ok: false,
      optional: true,
      what: SMOKE,
      detail: `skipped: ${images ? `${images.total - images.present} of ${images.total} images are missing` : 'the catalogue could not be read'}`,
    });
  else {
    const smoked = await smoke(async (project) => {
      processes = await processFindings(run, host, os, project);
    });
    findings.push({ ...smoked, remedy: remedy('smoke', os) });
  }
  if (tools.engine) findings.push(...(processes ?? (await processFindings(run, host, os))));

  const failed = findings.find((f) => !f.ok && !f.optional);
  const verdict = failed
    ? `NOT READY: ${failed.what}: ${failed.detail} — ${(failed.remedy ?? '').replace(/\s*\n\s*/g, ' ')}`
    : `READY ${platformName(host.platform, host.arch)} ${host.cpus} cores ${gib(host.memory)} images ${images?.present}/${images?.total}`;
  return { findings, verdict, ready: !failed };
}
