// npm run bench:https [-- --rounds 5 --seconds 5 --upstream fast|python --only ours-tcp,nginx-stream --no-write --out FILE]
// npm run bench:https -- --rounds 1 --seconds 2 --out /tmp/bench-https.json   (a smoke run: about 2 minutes, docs untouched;
//   add --no-build to run the images as they are)
// npm run bench:https -- --profile tcp|http     (profile the sidecar instead: scripts/bench/profile.ts)
// npm run bench:https -- --render docs/bench-https.json   (rewrite the report from a run's saved raw data)
// The TLS sidecar (tcp and http mode) beside nginx (stream and http) and HAProxy (mode tcp and mode http)
// terminating TLS, and the upstream reached directly, all in one pod pinned to one core; the load
// generators on the other core. Writes docs/bench-https.json and the bench:https section of
// docs/benchmarks.md; with --out FILE, the raw data to FILE and the report to stdout only.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { removeParent } from '../../scripts/bench/cgroup.js';
import { BenchClock } from '../../scripts/bench/conditions.js';
import type { Settings } from '../../scripts/bench/measure.js';
import { BenchPod, LOAD_CGROUP, preflight } from '../../scripts/bench/pod.js';
import { profileNode } from '../../scripts/bench/profile.js';
import { measureAll } from '../../scripts/bench/run.js';
import { writeJson, writeSection } from '../../scripts/bench/section.js';
import { Project } from '../../scripts/lib/compose.js';
import { ROOT, STATE_DIR, VERSION } from '../../scripts/lib/config.js';
import { buildFor, imageEnv } from '../../scripts/lib/images.js';
import { step } from '../../scripts/lib/progress.js';
import { summarize } from './bench/aggregate.js';
import { markdown, savedReport, SECTION, type HttpsConditions, type SavedRun } from './bench/report.js';
import { makeCerts, notes, REFERENCES, variantsFor, versions } from './bench/setup.js';

const { values: a } = parseArgs({
  options: {
    rounds: { type: 'string' },
    reps: { type: 'string', default: '5' }, // the former name of --rounds
    seconds: { type: 'string', default: '5' },
    upstream: { type: 'string', default: 'fast' },
    only: { type: 'string' },
    'pod-cpu': { type: 'string', default: '0' },
    'load-cpu': { type: 'string', default: '1' },
    'no-write': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false }, // run the images as they are (e.g. while the Dockerfile is being edited)
    out: { type: 'string' },
    profile: { type: 'string' },
    render: { type: 'string' },
  },
});
const fast = a.upstream !== 'python';
const cores = { pod: Number(a['pod-cpu']), load: Number(a['load-cpu']) };
const settings: Settings = {
  seconds: Number(a.seconds),
  conns: 64,
  rate: 1000,
  rateConns: 16,
  hsConns: 16,
  hsSeconds: Math.min(4, Number(a.seconds)),
};
const reps = Number(a.rounds ?? a.reps);
const upstream = fast ? 'origin' : 'greeter';

const all = variantsFor(fast);
const only = a.only?.split(',');
const variants = all.filter((v) => v.id === 'direct' || !only || only.includes(v.id));

const write = (rows: ReturnType<typeof summarize>, c: HttpsConditions, raw: unknown) => {
  const body = markdown(rows, c);
  console.log(`\n${body}\n`);
  if (a.out) {
    writeJson(a.out, { conditions: c, results: rows, raw });
    console.log(`wrote ${a.out} (docs untouched)`);
  }
  if (a['no-write'] || a.out) return;
  writeJson(join(ROOT, 'docs', 'bench-https.json'), { conditions: c, results: rows, raw });
  writeSection(SECTION, body);
  console.log('wrote docs/bench-https.json and the bench:https section of docs/benchmarks.md');
};

if (a.render) {
  const saved = JSON.parse(readFileSync(a.render, 'utf8')) as SavedRun;
  const { rows, conditions } = savedReport(saved, all);
  write(rows, conditions, saved.raw);
  process.exit(0);
}

const problems = await preflight(cores, 'npm run bench:https');
if (problems.length) {
  for (const p of problems) console.error(`✘ ${p}`);
  process.exit(2);
}

const clock = new BenchClock();
const name = `sl-bench-https-${randomBytes(3).toString('hex')}`;
const state = join(STATE_DIR, name);
mkdirSync(state, { recursive: true });
const certs = await makeCerts(state);
const env = { ...(await imageEnv()), CERT_DIR: certs.dir, BENCH_CPU: String(cores.pod), GREETER_PORT: fast ? '8080' : '8081' };
const project = new Project({
  project: name,
  cwd: join(ROOT, 'stacks', 'https', 'bench'),
  files: ['compose.yaml'],
  env,
  profiles: fast ? ['fast-upstream'] : [],
});
const pod = new BenchPod(project, cores, certs.ca);

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
  await step(`up ${name} (pinned to core ${cores.pod})`, () =>
    pod.start(
      services,
      variants.flatMap((v) => (v.adminPort ? [v.adminPort] : [])),
    ),
  );
  await step('waiting for every variant to answer GET /1k', () => pod.loadgen('probe', { targets: variants.map((v) => pod.target(v)) }));
  if (a.profile === 'tcp' || a.profile === 'http') {
    await profileNode(
      pod,
      {
        image: `sidecar-lab/tls-proxy:${VERSION}`,
        label: `tls-proxy-${a.profile}`,
        dir: 'bench-https-profile',
        port: 8453,
        tls: true,
        docker: ['-v', `${certs.dir}:/etc/tls:ro`],
        args: ['--mode', a.profile, '--listen-port', '8453', '--admin-port', '9953', '--upstream-port', '8081', '--min-tls-version', '1.3'],
      },
      settings.seconds * 2,
    );
  } else {
    const vers = await versions(pod, services);
    const runs = await measureAll(pod, variants, upstream, settings, reps);
    const rows = summarize(variants, runs, 'direct', REFERENCES);
    const c = {
      ...(await clock.finish({ versions: vers, notes: notes({ cores, settings, fast, priority: pod.priority }) })),
      ...settings,
      reps,
    };
    write(rows, c, Object.fromEntries(runs));
  }
} finally {
  await down();
}
