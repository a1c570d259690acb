// npm run bench:https [-- --reps 5 --seconds 5 --upstream fast|python --only ours-tcp,nginx --no-write]
// npm run bench:https -- --profile tcp|http     (profile the sidecar instead: scripts/bench/profile.ts)
// npm run bench:https -- --render docs/bench-https.json   (rewrite the report from a run's saved raw data)
// The TLS sidecar (both modes) beside nginx and HAProxy terminating TLS, and the upstream reached
// directly, all in one pod pinned to one core; the load generators on the other core. Writes
// docs/bench-https.json and the bench:https section of docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarize, type Runs } from './bench/aggregate.js';
import { removeParent } from './bench/cgroup.js';
import type { Settings } from './bench/measure.js';
import { BenchPod, LOAD_CGROUP, type Variant } from './bench/pod.js';
import { profileSidecar } from './bench/profile.js';
import { markdown, writeJson, writeSection, type Conditions } from './bench/report.js';
import { measureAll } from './bench/run.js';
import { conditions, makeCerts, preflight, versions } from './bench/setup.js';
import { Project } from './lib/compose.js';
import { ROOT, STATE_DIR } from './lib/config.js';
import { buildFor, imageEnv } from './lib/images.js';
import { step } from './lib/progress.js';

const { values: a } = parseArgs({ options: {
  reps: { type: 'string', default: '5' }, seconds: { type: 'string', default: '5' },
  upstream: { type: 'string', default: 'fast' }, only: { type: 'string' },
  'pod-cpu': { type: 'string', default: '0' }, 'load-cpu': { type: 'string', default: '1' },
  'no-write': { type: 'boolean', default: false }, profile: { type: 'string' }, render: { type: 'string' },
} });
const fast = a.upstream !== 'python';
const cores = { pod: Number(a['pod-cpu']), load: Number(a['load-cpu']) };
const settings: Settings = { seconds: Number(a.seconds), conns: 64, rate: 1000, rateConns: 16, hsConns: 16, hsSeconds: Math.min(4, Number(a.seconds)) };
const reps = Number(a.reps);
const upstream = fast ? 'origin' : 'greeter';

const all: Variant[] = [
  { id: 'direct', label: `direct HTTP to the upstream (${fast ? 'nginx, 1 KB' : 'legacy-greeter'})`, service: upstream, port: 8081, tls: false },
  ...(fast ? [{ id: 'direct-python', label: 'direct HTTP to legacy-greeter (Python), reference', service: 'greeter', port: 8080, tls: false }] : []),
  { id: 'ours-tcp', label: 'tls-proxy --mode tcp (L4)', service: 'ours-tcp', port: 8443, tls: true, adminPort: 9901 },
  { id: 'ours-http', label: 'tls-proxy --mode http (L7)', service: 'ours-http', port: 8444, tls: true, adminPort: 9902 },
  { id: 'nginx', label: 'nginx (L7)', service: 'nginx', port: 8445, tls: true },
  { id: 'haproxy', label: 'HAProxy (L7)', service: 'haproxy', port: 8446, tls: true },
];
const only = a.only?.split(',');
const variants = all.filter((v) => v.id === 'direct' || !only || only.includes(v.id));

const write = (rows: ReturnType<typeof summarize>, c: Conditions, raw: unknown) => {
  const body = markdown(rows, c);
  console.log(`\n${body}\n`);
  if (a['no-write']) return;
  writeJson(join(ROOT, 'docs', 'bench-https.json'), rows, c, raw);
  writeSection(join(ROOT, 'docs', 'benchmarks.md'), body);
  console.log('wrote docs/bench-https.json and the bench:https section of docs/benchmarks.md');
};

if (a.render) {
  const saved = JSON.parse(readFileSync(a.render, 'utf8')) as { conditions: Conditions; results: { id: string; label: string }[]; raw: Record<string, Runs> };
  const byId = new Map(all.map((v) => [v.id, v]));
  const vs = saved.results.map((r) => ({ ...byId.get(r.id)!, label: r.label }));
  write(summarize(vs, new Map(Object.entries(saved.raw)), 'direct'), saved.conditions, saved.raw);
  process.exit(0);
}

const problems = await preflight(cores);
if (problems.length) {
  for (const p of problems) console.error(`✘ ${p}`);
  process.exit(2);
}

const t0 = Date.now();
const loadBefore = loadavg()[0]!;
const name = `sl-bench-https-${randomBytes(3).toString('hex')}`;
const state = join(STATE_DIR, name);
mkdirSync(state, { recursive: true });
const certs = await makeCerts(state);
const env = { ...(await imageEnv()), CERT_DIR: certs.dir, BENCH_CPU: String(cores.pod), GREETER_PORT: fast ? '8080' : '8081' };
const project = new Project({ project: name, cwd: join(ROOT, 'scripts', 'bench'), files: ['https.compose.yaml'], env, profiles: fast ? ['fast-upstream'] : [] });
const pod = new BenchPod(project, cores, certs.ca);

let downOnce: Promise<void> | undefined;
const down = () => (downOnce ??= step(`tearing down ${name}`, async () => {
  await project.down().catch((e: Error) => console.log(`teardown failed: ${e.message}`));
  for (const cg of ['sidecar-lab-bench', LOAD_CGROUP]) removeParent(cg);
  rmSync(state, { recursive: true, force: true });
}));
process.once('SIGINT', () => void down().finally(() => process.exit(130)));

try {
  const services = Object.keys(await project.serviceImages()).filter((s) => s !== 'pod');
  await buildFor(project);
  await step(`up ${name} (pinned to core ${cores.pod})`, () => pod.start(services, variants.flatMap((v) => (v.adminPort ? [v.adminPort] : []))));
  await step('waiting for every variant to answer GET /1k', () => pod.loadgen('probe', { targets: variants.map((v) => pod.target(v)) }));
  if (a.profile === 'tcp' || a.profile === 'http') {
    await profileSidecar(pod, a.profile, certs.dir, settings.seconds * 2);
  } else {
    const vers = await versions(pod, services);
    const runs = await measureAll(pod, variants, upstream, settings, reps);
    const rows = summarize(variants, runs, 'direct');
    const c = conditions({ cores, settings, reps, fast, versions: vers, priority: pod.priority, minutes: (Date.now() - t0) / 60000, load: [loadBefore, loadavg()[0]!] });
    write(rows, c, Object.fromEntries(runs));
  }
} finally {
  await down();
}
