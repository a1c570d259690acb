// npm run bench:https-pods [-- --pods 10 --seconds 3 --load-cpu 1 --out FILE]   (as root: reads /proc/<pid>/smaps_rollup)
// What a machine pays for ten pods (issue 28): ten pods with tls-proxy in front of the app and ten with nginx,
// up at once as one project; each sidecar gets the same HTTPS load, one after the other, then every sidecar's
// proportional memory is read on the host. Writes the bench:https-pods section of docs/benchmarks.md and
// docs/bench-https-pods.json; with --out FILE, the readings to FILE and the report to stdout only.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { $, retry } from 'zx';
import { BenchClock, runtimeLine } from '../../scripts/bench/conditions.js';
import { publishSection } from '../../scripts/bench/section.js';
import { wrk } from '../../scripts/bench/wrk.js';
import { Project } from '../../scripts/lib/compose.js';
import { ROOT, STATE_DIR } from '../../scripts/lib/config.js';
import { buildFor, imageEnv } from '../../scripts/lib/images.js';
import { httpsGet } from '../../scripts/lib/tls-client.js';
import { spec as tlsProxy } from '../../sidecars/tls-proxy/src/params.js';
import { step } from '../../scripts/lib/progress.js';
import { KINDS, type Kind, PODS_SECTION, podsCompose, podsMarkdown, type Reading, readSidecar, summarizePods } from './bench/pods.js';
import { makeCerts } from './bench/setup.js';

const { values: a } = parseArgs({
  options: {
    pods: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '3' },
    out: { type: 'string' },
    'load-cpu': { type: 'string', default: '1' },
  },
});
const pods = Number(a.pods);
const seconds = Number(a.seconds);
if (!Number.isInteger(pods) || pods < 1 || pods > 20) throw new Error(`invalid --pods: ${a.pods} is not a whole number from 1 to 20`);
if (!(seconds >= 1 && seconds <= 30)) throw new Error(`invalid --seconds: ${a.seconds} is not from 1 to 30`);
if (process.getuid?.() !== 0) throw new Error("bench:https-pods reads other users' /proc/<pid>/smaps_rollup: run it as root");

/** Resolves once an HTTPS GET of the URL is answered 200, trusting the bench's CA (PEM). */
async function answers(url: string, ca: Buffer): Promise<void> {
  const r = await httpsGet(url, { ca, timeoutMs: 2000 });
  if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
}

const clock = new BenchClock();
const sidecarKinds = Object.keys(KINDS).length;
const name = `sl-bench-https-pods-${randomBytes(3).toString('hex')}`;
const state = join(STATE_DIR, name);
mkdirSync(state, { recursive: true });
const project = new Project({ project: name, cwd: state, files: ['compose.yaml'], env: {} });
let downOnce: Promise<void> | undefined;
const down = () =>
  (downOnce ??= step(`tearing down ${name}`, async () => {
    await project.down().catch((e: Error) => console.log(`teardown failed: ${e.message}`));
    rmSync(state, { recursive: true, force: true });
  }));
process.once('SIGINT', () => void down().finally(() => process.exit(130)));

try {
  const certs = await makeCerts(state);
  const { dir } = certs;
  const ca = readFileSync(certs.ca);
  writeFileSync(join(state, 'compose.yaml'), podsCompose(pods));
  const images = await imageEnv();
  Object.assign(project.o.env, images, { CERT_DIR: dir, FLOOR_BUN_DIR: join(ROOT, dirname(images.SIDECAR_LAB_BUN_BINARY!)) });
  await buildFor(project);
  // Health checks are off, so nothing to wait for here: each sidecar is waited for by its first answer below.
  await step(`up ${name}: ${pods} pods of each of ${sidecarKinds} kinds`, () => project.up(300, { wait: false }));
  const sidecars = (Object.keys(KINDS) as Kind[]).flatMap((kind) => Array.from({ length: pods }, (_, i) => ({ kind, i: i + 1 })));
  const readings: Reading[] = [];
  await step(`the same load through each of ${sidecars.length} sidecars (wrk -c16, ${seconds} s each)`, async () => {
    for (const s of sidecars) {
      const url = `https://${await project.port(`pod-${s.kind}-${s.i}`, KINDS[s.kind].port)}/1k`;
      await retry(40, '250ms', () => answers(url, ca));
      const r = await wrk(['taskset', '-c', String(a['load-cpu'])], url, { conns: 16, seconds });
      if (r.errors > 0) throw new Error(`${s.kind}-${s.i}: ${r.errors} errors under load`);
    }
  });
  for (const s of sidecars) {
    const pid = Number((await $`docker inspect -f ${'{{.State.Pid}}'} ${await project.id(`${s.kind}-${s.i}`)}`.quiet()).stdout.trim());
    readings.push(readSidecar(s.kind, pid));
  }
  const rows = summarizePods(readings);
  const conditions = await clock.finish({
    notes: [
      `Pods: ${pods} with tls-proxy (\`--mode http --min-tls-version 1.3\`, its defaults otherwise), ${pods} with the floor (a bare Bun of the tls-proxy image with the modules tls-proxy loads, scripts/bench/floor/pipe.mjs --rewrite: TLS terminated, X-Forwarded-* added to each request head it finds, nothing parsed, responses relayed unframed; its Bun is the same build from another file, so that it shares no runtime pages with tls-proxy) and ${pods} with nginx (images/bench-nginx tls-proxy.conf: one worker, TLS 1.3, keep-alive to the app), each in front of its own app (legacy-greeter, Python: of no kind here, so it shares no pages with them) in a pod of its own; all ${pods * sidecarKinds} pods up at once, health checks off.`,
      runtimeLine(tlsProxy),
      `Load: each sidecar in turn, wrk -t1 -c16 for ${seconds} s of HTTPS (keep-alive) through its pod's published port on 127.0.0.1; then every sidecar's memory read at rest, on the host, from /proc/<pid>/smaps_rollup of each of its processes (nginx: master and worker).`,
    ],
  });
  publishSection(
    PODS_SECTION,
    {
      lead: `What ${pods} sidecars of each kind cost the machine together: PSS counts each page once across the processes that share it.`,
      conditions,
      results: podsMarkdown(rows),
    },
    { results: rows, readings },
    a.out,
  );
} finally {
  await down();
}
