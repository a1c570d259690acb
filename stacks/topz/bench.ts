// npm run bench:topz: topz's memory and scan time, idle and with 500 sleeping processes in its pod.
// A pod (pause), topz in it, then a container in the same pod that starts 500 `sleep`s; each phase
// makes sequential requests to /api/processes from the host and reads topz's own RSS from the answer.
// Writes the bench:topz section of docs/benchmarks.md (between markers; the rest of the file is kept).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { $, sleep } from 'zx';
import { BenchClock } from '../../scripts/bench/conditions.js';
import { renderSection, writeSection, type Section } from '../../scripts/bench/section.js';
import { percentile } from '../../scripts/bench/stats.js';
import { bundleSidecars } from '../../scripts/lib/bundle.js';
import { eventually, expect } from '../../scripts/lib/check.js';
import { catalogue } from '../../scripts/lib/compose.js';
import { STATE_DIR, VERSION } from '../../scripts/lib/config.js';
import { imageEnv } from '../../scripts/lib/images.js';
import { step } from '../../scripts/lib/progress.js';
import { readSecret } from '../../scripts/lib/secret.js';
import { parseStat } from '../../sidecars/lib/proc.js';
import type { Snapshot } from '../../sidecars/topz/src/schema.js';
import { fetchSnapshot } from './oracle.js';
import { writeToken } from './support.js';

const SLEEPERS = 500;
const REQUESTS = 40;
const SECTION: Section = { id: 'topz', title: 'topz’s memory and scan time, idle and with 500 processes', source: 'stacks/topz/bench.ts' };

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

interface Phase {
  processes: number;
  scanMs: number[];
  latencyMs: number[];
  bytes: number;
  rss: number;
  cpuMsPerRequest: number;
}

/** CPU time (ms) the process has used, read by the host: insensitive to how busy the machine is. */
const cpuMs = (hostPid: number) => parseStat(readFileSync(`/proc/${hostPid}/stat`, 'utf8')).cpuTicks * 10;

async function measure(url: string, token: string, hostPid: number): Promise<Phase> {
  const scanMs: number[] = [],
    latencyMs: number[] = [];
  const cpu0 = cpuMs(hostPid);
  let last: Snapshot | undefined,
    bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/processes`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    latencyMs.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`/api/processes answered ${res.status}`);
    last = JSON.parse(text) as Snapshot;
    bytes = text.length;
    scanMs.push(last.scanMs);
    await sleep(50);
  }
  const self = last!.processes.find((p) => p.self);
  if (!self) throw new Error('topz did not list itself');
  if (last!.truncated) throw new Error(`scan truncated (${last!.truncated})`);
  return {
    processes: last!.processes.length,
    scanMs,
    latencyMs,
    bytes,
    rss: self.rssBytes,
    cpuMsPerRequest: (cpuMs(hostPid) - cpu0) / REQUESTS,
  };
}

const f1 = (ms: number) => ms.toFixed(1);
const row = (label: string, p: Phase) =>
  `| ${label} | ${p.processes} | ${f1(percentile(p.scanMs, 50))} / ${f1(percentile(p.scanMs, 95))} / ${f1(Math.max(...p.scanMs))} ms | ${f1(percentile(p.latencyMs, 50))} / ${f1(percentile(p.latencyMs, 95))} ms | ${f1(p.cpuMsPerRequest)} ms | ${(p.bytes / 1024).toFixed(0)} KiB | ${mib(p.rss)} | ${p.scanMs.filter((ms) => ms > 1000).length} of ${p.scanMs.length} |`;

const env = await imageEnv();
await bundleSidecars(['topz']);
await step('building pause, topz, toolbox', () => catalogue(env).build(['pause', 'topz', 'toolbox']));
mkdirSync(STATE_DIR, { recursive: true });
const dir = mkdtempSync(join(STATE_DIR, 'bench-topz-'));
const tokenFile = writeToken(join(dir, 'topz'));
const ids: string[] = [];
const run = async (args: string[]) => {
  const id = (await $`docker run --pull never -d ${args}`.quiet()).stdout.trim();
  ids.push(id);
  return id;
};
const hard = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true', '--label', 'sidecar-lab.bench=topz'];
try {
  const clock = new BenchClock();
  const pod = await run([...hard, '-p', '127.0.0.1::9700', `sidecar-lab/pause:${VERSION}`]);
  const inPod = ['--network', `container:${pod}`, '--pid', `container:${pod}`];
  const topz = await run([
    ...hard,
    ...inPod,
    '-v',
    `${join(dir, 'topz')}:/run/topz:ro`,
    '-e',
    'TOPZ_LISTEN_ADDRESS=0.0.0.0',
    '-e',
    'TOPZ_TOKEN_FILE=/run/topz/token',
    '-e',
    'TOPZ_SCAN_TIMEOUT=10s',
    `sidecar-lab/topz:${VERSION}`,
  ]);
  const url = `http://${(await $`docker port ${pod} 9700/tcp`.quiet()).stdout.trim().split('\n')[0]}`;
  const token = readSecret(tokenFile);
  const hostPid = Number((await $`docker inspect --format ${'{{.State.Pid}}'} ${topz}`.quiet()).stdout.trim());
  await step('waiting for topz', () => eventually(() => fetchSnapshot(url, token), { within: 20_000, every: 200 }));
  await sleep(3000);
  const idle = await step(`${REQUESTS} requests, idle pod`, () => measure(url, token, hostPid));
  await run([
    ...hard,
    ...inPod,
    `sidecar-lab/toolbox:${VERSION}`,
    'sh',
    '-c',
    `i=0; while [ $i -lt ${SLEEPERS} ]; do sleep 3600 & i=$((i+1)); done; wait`,
  ]);
  await step(`waiting for ${SLEEPERS} sleepers`, () =>
    eventually(
      async () => {
        const n = (await fetchSnapshot(url, token).catch(() => undefined))?.processes.length ?? 0;
        expect.ok(n >= SLEEPERS + 3, 'processes topz lists once the sleepers all started', `>= ${SLEEPERS + 3}`, n);
      },
      { within: 30_000, every: 200 },
    ),
  );
  await sleep(3000); // a few sampler scans, so the CPU tracker holds every process
  const busy = await step(`${REQUESTS} requests, ${SLEEPERS} sleeping processes`, () => measure(url, token, hostPid));
  const image = (await $`docker image inspect --format ${'{{.Size}}'} sidecar-lab/topz:${VERSION}`.quiet()).stdout.trim();
  const bunV = (await $`docker run --pull never --rm --entrypoint bun sidecar-lab/topz:${VERSION} --version`.quiet()).stdout.trim();
  const conditions = await clock.finish({
    versions: { topz: `${VERSION} on Bun ${bunV}, image ${(Number(image) / 1e6).toFixed(0)} MB` },
    notes: [
      `Setup: topz non-root, cap_drop ALL, read-only. The ${SLEEPERS} processes are \`sleep 3600\` children of one shell in a container in topz's pod.`,
    ],
  });
  const body = renderSection({
    lead: `${REQUESTS} sequential GET /api/processes from the host per phase (50 ms apart), defaults (cmdline and environ hidden) except \`--scan-timeout 10s\`, so a slow scan is measured rather than cut at the default 1 s (the last column counts the scans the default would have cut).`,
    conditions,
    results: [
      '| phase | processes listed | scan time p50 / p95 / max | request latency p50 / p95 | topz CPU per request | JSON size | topz RSS | scans over 1 s |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      row('idle pod', idle),
      row(`${SLEEPERS} sleeping processes`, busy),
      '',
      `Scan time is topz's own \`scanMs\` (reading stat and status of every process); latency adds JSON encoding and HTTP; both are wall-clock times and grow with the machine's load. CPU per request is the CPU time the host counted for topz's process during the phase (background sampling every 2 s included) divided by the requests: it does not depend on the load. RSS is topz's own entry in the answer (\`self: true\`) after the phase's requests. Percentiles are nearest-rank (scripts/bench/stats.ts).`,
    ],
  });
  writeSection(SECTION, body);
  console.log(`\n${body}\n\nwrote the bench:topz section of docs/benchmarks.md`);
} finally {
  if (ids.length) await $`docker rm -f ${ids.reverse()}`.quiet().nothrow();
  rmSync(dir, { recursive: true, force: true });
}
