// npm run bench:mesh [-- --rounds 5 --seconds 5 --no-write --out FILE --no-build]
// npm run bench:mesh -- --rounds 1 --seconds 2 --out /tmp/bench-mesh.json   (a smoke run, docs untouched;
//   add --no-build to run the images as they are)
// npm run bench:mesh -- --profile          (profile one mesh-proxy carrying both halves of the hop instead)
// npm run bench:mesh -- --render docs/bench-mesh.json   (rewrite the report from a run's saved raw data)
// Issue 11: the added latency and the maximum throughput of a mesh hop pair (app → outbound sidecar → mTLS →
// inbound sidecar → app) through two mesh-proxy sidecars, beside the same path through two HAProxy instances
// configured as mTLS proxies, and the app reached directly: all in one pod pinned to one core, the load
// generators on the other (scripts/bench/). Writes docs/bench-mesh.json and the bench:mesh section of
// docs/benchmarks.md; with --out FILE, the raw data to FILE and the report to stdout only.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { removeParent } from '../../scripts/bench/cgroup.js';
import { BenchClock } from '../../scripts/bench/conditions.js';
import type { Settings } from '../../scripts/bench/measure.js';
import { BenchPod, LOAD_CGROUP, membersOf, preflight } from '../../scripts/bench/pod.js';
import { profileNode } from '../../scripts/bench/profile.js';
import { measureAll } from '../../scripts/bench/run.js';
import { writeJson, writeSection } from '../../scripts/bench/section.js';
import { Project } from '../../scripts/lib/compose.js';
import { ROOT, STATE_DIR, VERSION } from '../../scripts/lib/config.js';
import { buildFor, imageEnv } from '../../scripts/lib/images.js';
import { step } from '../../scripts/lib/progress.js';
import { markdown, report, savedReport, SECTION, type MeshConditions, type SavedRun } from './bench/report.js';
import { makePki, NAMESPACE, notes, VARIANTS, versions } from './bench/setup.js';

const { values: a } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    'pod-cpu': { type: 'string', default: '0' },
    'load-cpu': { type: 'string', default: '1' },
    'no-write': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false }, // run the images as they are
    out: { type: 'string' },
    profile: { type: 'boolean', default: false },
    render: { type: 'string' },
  },
});
const cores = { pod: Number(a['pod-cpu']), load: Number(a['load-cpu']) };
const settings: Settings = {
  seconds: Number(a.seconds),
  conns: 64,
  rate: 1000,
  rateConns: 16,
  hsConns: 16,
  hsSeconds: Math.min(4, Number(a.seconds)),
};
const rounds = Number(a.rounds);
const upstream = 'origin';

const write = ({ rows, vs }: ReturnType<typeof report>, c: MeshConditions, raw: unknown) => {
  const body = markdown(rows, vs, c);
  console.log(`\n${body}\n`);
  const saved = { conditions: c, results: rows.map((r) => ({ id: r.id, label: r.label })), summaries: rows, comparison: vs, raw };
  if (a.out) {
    writeJson(a.out, saved);
    console.log(`wrote ${a.out} (docs untouched)`);
  }
  if (a['no-write'] || a.out) return;
  writeJson(join(ROOT, 'docs', 'bench-mesh.json'), saved);
  writeSection(SECTION, body);
  console.log('wrote docs/bench-mesh.json and the bench:mesh section of docs/benchmarks.md');
};

if (a.render) {
  const saved = JSON.parse(readFileSync(a.render, 'utf8')) as SavedRun;
  write(savedReport(saved), saved.conditions, saved.raw);
  process.exit(0);
}

const problems = await preflight(cores, 'npm run bench:mesh');
if (problems.length) {
  for (const p of problems) console.error(`✘ ${p}`);
  process.exit(2);
}

const clock = new BenchClock();
const name = `sl-bench-mesh-${randomBytes(3).toString('hex')}`;
const state = join(STATE_DIR, name);
mkdirSync(state, { recursive: true });
const pki = await makePki(state);
// With --no-build nothing is built, so the base image need not be resolved (that may try a registry).
const images = a['no-build'] ? { SIDECAR_LAB_VERSION: VERSION } : await imageEnv();
const env = { ...images, ID_DIR: pki.ids, HAPROXY_TLS_DIR: pki.haproxy, BENCH_CPU: String(cores.pod) };
const bench = join(ROOT, 'stacks', 'mesh', 'bench');
const project = new Project({ project: name, cwd: bench, files: ['compose.yaml'], env });
const pod = new BenchPod(project, cores, pki.ca);

let downOnce: Promise<void> | undefined;
const down = () =>
  (downOnce ??= step(`tearing down ${name}`, async () => {
    await project.down().catch((e: Error) => console.log(`teardown failed: ${e.message}`));
    for (const cg of ['sidecar-lab-bench', LOAD_CGROUP]) removeParent(cg);
    rmSync(state, { recursive: true, force: true });
  }));
process.once('SIGINT', () => void down().finally(() => process.exit(130)));

try {
  const services = Object.keys(await project.serviceImages()).filter((s) => s !== 'pod');
  if (!a['no-build']) await buildFor(project);
  const adminPorts = VARIANTS.flatMap((v) => membersOf(v).flatMap((m) => (m.adminPort ? [m.adminPort] : [])));
  await step(`up ${name} (pinned to core ${cores.pod})`, () => pod.start(services, adminPorts));
  await step('waiting for every variant to answer GET /1k', () => pod.loadgen('probe', { targets: VARIANTS.map((v) => pod.target(v)) }));
  if (a.profile) {
    // One mesh-proxy doing both halves: its outbound listener (15003) calls its own inbound port (15036) over mTLS.
    await profileNode(
      pod,
      {
        image: `sidecar-lab/mesh-proxy:${VERSION}`,
        label: 'mesh-proxy-pair',
        dir: 'bench-mesh-profile',
        port: 15003,
        tls: false,
        docker: ['-v', `${join(pki.ids, 'app')}:/etc/mesh/identity:ro`],
        args: [
          '--service',
          'app',
          '--namespace',
          NAMESPACE,
          '--allow',
          'app',
          '--outbound',
          'app:15036=15003',
          '--inbound-port',
          '15036',
          '--app-port',
          '8081',
          '--admin-port',
          '9935',
        ],
      },
      settings.seconds * 2,
    );
  } else {
    const vers = await versions(pod);
    const runs = await measureAll(pod, VARIANTS, upstream, settings, rounds);
    const c: MeshConditions = {
      ...(await clock.finish({ versions: vers, notes: notes({ cores, settings, priority: pod.priority }) })),
      ...settings,
      rounds,
    };
    write(report(VARIANTS, runs), c, Object.fromEntries(runs));
  }
} finally {
  await down();
}
